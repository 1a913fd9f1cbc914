"""A pulled page's new expediente rows, inserted through the driver's executemany (ARCHITECTURE §7).

SQLAlchemy's Core executemany builds a parameter dict per row and runs each value through it: a
quarter of a page's write time. Here the statement is written once, each column's own bind
processor (the model's types: a row is stored exactly as the ORM stores it) is applied into one
tuple per row, and the rows go to the driver's executemany inside the page's transaction. JSON
columns take the text sync.pull_prepare encoded; a column a row leaves out gets the model's scalar
default, else NULL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import JSON, Dialect, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from localdb.models import Expediente


@dataclass(frozen=True)
class _Column:
    name: str
    process: Callable[[Any], Any] | None
    default: Any


@cache
def _columns(dialect: Dialect) -> tuple[_Column, ...]:
    table = cast(Table, Expediente.__table__)
    return tuple(
        _Column(c.name, None if isinstance(c.type, JSON) else c.type.bind_processor(dialect),
                c.default.arg if isinstance(c.default, ScalarElementColumnDefault) else None)
        for c in table.columns)


@cache
def _statement(dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    names = [c.name for c in _columns(dialect)]
    return (f"INSERT INTO {quote(cast(Table, Expediente.__table__).name)} "
            f"({', '.join(quote(n) for n in names)}) VALUES ({', '.join('?' * len(names))})")


def _value(column: _Column, row: dict[str, Any]) -> Any:
    value = row.get(column.name, column.default)
    return value if column.process is None or value is None else column.process(value)


def insert_expedientes(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (column name → value, JSON columns already encoded) in one executemany."""
    connection = session.connection()
    columns = _columns(connection.dialect)
    unknown = set().union(*rows) - {c.name for c in columns}
    if unknown:  # what Core's insert would refuse too
        raise ValueError(f"not columns of expedientes: {sorted(unknown)}")
    connection.exec_driver_sql(_statement(connection.dialect),
                               [tuple(_value(c, row) for c in columns) for row in rows])
