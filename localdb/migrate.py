"""Apply Alembic migrations in-process at start-up, after copying the database file aside."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from localdb.engine import connect

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(db_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if db_url:
        cfg.set_main_option("sqlalchemy.url", db_url)
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_database(db_path: Path, key: bytes | None, reason: str = "pre-migration") -> Path:
    """Copy the live database (WAL included) aside with SQLite's online backup API; the copy is
    encrypted with the same key as the original (plain only when the original is plain)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.{reason}-{stamp}.db")
    target.touch(mode=0o600)
    src = connect(db_path, key)
    dst = connect(target, key)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    target.chmod(0o600)
    return target


def upgrade_to_head(engine: Engine, db_path: Path, key: bytes | None,
                    revision: str = "head") -> Path | None:
    """Upgrade the store; returns the backup path when an existing database was migrated."""
    current = current_revision(engine)
    if current == head_revision() and revision == "head":
        return None
    backup = None
    if current is not None:
        backup = backup_database(db_path, key)
        log.info("migrating %s from %s, backup at %s", db_path.name, current, backup)
    _migrate(engine, lambda cfg: command.upgrade(cfg, revision))
    return backup


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, lambda cfg: command.downgrade(cfg, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    """Run migrations in one transaction with foreign keys off, as SQLite's table-rebuild
    procedure requires (a rebuilt parent table is dropped and renamed); before committing,
    `foreign_key_check` proves every reference still holds."""
    cfg = alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # no-op inside a transaction: set it before BEGIN
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                run(cfg)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
