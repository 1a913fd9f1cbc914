"""AppContext: the open data folder, engine and session factory, built once by main.py.

Opening a folder also unlocks it (ARCHITECTURE §10): the keys come from the CredentialStore, a
plain store made before encryption is encrypted in place (after a copy aside), and so are plain
anexos, before the engine opens the database with its key.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from desktop.access.credentials import CredentialStore
from desktop.access.store_keys import StoreKeys, StoreKeyWrong, load_store_keys
from desktop.capture.blob_upgrade import is_sealed
from desktop.errors import StorageError
from desktop.paths import DB_FILENAME, ensure_data_dir
from desktop.records.audit_key import AUDIT_KEYS, AuditKeys
from desktop.records.copy_at_open import check_at_open
from desktop.records.high_water import install as install_high_water
from localdb.at_rest import encrypt_in_place, is_encrypted
from localdb.checkpoints import Checkpointer
from localdb.engine import deferred_flush, make_engine, make_session_factory, reader
from localdb.fts import batch_left_committed, mend_interrupted_batch
from localdb.migrate import NotEnoughSpace, upgrade_to_head

if TYPE_CHECKING:
    from desktop.access.auth import PlatformCheck
    from desktop.capture.blobs import BlobStore


@dataclass
class AppContext:
    data_dir: Path
    db_path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    keys: StoreKeys = field(repr=False)
    # The credential store's warning while its keys live in the 0600 file (no secure keyring):
    # shown for as long as it holds, in the window's status bar and in `main.py status`.
    credentials_warning: str | None = None
    # Set by the composition root (main.py) from sync/: how a login asks the platform about a
    # user this store cannot vouch for. None: logins are local only (tests, scripts).
    platform_login: Callable[[AppContext], PlatformCheck | None] | None = None
    _reader: Engine = field(init=False, repr=False)
    _deferred: Engine = field(init=False, repr=False)
    _checkpointer: Checkpointer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reader = reader(self.engine)
        self._deferred = deferred_flush(self.engine)
        self._checkpointer = Checkpointer(self.engine)  # checkpoints in the pauses
        # Every session reaches the audit chain's key (held outside the database) through this.
        self.sessions.configure(info={AUDIT_KEYS: AuditKeys(self.data_dir)})
        # ...and every transaction that hands out a number raises the folder's high-water mark.
        install_high_water(self.sessions, self.data_dir)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def blobs(self) -> BlobStore:
        """The anexos, sealed with the folder's blob key: read them with `read_blob`."""
        from desktop.capture.blobs import BlobStore

        return BlobStore(self.blob_dir, self.keys.blobs)

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Session]:
        """One session per user action or job that changes the store: BEGIN IMMEDIATE (it
        waits for another writer, up to the busy timeout), commit on success, roll back on any
        error. `durable=False` commits without waiting for the disk (localdb.engine's
        deferred_flush): only for writes that doing again repairs, never for a capture."""
        bind = self.engine if durable else self._deferred
        with self.sessions(bind=bind) as session, session.begin():
            yield session
        self._checkpointer.committed()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads: BEGIN DEFERRED, so it never waits for a writer (WAL); any
        write in it fails (PRAGMA query_only)."""
        with self.sessions(bind=self._reader) as session, session.begin():
            yield session

    def close(self) -> None:
        self._checkpointer.close()
        self.engine.dispose()


def open_context(data_dir: Path) -> AppContext:
    """Open the store in `data_dir`, creating and migrating it if needed, and check it against
    its high-water mark (a folder put back from an older copy; desktop/records/copy_at_open.py).

    An empty folder yields an empty store: no office, no users. Setting one up is the
    composition root's decision (main.py creates the demo office on `init` and on the window).
    """
    ensure_data_dir(data_dir)
    db_path = data_dir / DB_FILENAME
    credentials = CredentialStore(data_dir)
    keys = unlock(credentials, db_path)
    engine = make_engine(db_path, keys.database)
    try:
        upgrade_to_head(engine, db_path, keys.database, notify=_say)
    except NotEnoughSpace as exc:
        engine.dispose()
        raise StorageError(exc.message) from exc
    except DatabaseError as exc:
        engine.dispose()
        if "file is not a database" in str(exc):  # what SQLCipher says to a wrong key
            raise StoreKeyWrong() from exc
        raise
    with reader(engine).connect() as connection:  # a read: no write lock at every open
        left = batch_left_committed(connection)
    if left:  # a search index left without its trigger: rebuilt
        with engine.begin() as connection:
            mend_interrupted_batch(connection)
        print("Índice de búsqueda reconstruido.", file=sys.stderr, flush=True)
    ctx = AppContext(data_dir, db_path, engine, make_session_factory(engine), keys,
                     credentials.warning)
    check_at_open(ctx)  # a folder put back from an older copy: counters past its mark
    return ctx


def _say(message: str) -> None:
    """What a migration at start-up is doing, on stderr (a long copy is not a hang)."""
    print(message, file=sys.stderr, flush=True)


def unlock(credentials: CredentialStore, db_path: Path) -> StoreKeys:
    """The folder's keys; whatever is still plain (a store from before encryption, its copies
    aside, its anexos) is encrypted with them first."""
    blobs_dir = credentials.data_dir / "blobs"
    keys = load_store_keys(credentials, database_encrypted=is_encrypted(db_path),
                           blobs_encrypted=is_sealed(blobs_dir))
    encrypt_in_place(db_path, keys.database)
    if not is_sealed(blobs_dir):  # once per folder: the cipher is imported only then
        from desktop.capture.blob_upgrade import seal_plain_blobs
        from desktop.capture.blobs import BlobStore

        seal_plain_blobs(BlobStore(blobs_dir, keys.blobs))
    return keys
