"""AppContext: the open data folder, engine and session factory, built once by main.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.paths import DB_FILENAME, ensure_data_dir
from desktop.records.audit_key import AUDIT_KEYS, AuditKeys
from localdb.engine import make_engine, make_session_factory, reader
from localdb.migrate import upgrade_to_head

if TYPE_CHECKING:
    from desktop.access.auth import PlatformCheck


@dataclass
class AppContext:
    data_dir: Path
    db_path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    # Set by the composition root (main.py) from sync/: how a login asks the platform about a
    # user this store cannot vouch for. None: logins are local only (tests, scripts).
    platform_login: Callable[[AppContext], PlatformCheck | None] | None = None
    _reader: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reader = reader(self.engine)
        # Every session reaches the audit chain's key (held outside the database) through this.
        self.sessions.configure(info={AUDIT_KEYS: AuditKeys(self.data_dir)})

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One session per user action or job that changes the store: BEGIN IMMEDIATE (it
        waits for another writer, up to the busy timeout), commit on success, roll back on any
        error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads: BEGIN DEFERRED, so it never waits for a writer (WAL); any
        write in it fails (PRAGMA query_only)."""
        with self.sessions(bind=self._reader) as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_context(data_dir: Path) -> AppContext:
    """Open the store in `data_dir`, creating and migrating it if needed; nothing else.

    An empty folder yields an empty store: no office, no users. Setting one up is the
    composition root's decision (main.py creates the demo office on `init` and on the window).
    """
    ensure_data_dir(data_dir)
    db_path = data_dir / DB_FILENAME
    engine = make_engine(db_path)
    upgrade_to_head(engine, db_path)
    return AppContext(data_dir, db_path, engine, make_session_factory(engine))
