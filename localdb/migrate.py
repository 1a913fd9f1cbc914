"""Apply Alembic migrations in-process at start-up, after copying the database file aside.

Opening a store that is already at the head costs one SELECT: the head revision is read from the
revision files' headers and Alembic is imported only when there is something to migrate (it is a
large import, and every start pays for what it imports; issue 15).

The copy aside (`ventanilla.pre-migration-<stamp>.db`) is made only after checking the disk has
room for it and for the migration itself; without room, nothing is changed and the open fails
with a Spanish message. Once a migration succeeds, older copies aside of earlier migrations are
deleted: only the newest is kept.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from localdb.engine import connect

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BACKUP_REASON = "pre-migration"
# Room the migration itself may need (its WAL, a rebuilt table): as much again as the store.
SPACE_FACTOR = 2
SPACE_MARGIN = 64 * 1024 * 1024
_REVISION = re.compile(r"""^revision = ["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision = (?:["']([^"']+)["']|None)""", re.MULTILINE)

Notify = Callable[[str], None]
# A revision that frees much space (revision 0013 empties acknowledged outbox payloads) sets this
# setting; after the migration commits, the store is rewritten compactly (VACUUM) when the disk has
# room, so the freed space leaves the file instead of staying in half-empty pages.
VACUUM_SETTING = "store.vacuum_wanted"


class NotEnoughSpace(Exception):
    """The disk cannot hold the copy aside and the migration; nothing was changed."""

    def __init__(self, folder: Path, needed: int, free: int) -> None:
        self.message = (
            f"No hay espacio suficiente en el disco para actualizar el almacén de Ventanilla: "
            f"se necesitan {needed / 1e6:,.0f} MB libres en {folder} (hay {free / 1e6:,.0f} MB) "
            "para la copia de seguridad y la actualización. No se modificó nada; libere espacio "
            "y vuelva a abrir Ventanilla.")
        super().__init__(self.message)


def alembic_config(db_url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if db_url:
        cfg.set_main_option("sqlalchemy.url", db_url)
    return cfg


def head_revision() -> str:
    """The newest revision, from the files' `revision` / `down_revision` lines (Alembic's own
    script directory when they do not name exactly one head)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found[1])
        if (down := _DOWN_REVISION.search(source)) and down[1]:
            parents.add(down[1])
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise


def _store_bytes(db_path: Path) -> int:
    files = (db_path, db_path.with_name(db_path.name + "-wal"))
    return sum(f.stat().st_size for f in files if f.exists())


def check_free_space(db_path: Path) -> None:
    needed = _store_bytes(db_path) * SPACE_FACTOR + SPACE_MARGIN
    free = shutil.disk_usage(db_path.parent).free
    if free < needed:
        raise NotEnoughSpace(db_path.parent, needed, free)


def backup_database(db_path: Path, key: bytes | None, reason: str = BACKUP_REASON) -> Path:
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


def _drop_older_copies(db_path: Path, keep: Path) -> None:
    for old in db_path.parent.glob(f"{db_path.stem}.{BACKUP_REASON}-*.db"):
        if old != keep:
            old.unlink(missing_ok=True)
            log.info("deleted the older copy aside %s", old.name)


def upgrade_to_head(engine: Engine, db_path: Path, key: bytes | None,
                    revision: str = "head", notify: Notify | None = None) -> Path | None:
    """Upgrade the store; returns the backup path when an existing database was migrated.
    `notify` hears, in Spanish, what is being done (a long copy is not a hang)."""
    current = current_revision(engine)
    if revision == "head" and current == head_revision():
        return None
    from alembic import command

    say = notify or (lambda _message: None)
    backup = None
    if current is not None:
        check_free_space(db_path)
        say(f"Actualizando el almacén de Ventanilla: copia de seguridad de {db_path.name} "
            f"({_store_bytes(db_path) / 1e6:,.0f} MB)…")
        backup = backup_database(db_path, key)
        log.info("migrating %s from %s, backup at %s", db_path.name, current, backup)
        say(f"Copia guardada en {backup.name}; aplicando la actualización…")
    _migrate(engine, lambda cfg: command.upgrade(cfg, revision))
    _vacuum_if_wanted(engine, db_path, key, say if current is not None else None)
    if backup is not None:
        _drop_older_copies(db_path, backup)
        say("Almacén actualizado.")
    return backup


def _vacuum_if_wanted(engine: Engine, db_path: Path, key: bytes | None,
                      say: Notify | None) -> None:
    """The VACUUM a revision asked for; None for `say` on a new store: nothing to compact."""
    with engine.begin() as conn:
        try:
            wanted = conn.exec_driver_sql("DELETE FROM settings WHERE key = ? RETURNING key",
                                          (VACUUM_SETTING,)).first()
        except OperationalError:  # no settings table (a downgrade to base)
            return
    if wanted is None or say is None:
        return
    needed = _store_bytes(db_path) * 2  # VACUUM's temporary copy and its WAL
    if shutil.disk_usage(db_path.parent).free < needed:
        log.info("not compacting %s: not enough free space", db_path.name)
        return
    say("Compactando el almacén (se libera el espacio de los envíos ya confirmados)…")
    engine.dispose()  # no pooled connection holds a read snapshot while the file is rewritten
    raw = connect(db_path, key)
    try:
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

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
