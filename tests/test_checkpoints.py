"""The WAL is checkpointed by a thread of its own when the writes pause (localdb/checkpoints.py),
not by the commit that crosses SQLite's threshold: the log reaches the database file and nothing
is lost."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from desktop.context import open_context
from localdb.engine import BACKSTOP_PAGES
from localdb.models import Setting

ROWS, VALUE_BYTES = 60, 100_000  # ~6 MB: about 1,500 pages of log, under the backstop


def _until(condition: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_large_write_reaches_the_database_file_in_the_pause_after_it(data_dir: Path) -> None:
    open_context(data_dir).close()  # created and migrated: the next open only reads
    ctx = open_context(data_dir)
    try:
        with ctx.read() as session:
            session.scalar(select(func.count()).select_from(Setting))
        assert ctx._checkpointer._thread is None  # a read never starts it
        pooled = ctx.engine.raw_connection()
        try:
            autocheckpoint = pooled.cursor().execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        finally:
            pooled.close()
        assert autocheckpoint == BACKSTOP_PAGES
        before = ctx.db_path.stat().st_size
        with ctx.write() as session:
            for n in range(ROWS):
                session.add(Setting(key=f"bulk.{n}", value=os.urandom(VALUE_BYTES // 2).hex()))
        # Under the backstop the commit copies nothing itself; the thread copies the log into
        # the database file once the writes pause.
        assert _until(lambda: ctx.db_path.stat().st_size > before + ROWS * VALUE_BYTES)
    finally:
        ctx.close()
    assert ctx._checkpointer._thread is not None and not ctx._checkpointer._thread.is_alive()
    ctx = open_context(data_dir)
    try:
        with ctx.read() as session:
            kept = session.scalar(select(func.count()).select_from(Setting)
                                  .where(Setting.key.like("bulk.%")))
        assert kept == ROWS
    finally:
        ctx.close()
