"""An expediente opened from the list: whether it is cancelled or was rejected by the platform
(with the reasons), its documents to see and reprint (copies are counted and marked
"REIMPRESIÓN n" by the service), its payment, "Cancelar folio…" for those who may, and
"Validar" / "Devolver…" for those who review (ui/review_dialog.py).

Signals:
    folio_cancelled(str): the folio was cancelled from this detail.
    expediente_reviewed(str): the folio was validado or devuelto from this detail.
    payment_registered(object): a payment was recorded from this detail (its PaymentInfo).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.records.expedientes import ExpedienteRow
from desktop.states import ExpedienteStatus
from ui.cancel_dialog import CancelBar
from ui.expediente_notes import ExpedienteNotes
from ui.review_dialog import ReviewBar
from ui.saved_view import SavedView
from ui.tasks import TaskRunner


class ExpedienteDialog(QDialog):
    folio_cancelled = Signal(str)
    expediente_reviewed = Signal(str)
    payment_registered = Signal(object)

    def __init__(self, row: ExpedienteRow, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folio = row.folio
        self.setObjectName("expedienteDialog")
        self.setWindowTitle(f"Expediente {row.folio}")
        self.notes = ExpedienteNotes(ctx, runner)
        self.view = SavedView(row.folio, row.total, row.tramite, ctx, user, runner,
                              heading=f"Expediente · {row.nombre}", offer_new=False)
        self.view.payment_registered.connect(self.payment_registered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.notes)
        layout.addWidget(self.view, 1)
        self.review_bar: ReviewBar | None = None  # only for users who review
        if ReviewBar.offered_to(user):
            self.review_bar = ReviewBar(row.folio, row.status, ctx, user, runner)
            self.review_bar.reviewed.connect(self._reviewed)
            layout.addWidget(self.review_bar)
        self.cancel_bar: CancelBar | None = None  # only for users who may cancel a folio
        if CancelBar.offered_to(user):
            self.cancel_bar = CancelBar(row.folio, row.status, ctx, user, runner)
            self.cancel_bar.folio_cancelled.connect(self._cancelled)
            layout.addWidget(self.cancel_bar)
        if row.status == ExpedienteStatus.CANCELADO:
            self.view.payment.set_cancelled()  # never offered, even before the state is read
        self.notes.load(row.folio)
        self.resize(1100, 760)

    def _reviewed(self, folio: str) -> None:
        self.notes.load(folio)  # who validated or returned it, when, and the note
        self.expediente_reviewed.emit(folio)

    def _cancelled(self, folio: str) -> None:
        if self.review_bar is not None:
            self.review_bar.set_status(ExpedienteStatus.CANCELADO)
        self.view.folio_cancelled()
        self.notes.load(folio)
        self.folio_cancelled.emit(folio)
