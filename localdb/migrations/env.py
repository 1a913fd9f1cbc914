"""Alembic environment: batch mode for SQLite, the models' naming convention, no FTS objects."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from localdb.models import Base

config = context.config
target_metadata = Base.metadata


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # The FTS5 virtual table and its shadow tables are created by raw SQL in the migration.
    return not (type_ == "table" and name is not None and name.startswith("expedientes_fts"))


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=_include_object,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
