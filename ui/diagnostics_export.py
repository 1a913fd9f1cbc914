"""«Diagnóstico…» (administrators): save the diagnostics ZIP for support
(desktop/support/diagnostics.py), chosen with a save dialog and written on the local lane.

Signals:
    exported(object): the ZIP's Path, once written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.support.diagnostics import export_diagnostics
from ui.tasks import Lane, TaskRunner

ACTION = "Diagnóstico…"


def saved_text(path: Path) -> str:
    return (f"Diagnóstico guardado en {path}. No contiene datos personales: envíelo a soporte "
            "si se lo piden.")


class DiagnosticsExport(QObject):
    exported = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx, self._user, self._runner, self._parent = ctx, user, runner, parent
        self.notice: QMessageBox | None = None

    def ask(self) -> None:
        suggested = Path.home() / f"diagnostico-{date.today():%Y%m%d}.zip"
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent, "Guardar diagnóstico", str(suggested), "Archivo ZIP (*.zip)")
        if chosen:
            self.export(Path(chosen))

    def export(self, target: Path) -> None:
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: export_diagnostics(ctx, user, target), self._saved,
                         owner=self)

    def _saved(self, path: Path) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Diagnóstico", saved_text(path),
                          QMessageBox.StandardButton.Ok, self._parent)
        box.button(QMessageBox.StandardButton.Ok).setText("Aceptar")
        box.open()
        self.notice = box
        self.exported.emit(path)
