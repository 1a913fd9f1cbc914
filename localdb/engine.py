"""Engine set-up for the local store: SQLCipher, WAL, synchronous=FULL, foreign keys, busy timeout.

The store is encrypted at rest (ARCHITECTURE §10): every new connection is opened by
`connect()`, which sets the raw 256-bit key (`PRAGMA key = "x'…'"`, so no key derivation runs
per connection) before anything else touches the file; the pragmas below come after it.

The transaction rule: a write transaction starts with BEGIN IMMEDIATE (it takes the one write
lock at once, so two writers queue on the busy timeout instead of one failing later when its
read lock cannot upgrade); a read transaction starts with BEGIN DEFERRED and runs with
`PRAGMA query_only`, so under WAL it reads its snapshot without ever waiting for a writer, and
SQLite refuses any write made in it. Reads go through `reader(engine)`; everything else writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from localdb.json_columns import json_text

BUSY_TIMEOUT_MS = 5000
# The automatic WAL checkpoint only as a backstop: a thread checkpoints when the writes pause
# (localdb/checkpoints.py); a connection checkpoints itself only past this (16 MB of log).
BACKSTOP_PAGES = 4000
KEY_BYTES = 32


def key_pragma(key: bytes) -> str:
    """The raw-key form of PRAGMA key: the 32 bytes are the cipher key, no KDF runs."""
    if len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(db_path: Path, key: bytes | None) -> Any:
    """A DBAPI connection to the file, keyed before any other statement; `key=None` opens a
    plain SQLite file (only the at-rest upgrade and the benchmark's baseline do that)."""
    conn = sqlcipher3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000,
                              check_same_thread=False, isolation_level=None)
    if key is not None:
        conn.execute(key_pragma(key))
    return conn


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    cursor.close()
    dbapi_connection.isolation_level = None  # our BEGINs (below), never the driver's


READ_ONLY_OPTION = "ventanilla_read_only"
DEFERRED_FLUSH_OPTION = "ventanilla_deferred_flush"
_PRAGMAS = "ventanilla_pragmas"  # the per-transaction pragmas last set on this DBAPI connection
_CONNECT_PRAGMAS = {"synchronous": "FULL", "query_only": "OFF"}  # as _set_sqlite_pragmas leaves


def _begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get(READ_ONLY_OPTION, False):
        _set_pragma(conn, "query_only", "ON")
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        _set_pragma(conn, "synchronous",
                    "NORMAL" if options.get(DEFERRED_FLUSH_OPTION, False) else "FULL")
        _set_pragma(conn, "query_only", "OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _set_pragma(conn: Any, name: str, value: str) -> None:
    """query_only and synchronous are per connection and the pool reuses connections, so each
    BEGIN sets what its transaction needs, before it starts (SQLite refuses to change
    synchronous inside a transaction) — when it differs from what this connection last had.
    The connect hook's values are the starting point; the pool clears `info` whenever it opens
    a connection again, and only this function changes them afterwards."""
    if conn.info.get(_PRAGMAS, _CONNECT_PRAGMAS).get(name) != value:
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
        conn.info[_PRAGMAS] = {**conn.info.get(_PRAGMAS, _CONNECT_PRAGMAS), name: value}


def reader(engine: Engine) -> Engine:
    """The same engine (same pool), whose transactions are deferred and read-only."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def deferred_flush(engine: Engine) -> Engine:
    """The same engine (same pool), whose write transactions commit with synchronous=NORMAL:
    under WAL the commit is in the log, in order, but not flushed to the disk until a later
    FULL commit (or a checkpoint) flushes the log. A power cut can lose it, never reorder or
    tear it: only for a transaction that is repaired by doing it again (the push's marks of the
    platform's answer, sync/push.py). Everything else commits FULL."""
    return engine.execution_options(**{DEFERRED_FLUSH_OPTION: True})


def make_engine(db_path: Path, key: bytes | None) -> Engine:
    """Create the engine for one database file, encrypted with `key` (None: plain SQLite, for
    the benchmark's baseline only); the file is created 0600."""
    if not db_path.exists():
        db_path.touch(mode=0o600)
    os.chmod(db_path, 0o600)
    # The file URL keeps SQLAlchemy's pool choice for a file; the creator opens and keys it.
    engine = create_engine(f"sqlite:///{db_path}", module=sqlcipher3,
                           creator=lambda: connect(db_path, key), json_serializer=json_text)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
