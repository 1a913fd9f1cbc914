"""Where a pull's pages are fetched and parsed (ARCHITECTURE §7): one page ahead of the page being
applied, first in a thread, then — once the platform says more pages follow — in a worker process.

Fetching a page is an HTTP read, a JSON parse, a validation and each record turned into its row
(sync.pull_fetch): about a third of a long pull's CPU. In a thread of the window's process it
takes the GIL from the thread that writes the rows to SQLite (which gives the GIL back at every
row), so on two cores the two barely overlapped. In a process of its own (spawned, so nothing of
the window's state is copied) that work runs beside the writer, which only unpickles the page.

The worker starts only when a pull has a second page to fetch (never at the app's start, nor for
a sync run's usual poll of one page), talks to the platform with a client rebuilt from the
window's (`PlatformClient.settings`: address, token, report headers, timeouts), and is shut down
when the pull ends, however it ends; it ends by itself if the window's process dies. A client
that cannot be rebuilt (a test's stand-in, a caller's own HTTP session), or a machine with one
usable core, keeps every page in the thread: the worker costs more CPU in all (its start-up,
~0.7 s; each page encoded for the trip back), and pays only with a core free beside the
writer. Errors cross back as they are (`SyncError` pickles whole); should the worker die, the
pages left are fetched in the thread.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from types import TracebackType

from sync.gc_pace import PULL_THRESHOLD
from sync.http import ClientSettings, PlatformClient
from sync.pull_fetch import PulledPage, PullSource, fetch_pulled
from wire.protocol import MAX_PULL_LIMIT

log = logging.getLogger(__name__)

_client: PlatformClient | None = None  # the worker process's own, kept alive across pages


def usable_cores() -> int:
    """The cores this process may run on: with one, a worker would only add its own cost."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _end_with_the_window() -> None:
    """The worker's watch: it exits as soon as the window's process is gone, however it ended
    (SIGKILL, power button): the executor's queue would keep it waiting forever."""
    window = multiprocessing.parent_process()
    if window is not None:
        wait([window.sentinel])
        os._exit(0)


def _start_worker(settings: ClientSettings) -> None:
    """In the worker process, once: its watch on the window, its client, and the garbage
    collector paced as the pull's."""
    global _client
    threading.Thread(target=_end_with_the_window, name="pull-worker-watch", daemon=True).start()
    _client = PlatformClient.from_settings(settings)
    gc.set_threshold(PULL_THRESHOLD, *gc.get_threshold()[1:])


def _fetch_in_worker(cursor: int, epoch: str | None, include_own: bool, zone: str,
                     limit: int) -> PulledPage:
    assert _client is not None, "worker not started"
    return fetch_pulled(_client, cursor, epoch, include_own, zone, limit)


class PageFetcher:
    """Asks for one page at a time, off the calling thread; `with` it so its thread and worker
    end with the pull."""

    def __init__(self, client: PullSource, include_own: bool, zone: str,
                 limit: int = MAX_PULL_LIMIT) -> None:
        self._client, self._include_own, self._zone, self._limit = (client, include_own, zone,
                                                                    limit)
        self._settings = (client.settings() if isinstance(client, PlatformClient)
                          and usable_cores() > 1 else None)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="pull-fetch")
        self._worker: ProcessPoolExecutor | None = None

    def ask(self, cursor: int, epoch: str | None, *, more: bool = False) -> Future[PulledPage]:
        """The page after `cursor`; `more` when the page before it said more follow (then, and
        from then on, it is fetched in the worker process when the client allows)."""
        if more and self._worker is None and self._settings is not None:
            log.info("pull: the next pages are fetched in a worker process")
            self._worker = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(self._settings,))
        if self._worker is not None:
            try:
                return self._worker.submit(_fetch_in_worker, cursor, epoch, self._include_own,
                                           self._zone, self._limit)
            except BrokenProcessPool:
                self._lose_worker()
        return self._thread.submit(fetch_pulled, self._client, cursor, epoch, self._include_own,
                                   self._zone, self._limit)

    def take(self, asked: Future[PulledPage], cursor: int, epoch: str | None) -> PulledPage:
        """The page asked for; if the worker died meanwhile, the same page fetched in the
        thread (it was never applied: nothing is lost or repeated)."""
        try:
            return asked.result()
        except BrokenProcessPool:
            self._lose_worker()
            return self.ask(cursor, epoch).result()

    def _lose_worker(self) -> None:
        log.warning("pull worker process ended unexpectedly; fetching in the thread")
        worker, self._worker, self._settings = self._worker, None, None
        if worker is not None:
            worker.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> PageFetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        executors: list[Executor] = [self._thread]
        if self._worker is not None:
            executors.append(self._worker)
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)
