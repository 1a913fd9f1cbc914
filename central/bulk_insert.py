"""Insert many rows of one table with one driver call, skipping SQLAlchemy's per-row work.

A push writes up to 500 expedientes, 500 log rows and 500 changes per batch. Through Core's
executemany each row's parameters are rebuilt and bind-processed one dict at a time (a fifth of
central's CPU per push), and on PostgreSQL every row is its own statement on the server. Here:

- SQLite: the column bind processors (dates to text, JSON through the engine's serializer,
  central.json_text) run once per value into tuples, then one DBAPI executemany of a cached
  statement; its rowcount counts the rows inserted (ON CONFLICT DO NOTHING skips count as 0).
- PostgreSQL: one `INSERT … SELECT * FROM unnest(%b::type[], …)` with one array per column, so
  the server plans and runs a single statement for the whole batch; JSON values travel as text
  encoded by the same serializer and are cast by the server. The arrays go in binary format
  (psycopg's text format escapes every element with a regex, in Python). Its rowcount counts the
  inserted rows too.

Values are those a Core insert would write (same serializer, same processors), so readers see
no difference. Every row must carry the same keys (the first row names the columns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from central import json_text

# For quoting names and spelling types only (no connection): the statements are the same text
# for every engine of the kind, so they are cached once per table and set of columns.
_PG: Dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # sqlalchemy's own
_SQLITE: Dialect = sqlite.dialect()


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                ignore_conflict_on: str | None = None) -> int:
    """Insert `rows` into `table` in the session's transaction; returns how many were inserted
    (with `ignore_conflict_on`, a row whose key exists is skipped and not counted)."""
    if not rows:
        return 0
    columns = tuple(rows[0])
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        values = _sqlite_values(table, columns, rows, dialect)
        sql = _sqlite_sql(table, columns, ignore_conflict_on)
        result = connection.exec_driver_sql(sql, values)
    else:
        arrays = {f"c{i}": _pg_column(table.c[c], [r[c] for r in rows])
                  for i, c in enumerate(columns)}
        sql = _unnest_sql(table, columns, ignore_conflict_on)
        result = connection.exec_driver_sql(sql, arrays)
    return int(result.rowcount)


def _sqlite_values(table: Table, columns: tuple[str, ...], rows: Sequence[dict[str, Any]],
                   dialect: Dialect) -> list[tuple[Any, ...]]:
    """Each row's values in column order, through the bind processors the dialect gives the
    column (its own type's: SQLite's DateTime formats text in Python, where the generic type has
    none and sqlite3's deprecated default adapter would write another text). Built column by
    column (itemgetter and zip run in C); a value that is the very object of the row before (a
    batch's one `received_at`) is processed once."""
    processors = [(i, process) for i, c in enumerate(columns)
                  if (process := table.c[c].type.dialect_impl(dialect).bind_processor(dialect))]
    get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    if not processors:
        return list(map(get, rows))
    values = [list(column) for column in zip(*map(get, rows), strict=True)]
    for i, process in processors:
        values[i] = _processed(values[i], process)
    return list(zip(*values, strict=True))


def _processed(values: list[Any], process: Callable[[Any], Any]) -> list[Any]:
    last: Any = _NOTHING
    done: Any = None
    for j, value in enumerate(values):
        if value is not last:
            last, done = value, process(value)
        values[j] = done
    return values


_NOTHING = object()


def _pg_column(column: Column[Any], values: list[Any]) -> list[Any]:
    if isinstance(column.type, JSON):
        return [json_text.dumps(v) for v in values]
    return values


def _conflict(key: str | None) -> str:
    return f" ON CONFLICT ({key}) DO NOTHING" if key else ""


@cache
def _sqlite_sql(table: Table, columns: tuple[str, ...], key: str | None) -> str:
    marks = ", ".join("?" for _ in columns)
    return (f"INSERT INTO {_names(_SQLITE, table, columns)} VALUES ({marks})"
            + _conflict(key))


@cache
def _unnest_sql(table: Table, columns: tuple[str, ...], key: str | None) -> str:
    casts = ", ".join(f"%(c{i})b::{_pg_element_type(table.c[c])}[]"
                      for i, c in enumerate(columns))
    return (f"INSERT INTO {_names(_PG, table, columns)} SELECT * FROM unnest({casts})"
            + _conflict(key))


def _names(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    return f"{quote(table.name)} ({', '.join(quote(c) for c in columns)})"


def _pg_element_type(column: Column[Any]) -> str:
    """The array's element type: text without a length (the INSERT's assignment cast still
    refuses a value too long for the column, where an explicit varchar(n) cast would cut it)."""
    if isinstance(column.type, String):
        return "VARCHAR"
    return str(column.type.compile(dialect=_PG))
