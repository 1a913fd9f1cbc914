"""WAL checkpoints on a thread of their own, so no capture waits for one.

SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1,000 pages: that
one capture waited 30–80 ms while the log's pages were copied into the database file and it was
fsync'd. Here the connections keep an automatic checkpoint only as a backstop (`localdb.engine`
sets BACKSTOP_PAGES on each), and after each write transaction commits (`committed()`, called
by `AppContext.write`) a daemon thread reads the log's wal-index header (the `-shm` file: frames
in the log, frames already copied) and, past THRESHOLD_PAGES not yet copied, runs
`PRAGMA wal_checkpoint(PASSIVE)` on a pooled connection. PASSIVE never waits for a reader or a
writer and never blocks one; the commit that woke the thread is already durable in the log. The
thread starts at the first write's commit (a read-only command never starts it) and stops at
`close()`.
"""

from __future__ import annotations

import logging
import struct
import threading
from pathlib import Path

from sqlalchemy import Engine

log = logging.getLogger(__name__)

THRESHOLD_PAGES = 1000  # SQLite's own default

# The wal-index header (sqlite.org/walformat.html §2.1): mxFrame, the last valid frame, at byte
# 16 of the first header copy; nBackfill, the frames already copied, at byte 96. Native order.
_MX_FRAME_AT, _BACKFILL_AT, _HEADER_BYTES = 16, 96, 100


def uncopied_frames(shm_path: Path) -> int:
    """Frames in the log not yet copied into the database file; 0 when unknown. Read without
    the wal-index lock: a torn read only delays or hastens one checkpoint."""
    try:
        with open(shm_path, "rb") as shm:
            header = shm.read(_HEADER_BYTES)
    except OSError:
        return 0
    if len(header) < _HEADER_BYTES:
        return 0
    frames: int = struct.unpack_from("=I", header, _MX_FRAME_AT)[0]
    copied: int = struct.unpack_from("=I", header, _BACKFILL_AT)[0]
    return max(0, frames - copied)


class Checkpointer:
    """Checkpoints `engine`'s database (at `db_path`) off the committing thread."""

    def __init__(self, engine: Engine, db_path: Path) -> None:
        self._engine = engine
        self._shm = db_path.with_name(db_path.name + "-shm")
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def committed(self) -> None:
        """A write transaction has committed: look at the log soon."""
        if self._thread is None:
            self._start()
        self._wake.set()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(target=self._run, name="wal-checkpoint",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            if uncopied_frames(self._shm) >= THRESHOLD_PAGES:
                self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            raw = self._engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                raw.close()
        except Exception:  # a failed checkpoint loses nothing: the log still holds every page
            log.exception("background WAL checkpoint failed; the next commit tries again")

    def close(self) -> None:
        """Stop the thread, after any checkpoint in progress."""
        with self._start_lock:
            self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
