"""WAL checkpoints on a thread of their own, in the pauses between writes.

SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1,000 pages: that
one capture waited 30–80 ms while the log's pages were copied into the database file and it was
fsync'd. Here the connections keep the automatic checkpoint only as a backstop (`localdb.engine`
sets BACKSTOP_PAGES on each), and a daemon thread checkpoints once the writes pause: each write
transaction that commits (`committed()`, called by `AppContext.write`) wakes it, and after
QUIET_S without another commit it runs `PRAGMA wal_checkpoint(PASSIVE)` on a connection of its
own (a pool made like the engine's: the app's pool keeps the connections and page caches it had).
PASSIVE never waits for a reader or a writer and never blocks one, and copies nothing when the
log has nothing new; the commits are already durable in the log. A counter that captures now and
then thus never waits for a checkpoint, and the log starts over after each pause; only a long
run of writes without a pause (a pull, an import) reaches the backstop.

The thread never opens the `-shm` or `-wal` file itself: closing any descriptor of a file drops
every POSIX lock this process holds on it, SQLite's included. It starts at the first write's
commit (a read-only command never starts it) and stops at `close()`.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

QUIET_S = 0.5  # no commit for this long: the writes have paused


class Checkpointer:
    """Checkpoints `engine`'s database off the committing thread, when its writes pause."""

    def __init__(self, engine: Engine) -> None:
        self._pool = engine.pool.recreate()  # same connect, key and pragmas; its own connection
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def committed(self) -> None:
        """A write transaction has committed."""
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
        while self._after_a_pause():
            self._checkpoint()

    def _after_a_pause(self) -> bool:
        """Wait for a commit, then for QUIET_S without one; False when stopping."""
        self._wake.wait()
        while not self._stopping:
            self._wake.clear()
            if not self._wake.wait(QUIET_S):
                return True
        return False

    def _checkpoint(self) -> None:
        try:
            raw = self._pool.connect()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                raw.close()
        except Exception:  # a failed checkpoint loses nothing: the log still holds every page
            log.exception("background WAL checkpoint failed; the next pause tries again")

    def close(self) -> None:
        """Stop the thread, after any checkpoint in progress."""
        with self._start_lock:
            self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        self._pool.dispose()
