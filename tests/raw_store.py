"""A raw DBAPI connection to a data folder's store, keyed as the app keys it (tests only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.access.credentials import CredentialStore
from desktop.access.store_keys import DATABASE_KEY
from desktop.context import AppContext
from desktop.paths import DB_FILENAME
from localdb.at_rest import is_plain_sqlite
from localdb.engine import connect


def database_key(data_dir: Path) -> bytes:
    value = CredentialStore(data_dir).get(DATABASE_KEY)
    assert value is not None, "the data folder has no database key"
    return bytes.fromhex(value)


def raw_store(data_dir: Path) -> Any:
    """The store file opened with SQLCipher and the folder's key (what the app sees)."""
    return connect(data_dir / DB_FILENAME, database_key(data_dir))


def raw_connect(ctx: AppContext) -> Any:
    """A raw connection to an open context's store: keyed, or plain for a plain store (the
    benchmark's baseline and the upgrade tests' old code path)."""
    return connect(ctx.db_path, None if is_plain_sqlite(ctx.db_path) else ctx.keys.database)
