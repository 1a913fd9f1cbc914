"""An expediente opened from the list: its documents, to see and reprint (copies are counted
and marked "REIMPRESIÓN n" by the service)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.expedientes import ExpedienteRow
from desktop.permissions import CurrentUser
from ui.saved_view import SavedView
from ui.tasks import TaskRunner
from ui.void_dialog import VoidBar


class ExpedienteDialog(QDialog):
    def __init__(self, row: ExpedienteRow, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expedienteDialog")
        self.setWindowTitle(f"Expediente {row.folio}")
        self.view = SavedView(row.folio, row.total, row.tramite, ctx, user, runner,
                              heading=f"Expediente · {row.nombre}", offer_new=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.void_bar: VoidBar | None = None  # only for users who may cancel a folio
        if VoidBar.offered_to(user):
            self.void_bar = VoidBar(row.folio, row.status, ctx, user, runner)
            self.void_bar.folio_voided.connect(lambda _f: self.view.render_documents())
            layout.addWidget(self.void_bar)
        self.resize(1100, 760)
