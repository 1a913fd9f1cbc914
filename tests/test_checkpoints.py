"""The WAL is checkpointed by a thread of its own (localdb/checkpoints.py), not by the commit
that crosses the threshold: the log is copied back into the database file and nothing is lost."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import func, select

from desktop.context import open_context
from localdb.checkpoints import THRESHOLD_PAGES, uncopied_frames
from localdb.engine import BACKSTOP_PAGES
from localdb.models import Setting
from tests.raw_store import raw_connect

ROWS, VALUE_BYTES = 60, 100_000  # ~6 MB: about 1,500 pages of log, under the backstop


def _until(condition: object, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_a_large_write_is_checkpointed_by_the_thread_and_every_row_is_kept(
        data_dir: Path) -> None:
    open_context(data_dir).close()  # created and migrated: the next open only reads
    ctx = open_context(data_dir)
    shm = ctx.db_path.with_name(ctx.db_path.name + "-shm")
    try:
        with ctx.read() as session:
            session.scalar(select(func.count()).select_from(Setting))
        assert ctx._checkpointer._thread is None  # a read never starts it
        with ctx.write() as session:
            for n in range(ROWS):
                session.add(Setting(key=f"bulk.{n}", value=os.urandom(VALUE_BYTES // 2).hex()))
        assert ctx._checkpointer._thread is not None
        # The commit left more than the threshold in the log; the thread copies it back.
        assert _until(lambda: uncopied_frames(shm) == 0), uncopied_frames(shm)
        pooled = ctx.engine.raw_connection()
        try:
            autocheckpoint = pooled.cursor().execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        finally:
            pooled.close()
        assert autocheckpoint == BACKSTOP_PAGES
        raw = raw_connect(ctx)
        try:
            busy, in_log, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            raw.close()
        assert in_log >= THRESHOLD_PAGES and copied == in_log and busy == 0
    finally:
        ctx.close()
    assert not ctx._checkpointer._thread.is_alive()
    ctx = open_context(data_dir)
    try:
        with ctx.read() as session:
            kept = session.scalar(select(func.count()).select_from(Setting)
                                  .where(Setting.key.like("bulk.%")))
        assert kept == ROWS
    finally:
        ctx.close()

