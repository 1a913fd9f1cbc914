"""Keeps the status bar's sync indicator current and runs "Sincronizar ahora" off the GUI
thread on the same engine (and lock) the scheduled job uses.

After every finished run it re-reads the sync summary (off the GUI thread); when the
configuration version in force changed (sync applied a new bundle) it says so. While the machine
is not enrolled (demo mode) the bar says there is no platform instead of "Sin conexión".

Signals:
    config_version_changed(int): a different configuration bundle is now in force.
    run_ended(): a sync run ended (scheduled or "Sincronizar ahora"): staleness may have ended.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.context import AppContext
from sync.engine import SyncEngine, SyncReport
from sync.observer import ConnectionState, SyncStatus
from sync.status import sync_status
from ui.status_bar import StatusBar
from ui.sync_bridge import NOT_ENROLLED, SyncBridge, status_from_report, status_from_summary
from ui.tasks import Lane, TaskRunner


def read_sync_summary(ctx: AppContext) -> dict[str, object]:
    with ctx.read() as session:
        return sync_status(session)


class SyncPanel(QObject):
    config_version_changed = Signal(int)
    run_ended = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, status_bar: StatusBar,
                 engine: SyncEngine | None, bridge: SyncBridge | None,
                 parent: QObject | None = None, *, config_version: int | None = None,
                 demo: bool = False) -> None:
        super().__init__(parent)
        self._ctx, self._runner, self._bar, self._engine = ctx, runner, status_bar, engine
        self.last_status: SyncStatus | None = None
        self.config_version = config_version
        self.demo = demo  # not enrolled: nothing is ever sent
        if demo:
            status_bar.show_demo()
        if bridge is not None:
            bridge.sync_state_changed.connect(self._engine_reported)
        status_bar.sync_requested.connect(self.sync_now)

    def show(self, status: SyncStatus) -> None:
        self.last_status = status
        if self.demo:
            self._bar.show_demo()
        else:
            self._bar.show_sync(status)

    def _engine_reported(self, status: SyncStatus) -> None:
        self.show(status)
        if status.state != ConnectionState.SINCRONIZANDO:
            self.refresh()  # a run ended: it may have brought a new configuration
            self.run_ended.emit()

    def refresh(self) -> None:
        """Re-read pending counts and the configuration version; the connection state comes
        from the engine."""
        self._runner.run(Lane.LOCAL, lambda: read_sync_summary(self._ctx), self._summary_read,
                         owner=self)

    def _summary_read(self, summary: dict[str, object]) -> None:
        self.demo = not summary.get("enrolled")
        fresh = status_from_summary(summary)
        if self.last_status is not None and summary.get("enrolled"):
            last = self.last_status
            fresh = SyncStatus(last.state, fresh.pending, fresh.rejected, last.message,
                               last.last_success_at)
        self.show(fresh)
        version = summary.get("config_version")
        if isinstance(version, int):
            self._config_seen(version)

    def _config_seen(self, version: int) -> None:
        changed = self.config_version is not None and version != self.config_version
        self.config_version = version
        if changed:
            self.config_version_changed.emit(version)

    def _keep(self, state: ConnectionState, message: str = "") -> SyncStatus:
        """A state to show now, with the counts last read (they have not changed)."""
        last = self.last_status
        return SyncStatus(state, last.pending if last else 0, last.rejected if last else 0,
                          message)

    def sync_now(self) -> None:
        if self._engine is None or self.demo:
            self.show(self._keep(ConnectionState.SIN_CONEXION, NOT_ENROLLED))
            return
        engine = self._engine
        self.show(self._keep(ConnectionState.SINCRONIZANDO))
        self._runner.run(Lane.SLOW, lambda: engine.run_once(force=True), self._ran, owner=self)

    def _ran(self, report: SyncReport) -> None:
        if report.skipped == "busy":
            return  # the run in progress reports through the observer
        self.demo = report.skipped == "not_enrolled"
        self.show(status_from_report(report))
        self.run_ended.emit()
        if report.config_version is not None:
            self._config_seen(report.config_version)
