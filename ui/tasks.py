"""The one way off the GUI thread: run a callable on a worker, get its outcome back by signal.

Modelled on Anki's QueryOp: the callable never touches a widget; the callbacks run on the GUI
thread. Views call services only through a `TaskRunner`.

Signals:
    task_failed(object): an exception that no caller handled (the window shows the error dialog).
    busy_changed(bool): True while at least one task is running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


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

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._in_flight: set[_Outcome] = set()

    @property
    def active_count(self) -> int:
        return len(self._in_flight)

    def is_idle(self) -> bool:
        return not self._in_flight

    def run(
        self,
        fn: Callable[[], Any],
        on_success: SuccessCallback | None = None,
        on_error: ErrorCallback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run `fn()` on a worker; deliver its result or exception on the GUI thread.

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
        self._pool.start(_Job(fn, outcome))

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every queued task has run (used at shutdown so no save is cut short)."""
        return bool(self._pool.waitForDone(msecs))

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
