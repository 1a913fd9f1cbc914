"""Encrypt a plain SQLite store in place, on upgrade, with nothing lost (ARCHITECTURE §5, §10).

A store made before encryption is a plain SQLite file (its header says `SQLite format 3`). It is
copied aside first (the same safety copy as a migration, `backup_database`), exported into a
keyed sibling with `sqlcipher_export`, checked table by table (row counts equal), and swapped in
with an atomic rename. A failure before the rename leaves the plain store as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from localdb.engine import connect, key_pragma
from localdb.migrate import backup_database

log = logging.getLogger(__name__)

PLAIN_HEADER = b"SQLite format 3\x00"


class EncryptionCheckFailed(RuntimeError):
    """The encrypted copy does not hold what the plain store held; nothing was swapped."""


def is_plain_sqlite(db_path: Path) -> bool:
    try:
        with db_path.open("rb") as handle:
            return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def is_encrypted(db_path: Path) -> bool:
    """A non-empty file that is not plain SQLite: SQLCipher's first page is random bytes."""
    return db_path.is_file() and db_path.stat().st_size > 0 and not is_plain_sqlite(db_path)


def _contents(db_path: Path, key: bytes | None) -> dict[str, Any]:
    """Every schema object's definition and every table's row count: what must come over."""
    conn = connect(db_path, key)
    try:
        objects = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        tables = [name for kind, name, _ in objects if kind == "table"]
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                  for name in tables}
        return {"schema": objects, "rows": counts,
                "user_version": conn.execute("PRAGMA user_version").fetchone()[0]}
    finally:
        conn.close()


def _export(db_path: Path, target: Path, key: bytes) -> None:
    """Write the plain store into `target`, encrypted, and check, by opening `target` with the
    key, that every object and every row came over."""
    conn = connect(db_path, None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target.touch(mode=0o600)
        literal = key_pragma(key).removeprefix("PRAGMA key = ")
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY {literal}", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    plain, encrypted = _contents(db_path, None), _contents(target, key)
    if plain != encrypted:
        raise EncryptionCheckFailed(f"the encrypted copy differs: {plain} != {encrypted}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encrypt_file(db_path: Path, key: bytes) -> None:
    """Replace one plain SQLite file by its encrypted export, atomically, once checked."""
    target = db_path.with_name(f".{db_path.name}.encrypting")
    target.unlink(missing_ok=True)
    try:
        _export(db_path, target, key)
        _fsync(target)
        os.replace(target, db_path)
        _fsync(db_path.parent)
    finally:
        target.unlink(missing_ok=True)
    for leftover in ("-wal", "-shm"):  # the plain file's, empty after the checkpoint
        db_path.with_name(db_path.name + leftover).unlink(missing_ok=True)


def plain_copies(db_path: Path) -> list[Path]:
    """Safety copies beside the store (`ventanilla.pre-migration-….db`) still in plain SQLite."""
    return sorted(p for p in db_path.parent.glob(f"{db_path.stem}.*.db") if is_plain_sqlite(p))


def encrypt_in_place(db_path: Path, key: bytes) -> Path | None:
    """Encrypt a plain store with `key` after copying it aside; then encrypt the copies aside
    too (this one and older migrations'), so no plain copy of the data stays in the folder.

    Returns the copy made aside, or None when the store was not plain (already encrypted, or
    new). Run at every open: a start interrupted after the swap finishes the copies next time."""
    backup = None
    if is_plain_sqlite(db_path):
        backup = backup_database(db_path, None, reason="pre-encryption")
        encrypt_file(db_path, key)
        log.info("encrypted %s in place; copy aside at %s", db_path.name, backup.name)
    for copy in plain_copies(db_path):
        encrypt_file(copy, key)
        log.info("encrypted the copy aside %s", copy.name)
    return backup
