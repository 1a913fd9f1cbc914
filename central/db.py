"""Engine and transactions for central on SQLite (pilot) or PostgreSQL.

Every coordination happens in the database (a process only caches valid tokens and buffers
last_seen: central.machine_auth, central.seen). On PostgreSQL a writer locks the rows it depends
on with SELECT … FOR UPDATE; on SQLite a writer takes the database write lock at BEGIN IMMEDIATE
(WAL lets readers go on), and waits on busy_timeout. JSON columns are written by
central.json_text (the text a push already encoded, when it has it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from central import json_text
from central.text_fold import SQLITE_FUNCTION, fold_text

BUSY_TIMEOUT_MS = 5000
# SQLite checkpoints the WAL inside the commit that crosses this many pages (default 1,000, 4 MB):
# at 16 MB a push batch of 500 pays for it a quarter as often (measured 5-20 % of a push's wall
# time; ARCHITECTURE §7). Every commit is still synced (synchronous=FULL); only the copy back into
# the database file waits longer.
WAL_AUTOCHECKPOINT_PAGES = 4_000
DEFAULT_DB_URL = "sqlite:///central-data/central.db"
DB_URL_ENV = "CENTRAL_DB_URL"
_WRITE_OPTION = "central_write"


class Database:
    """One engine per process; `write()` and `read()` open a short transaction each."""

    def __init__(self, url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); commits on success."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    def for_update(self, stmt: Select[Any]) -> Select[Any]:
        """Row lock on PostgreSQL; on SQLite the BEGIN IMMEDIATE lock already covers it."""
        return stmt if self.is_sqlite else stmt.with_for_update()

    def insert_ignore(self, table: Table, *index_elements: str) -> Any:
        """INSERT … ON CONFLICT (index_elements) DO NOTHING RETURNING the first key column.

        The result has a row only when the insert happened (psycopg reports no rowcount here).
        Many rows at once: central.bulk_insert.
        """
        stmt = sqlite.insert(table) if self.is_sqlite else postgresql.insert(table)
        stmt = stmt.on_conflict_do_nothing(index_elements=list(index_elements))
        return stmt.returning(table.c[index_elements[0]])

    def one_of(self, column: ColumnElement[Any] | InstrumentedAttribute[Any],
               values: Iterable[Any]) -> ColumnElement[bool]:
        """`column IN (…)` bound as ONE parameter however many values, so the statement's text
        never changes and no long list of parameters is built and compiled each time: on
        PostgreSQL `column = ANY(array)`, on SQLite `column IN (SELECT value FROM json_each(?))`
        (the JSON text of the values: strings or integers)."""
        if self.is_sqlite:
            listed = func.json_each(json.dumps(list(values))).table_valued("value")
            return column.in_(select(listed.c.value))
        array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == any_(array)

    @contextmanager
    def migration_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, for a schema migration.

        On SQLite foreign keys are off during it, as SQLite prescribes for rebuilding a table
        (what batch mode does) that other tables reference; the caller checks them before
        commit (PRAGMA foreign_key_check). PostgreSQL alters tables in place and keeps them on.
        """
        if not self.is_sqlite:
            with self._writer.begin() as conn:
                yield conn
            return
        with self._writer.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # no effect inside a transaction: before it
            try:
                with conn.begin():
                    yield conn
            finally:
                raw.execute("PRAGMA foreign_keys=ON")

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # executemany goes to psycopg's executemany (one statement, prepared after a few runs,
        # rows pipelined) instead of one large multi-VALUES INSERT re-parsed for every batch.
        return create_engine(url, pool_pre_ping=True, json_serializer=json_text.dumps,
                             use_insertmanyvalues=False)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        json_serializer=json_text.dumps,
    )
    _install_sqlite_hooks(engine, busy_timeout_ms)
    return engine


def _install_sqlite_hooks(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
        dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold_text, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
