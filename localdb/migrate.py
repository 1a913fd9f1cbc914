"""Apply Alembic migrations in-process at start-up, after copying the database file aside."""

from __future__ import annotations

import logging
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
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return backup


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
