"""Adapts the sync engine's plain observer to a Qt signal (ARCHITECTURE §3).

The engine calls `on_sync_state` from its own thread; the bridge lives on the GUI thread, so the
signal reaches the status bar queued, on the GUI thread.

Signals:
    sync_state_changed(object): a sync.observer.SyncStatus.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from sync.engine import SyncReport
from sync.observer import ConnectionState, SyncStatus

NOT_ENROLLED = "Equipo sin enrolar: los expedientes se guardan en este equipo."


class SyncBridge(QObject):
    sync_state_changed = Signal(object)

    def on_sync_state(self, state: SyncStatus) -> None:
        self.sync_state_changed.emit(state)


def status_from_report(report: SyncReport) -> SyncStatus:
    """A run that was skipped (busy, not due, not enrolled) notifies nobody; show its report."""
    # report.rejected counts this run only; the bar shows every rejected envío still on record.
    return SyncStatus(report.state, report.pending, report.rejected_total, report.message)


def status_from_summary(summary: dict[str, Any]) -> SyncStatus:
    """The state to show at start-up, from sync.status.sync_status (before any run)."""
    pending = int(summary.get("pending_mutations", 0))
    rejected = int(summary.get("rejected_mutations", 0))
    if not summary.get("enrolled"):
        return SyncStatus(ConnectionState.SIN_CONEXION, pending, rejected, NOT_ENROLLED)
    if summary.get("last_error"):
        return SyncStatus(ConnectionState.SIN_CONEXION, pending, rejected,
                          str(summary["last_error"]))
    return SyncStatus(ConnectionState.CONECTADO, pending, rejected, "")
