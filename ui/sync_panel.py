"""Keeps the status bar's sync indicator current and runs "Sincronizar ahora" off the GUI
thread on the same engine (and lock) the scheduled job uses."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.context import AppContext
from sync.engine import SyncEngine, SyncReport
from sync.observer import ConnectionState, SyncStatus
from sync.status import sync_status
from ui.status_bar import StatusBar
from ui.sync_bridge import NOT_ENROLLED, SyncBridge, status_from_report, status_from_summary
from ui.tasks import TaskRunner


def read_sync_summary(ctx: AppContext) -> dict[str, object]:
    with ctx.session() as session:
        return sync_status(session)


class SyncPanel(QObject):
    def __init__(self, ctx: AppContext, runner: TaskRunner, status_bar: StatusBar,
                 engine: SyncEngine | None, bridge: SyncBridge | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._runner, self._bar, self._engine = ctx, runner, status_bar, engine
        self.last_status: SyncStatus | None = None
        if bridge is not None:
            bridge.sync_state_changed.connect(self.show)
        status_bar.sync_requested.connect(self.sync_now)

    def show(self, status: SyncStatus) -> None:
        self.last_status = status
        self._bar.show_sync(status)

    def refresh(self) -> None:
        """Re-read pending counts (after a save); the connection state comes from the engine."""
        self._runner.run(lambda: read_sync_summary(self._ctx), self._summary_read, owner=self)

    def _summary_read(self, summary: dict[str, object]) -> None:
        fresh = status_from_summary(summary)
        if self.last_status is not None and summary.get("enrolled"):
            last = self.last_status
            fresh = SyncStatus(last.state, fresh.pending, fresh.rejected, last.message,
                               last.last_success_at)
        self.show(fresh)

    def sync_now(self) -> None:
        if self._engine is None:
            pending = self.last_status.pending if self.last_status else 0
            self.show(SyncStatus(ConnectionState.SIN_CONEXION, pending, 0, NOT_ENROLLED))
            return
        engine = self._engine
        self.show(SyncStatus(ConnectionState.SINCRONIZANDO,
                             self.last_status.pending if self.last_status else 0))
        self._runner.run(lambda: engine.run_once(force=True), self._ran, owner=self)

    def _ran(self, report: SyncReport) -> None:
        if report.skipped == "busy":
            return  # the run in progress reports through the observer
        self.show(status_from_report(report))

