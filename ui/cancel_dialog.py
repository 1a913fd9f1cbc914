"""Cancelar folio (supervisors and administrators): a cancellation with a mandatory reason, never a
deletion. The expediente stays on record as "Cancelado" and the cancellation reaches the platform by
sync like any other change.

`CancelBar` is the strip an expediente's detail shows to users who may cancel (hidden once the folio
is cancelled; the detail's notes then say so to every role); `CancelDialog` asks for the reason
and records the cancellation off the GUI thread.

Keys: in the dialog Enter cancels the folio (once a reason is written), Esc goes back.

Signals:
    CancelDialog.folio_cancelled(str): the folio was cancelled.
    CancelBar.folio_cancelled(str): the same, re-emitted for whoever shows the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.access.permissions import CurrentUser, Permission
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio
from desktop.states import ExpedienteStatus
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

CANCEL_ACTION = "Cancelar folio…"
WHAT_CANCEL_DOES = ("El folio queda cancelado con el motivo que escriba: no se borra, sigue en la "
                   "lista como «Cancelado» y la cancelación se envía a la plataforma. No se puede "
                  "deshacer.")


class CancelDialog(TaskDialog):
    FIT_HEIGHT = True
    folio_cancelled = Signal(str)

    def __init__(self, folio: str, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.folio, self._ctx, self._user = folio, ctx, user
        self.setObjectName("cancelDialog")
        self.setWindowTitle(f"Cancelar folio {folio}")
        self.reason = QLineEdit()
        self.reason.setObjectName("cancelReason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("Por ejemplo: datos del predio equivocados")
        self.confirm = QPushButton("Cancelar folio")
        self.confirm.setObjectName("cancelConfirm")
        self.confirm.setProperty("danger", True)
        self.confirm.setAutoDefault(False)  # Enter is handled by the reason field
        self._build()
        self.reason.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text.strip())))
        self.reason.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.confirm.setEnabled(False)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self) -> None:
        what = QLabel(WHAT_CANCEL_DOES)
        what.setWordWrap(True)
        caption = QLabel("&Motivo de la cancelación (obligatorio)")
        caption.setBuddy(self.reason)
        self.lay_out_form((what, caption, self.reason, self.message), width=480)

    def submit(self) -> None:
        reason = self.reason.text().strip()
        if self.busy or not reason:
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        self.run_confirmed(Lane.LOCAL, lambda: cancel_folio(ctx, user, folio, reason),
                           self._cancelled, "Cancelando…")

    def _cancelled(self, _none: None) -> None:
        self.accept()
        self.folio_cancelled.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.reason.setFocus()


class CancelBar(QFrame):
    folio_cancelled = Signal(str)

    def __init__(self, folio: str, status: str, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folio, self._ctx, self._user, self._runner = folio, ctx, user, runner
        self.setObjectName("cancelBar")
        self.button = QPushButton(CANCEL_ACTION)
        self.button.setObjectName("cancelButton")
        self.button.clicked.connect(self.ask)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 0, 28, 14)
        layout.addStretch(1)
        layout.addWidget(self.button)
        # once cancelled, the detail's notes say so
        self.setVisible(status != ExpedienteStatus.CANCELADO)

    @staticmethod
    def offered_to(user: CurrentUser) -> bool:
        return user.can(Permission.CANCEL_FOLIO)

    def ask(self) -> CancelDialog:
        dialog = CancelDialog(self.folio, self._ctx, self._user, self._runner, self.window())
        dialog.folio_cancelled.connect(self._cancelled)
        dialog.open()
        return dialog

    def _cancelled(self, folio: str) -> None:
        self.hide()
        self.folio_cancelled.emit(folio)
