"""A raw DBAPI connection to a data folder's store, keyed as the app keys it (tests only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.access.credentials import CredentialStore
from desktop.access.store_keys import DATABASE_KEY
from desktop.paths import DB_FILENAME
from localdb.engine import connect


def database_key(data_dir: Path) -> bytes:
    value = CredentialStore(data_dir).get(DATABASE_KEY)
    assert value is not None, "the data folder has no database key"
    return bytes.fromhex(value)


def raw_store(data_dir: Path) -> Any:
    """The store file opened with SQLCipher and the folder's key (what the app sees)."""
    return connect(data_dir / DB_FILENAME, database_key(data_dir))
