"""AppContext: the open data folder, engine and session factory, built once by main.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.paths import DB_FILENAME, ensure_data_dir
from localdb.engine import make_engine, make_session_factory
from localdb.migrate import upgrade_to_head

if TYPE_CHECKING:
    from desktop.auth import PlatformCheck


@dataclass
class AppContext:
    data_dir: Path
    db_path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    # Set by the composition root (main.py) from sync/: how a login asks the platform about a
    # user this store cannot vouch for. None: logins are local only (tests, scripts).
    platform_login: Callable[[AppContext], PlatformCheck | None] | None = None

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One session per user action or job: commit on success, roll back on any error."""
        with self.sessions() as session, session.begin():
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
