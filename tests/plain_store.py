"""A store as the versions before encryption at rest made it: plain SQLite file, plain blobs.

Used by the upgrade tests (tests/test_at_rest.py) and as the benchmarks' baseline; the app
itself never opens a store this way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import desktop.capture.blobs as blobs_mod
from desktop.access.store_keys import StoreKeys
from desktop.context import AppContext
from desktop.demo_setup import bootstrap_if_empty
from desktop.paths import DB_FILENAME, ensure_data_dir
from localdb.engine import make_engine, make_session_factory
from localdb.migrate import upgrade_to_head

UNUSED_KEYS = StoreKeys(b"\0" * 32, b"\0" * 32)  # nothing is encrypted while the patch holds


def open_plain_office(data_dir: Path, patch: pytest.MonkeyPatch) -> AppContext:
    """The demo office on a plain engine; blobs are written plain while `patch` holds."""
    patch.setattr(blobs_mod, "encrypt_blob", lambda _store, _sha, plain: plain)
    patch.setattr(blobs_mod, "decrypt_blob", lambda _store, _sha, sealed: sealed)
    ensure_data_dir(data_dir)
    db = data_dir / DB_FILENAME
    engine = make_engine(db, None)
    upgrade_to_head(engine, db, None)
    ctx = AppContext(data_dir, db, engine, make_session_factory(engine), UNUSED_KEYS)
    bootstrap_if_empty(ctx)
    return ctx
