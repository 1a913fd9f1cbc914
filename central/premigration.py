"""Databases made before central had migrations, recognised and stamped instead of recreated.

Until revision 0001, `central init` created the tables with metadata.create_all and then added,
by hand, the nullable columns that later versions had introduced. Such a database has central's
tables but no `alembic_version`. `adopt` gives it the columns it may still lack (the list below
is history: it never grows) so that it has revision 0001's shape, and stamps it at 0001.
"""

from __future__ import annotations

from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, DateTime, Integer, String, inspect

BASELINE_REVISION = "0001"
VERSION_TABLE = "alembic_version"
BASELINE_TABLES = frozenset({
    "platform", "offices", "enroll_codes", "machines", "expedientes", "mutations", "amendments",
    "attachments", "config_bundles", "users", "scope_counters", "changes",
})


class MigrationError(Exception):
    """A migration refused or undone; the message is Spanish and printed as is."""


def _late_columns() -> tuple[tuple[str, Column[Any]], ...]:
    """The nullable columns `init` used to add by hand, as revision 0001 defines them."""
    return (
        ("enroll_codes", Column("expires_at", DateTime(), nullable=True)),
        ("expedientes", Column("payment_method", String(32), nullable=True)),
        ("expedientes", Column("payment_reference", String(64), nullable=True)),
        ("expedientes", Column("paid_at", DateTime(), nullable=True)),
        ("expedientes", Column("paid_by", String(64), nullable=True)),
        ("users", Column("failed_logins", Integer(), nullable=True)),
        ("users", Column("locked_until", DateTime(), nullable=True)),
    )


def is_premigration(conn: Connection) -> bool:
    """Central's tables without a version table: made by a `central init` before migrations."""
    tables = set(inspect(conn).get_table_names())
    return VERSION_TABLE not in tables and bool(tables & BASELINE_TABLES)


def add_late_columns(conn: Connection) -> list[str]:
    """Give a pre-migration database revision 0001's shape; returns the columns added."""
    inspector = inspect(conn)
    missing = BASELINE_TABLES - set(inspector.get_table_names())
    if missing:
        raise MigrationError(
            "La base de datos tiene solo parte de las tablas de la plataforma (faltan: "
            f"{', '.join(sorted(missing))}); no se puede actualizar."
        )
    operations = Operations(MigrationContext.configure(conn))
    added = []
    for table, column in _late_columns():
        if column.name not in {c["name"] for c in inspector.get_columns(table)}:
            operations.add_column(table, column)
            added.append(f"{table}.{column.name}")
    return added
