"""Bring central's database to the newest schema with Alembic (`central init`, `migrate`,
`serve`), in-process, in one write transaction: BEGIN IMMEDIATE on SQLite, and an advisory lock
on PostgreSQL so two processes starting at once migrate one after the other.

On SQLite foreign keys are off during the transaction (batch mode rebuilds tables) and checked
before commit. An empty database is built by the revisions; one made before migrations existed
is recognised (central.premigration), stamped at the baseline and upgraded in place with its rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from central.db import Database
from central.premigration import (
    BASELINE_REVISION,
    MigrationError,
    add_late_columns,
    is_premigration,
)

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key: "ventanilla-central-migrate" folded into a bigint, fixed forever.
_PG_LOCK_KEY = 0x56_43_4D_49_47_52_41_54


@dataclass(frozen=True)
class Upgrade:
    """What `upgrade` did. `before` is None for an empty or a pre-migration database."""

    before: str | None
    after: str
    adopted: bool  # a pre-migration database, stamped at the baseline first

    def describe(self) -> str:
        """One line for the administrator, in Spanish."""
        if self.adopted:
            return ("Base de datos anterior a las migraciones: conservada y actualizada a la "
                    f"revisión {self.after}.")
        if self.before is None:
            return f"Base de datos creada en la revisión {self.after}."
        if self.before != self.after:
            return f"Base de datos actualizada de la revisión {self.before} a la {self.after}."
        return f"Base de datos al día (revisión {self.after})."


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> Upgrade:
    """Upgrade to `revision` (head by default); a no-op when already there."""
    with db.migration_connection() as conn:
        _serialise(conn)
        adopted = is_premigration(conn)
        before = current_revision(conn)
        cfg = _bound_config(conn)
        if adopted:
            added = add_late_columns(conn)
            log.info("pre-migration database: added %s, stamped %s", added, BASELINE_REVISION)
            command.stamp(cfg, BASELINE_REVISION)
        command.upgrade(cfg, revision)
        _check_foreign_keys(conn)
        after = current_revision(conn)
    assert after is not None
    if before != after:
        log.info("central database migrated from %s to %s", before, after)
    return Upgrade(before=before, after=after, adopted=adopted)


def downgrade(db: Database, revision: str) -> None:
    """Downgrade to `revision` ("base" drops every table): for tests and rehearsals."""
    with db.migration_connection() as conn:
        _serialise(conn)
        command.downgrade(_bound_config(conn), revision)
        _check_foreign_keys(conn)


def _bound_config(conn: Connection) -> Config:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    return cfg


def _serialise(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")


def _check_foreign_keys(conn: Connection) -> None:
    """SQLite migrates with foreign keys off: refuse to commit rows a migration left orphaned."""
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise MigrationError(
            f"La migración dejaría referencias rotas en {', '.join(tables)}; no se aplicó."
        )
