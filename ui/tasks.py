"""The one way off the GUI thread: run a callable on a worker, get its outcome back by signal.

Modelled on Anki's QueryOp: the callable never touches a widget; the callbacks run on the GUI
thread. Views call services only through a `TaskRunner`, and every call names its `Lane`:

    Lane.LOCAL  work on this machine: the SQLite store (queries, captures, saves), the blob
                folder, rendering documents. Each task takes milliseconds to a few seconds.
    Lane.SLOW   work that waits on another machine or process: the platform (sync, enroll, a
                login the platform may have to vouch for), printers (IPP, `lp`). A task may
                wait up to a minute on a timeout.

Each lane has its own thread pool, so a hung printer or server never delays a search or a save.

Signals:
    task_failed(object): an exception that no caller handled (the window shows the error dialog).
    busy_changed(bool): True while at least one task is running.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class Lane(Enum):
    LOCAL = "local"
    SLOW = "slow"


# Local work is bounded by the one SQLite writer; slow work is mostly waiting, so it gets more
# threads: a hung sync plus a hung printer still leave room for another print or an enroll.
LANE_THREADS = {Lane.LOCAL: 2, Lane.SLOW: 4}


class _Outcome(QObject):
    """Carries one task's outcome from its worker thread to the GUI thread (queued signals)."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], outcome: _Outcome) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._outcome = outcome

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # every failure must reach the GUI thread
            self._outcome.failed.emit(exc)
        else:
            self._outcome.succeeded.emit(result)


class TaskRunner(QObject):
    task_failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {lane: self._make_pool(threads) for lane, threads in LANE_THREADS.items()}
        self._in_flight: set[_Outcome] = set()

    def _make_pool(self, threads: int) -> QThreadPool:
        pool = QThreadPool(self)
        pool.setMaxThreadCount(threads)
        return pool

    @property
    def active_count(self) -> int:
        return len(self._in_flight)

    def is_idle(self) -> bool:
        return not self._in_flight

    def run(
        self,
        lane: Lane,
        fn: Callable[[], Any],
        on_success: SuccessCallback | None = None,
        on_error: ErrorCallback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run `fn()` on a worker of `lane`; deliver its result or exception on the GUI thread.

        If `owner` (usually the calling widget) is deleted meanwhile, the callbacks are skipped.
        Errors without `on_error` go to `task_failed`.
        """
        outcome = _Outcome()
        outcome.succeeded.connect(
            lambda result: self._deliver(outcome, owner, on_success, result)
        )
        outcome.failed.connect(lambda exc: self._deliver_error(outcome, owner, on_error, exc))
        self._in_flight.add(outcome)
        if len(self._in_flight) == 1:
            self.busy_changed.emit(True)
        self._pools[lane].start(_Job(fn, outcome))

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every queued task of both lanes has run (used at shutdown so no save is
        cut short); with `msecs` >= 0, give up after that long in all and return False."""
        deadline = None if msecs < 0 else time.monotonic() + msecs / 1000
        done = True
        for pool in self._pools.values():
            left = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            done = bool(pool.waitForDone(left)) and done
        return done

    def _finish(self, outcome: _Outcome) -> None:
        self._in_flight.discard(outcome)
        outcome.deleteLater()
        if not self._in_flight:
            self.busy_changed.emit(False)

    @staticmethod
    def _owner_alive(owner: QObject | None) -> bool:
        return owner is None or shiboken6.isValid(owner)

    def _deliver(self, outcome: _Outcome, owner: QObject | None,
                 on_success: SuccessCallback | None, result: Any) -> None:
        try:
            if on_success is not None and self._owner_alive(owner):
                on_success(result)
        finally:
            self._finish(outcome)

    def _deliver_error(self, outcome: _Outcome, owner: QObject | None,
                       on_error: ErrorCallback | None, exc: BaseException) -> None:
        try:
            if on_error is not None and self._owner_alive(owner):
                on_error(exc)
            else:
                self.task_failed.emit(exc)
        finally:
            self._finish(outcome)
