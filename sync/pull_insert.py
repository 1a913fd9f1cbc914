"""A pulled page's new expediente rows, inserted through the driver's executemany (ARCHITECTURE §7).

SQLAlchemy's Core executemany builds a parameter dict per row and runs each value through it: a
quarter of a page's write time. Here the statement is written once, and each row becomes one list
of values: the columns read in one comprehension, then only the columns whose type converts a
value (the dialect's own bind processors: datetimes as the ORM writes them, the state enums) run
their processor, and the rows (tuples) go to the driver's executemany inside the page's
transaction. JSON columns take the text sync.pull_prepare encoded; a column a row leaves out gets
the model's scalar default, else NULL. The rows enter the search index together, after the
executemany (localdb.fts.indexed_as_a_batch), not through the index's per-row trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from localdb.fts import indexed_as_a_batch
from localdb.models import Expediente, table_of


@dataclass(frozen=True)
class _Column:
    name: str
    process: Callable[[Any], Any] | None
    default: Any


def _default(column: Column[Any]) -> Any:
    return column.default.arg if isinstance(column.default, ScalarElementColumnDefault) else None


@cache
def _columns(dialect: Dialect) -> tuple[_Column, ...]:
    table = table_of(Expediente)
    return tuple(
        _Column(c.name, None if isinstance(c.type, JSON)
                else c.type.dialect_impl(dialect).bind_processor(dialect), _default(c))
        for c in table.columns)


_EMPTY_ROW = {c.name: _default(c) for c in table_of(Expediente).columns}


def with_every_column(values: dict[str, Any]) -> dict[str, Any]:
    """`values` and every other column of a new row, with the model's scalar default or None:
    such a row is bound by one itemgetter (`_bound`)."""
    return _EMPTY_ROW | values


@cache
def _statement(dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    names = [c.name for c in _columns(dialect)]
    return (f"INSERT INTO {quote(table_of(Expediente).name)} "
            f"({', '.join(quote(n) for n in names)}) VALUES ({', '.join('?' * len(names))})")


def _bound(columns: tuple[_Column, ...], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each row's values in column order, converted as the ORM binds them (a tuple: the
    executemany form SQLAlchemy passes to the driver). A row with every column
    (with_every_column) is read by one itemgetter; a string value (the state enums) is
    converted once per page."""
    take = itemgetter(*(c.name for c in columns))
    converts = [(i, c.process) for i, c in enumerate(columns) if c.process is not None]
    converted: dict[tuple[int, str], Any] = {}
    bound = []
    for row in rows:
        try:
            values = list(take(row))
        except KeyError:
            values = [row.get(c.name, c.default) for c in columns]
        for i, process in converts:
            value = values[i]
            if value is None:
                continue
            if isinstance(value, str):
                key = (i, value)
                if key not in converted:
                    converted[key] = process(value)
                values[i] = converted[key]
            else:
                values[i] = process(value)
        bound.append(tuple(values))
    return bound


def insert_expedientes(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (column name → value, JSON columns already encoded) in one executemany."""
    connection = session.connection()
    columns = _columns(connection.dialect)
    known = {c.name for c in columns}
    unknown = set().union(*(row.keys() - known for row in rows if not row.keys() <= known))
    if unknown:  # what Core's insert would refuse too
        raise ValueError(f"not columns of expedientes: {sorted(unknown)}")
    bound = _bound(columns, rows)
    with indexed_as_a_batch(connection):
        connection.exec_driver_sql(_statement(connection.dialect), bound)
