"""Cancelar folio (supervisors and administrators): a cancellation with a mandatory reason, never a
deletion. The expediente stays on record as "Cancelado" and the cancellation reaches the platform by
sync like any other change.

`CancelBar` is the strip an expediente's detail shows to users who may cancel (hidden once the folio
is cancelled; the detail's notes then say so to every role); `CancelDialog` asks for the reason
and records the cancellation off the GUI thread.

The supervisor types their password again to confirm (desktop/records/reauth.py, same lockout
rules as the login); a paid folio is refused until its recibo is cancelled.

Keys: in the dialog Enter on the reason moves to the password, Enter on the password cancels the
folio (once both are written), Esc goes back.

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
from desktop.errors import VentanillaError
from desktop.records.expedientes import require_cancel_reason
from desktop.records.reauth import cancel_with_password
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
        self.password = QLineEdit()
        self.password.setObjectName("cancelPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton("Cancelar folio")
        self.confirm.setObjectName("cancelConfirm")
        self.confirm.setProperty("danger", True)
        self.confirm.setAutoDefault(False)  # Enter is handled by the reason field
        self._build()
        self.reason.textChanged.connect(self._update_confirm)
        self.password.textChanged.connect(self._update_confirm)
        self.reason.returnPressed.connect(self._reason_entered)
        self.password.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.confirm.setEnabled(False)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self) -> None:
        what = QLabel(WHAT_CANCEL_DOES)
        what.setWordWrap(True)
        caption = QLabel("&Motivo de la cancelación (obligatorio)")
        caption.setBuddy(self.reason)
        password = QLabel(f"Su &contraseña, {self._user.full_name}, para confirmar")
        password.setBuddy(self.password)
        self.lay_out_form((what, caption, self.reason, password, self.password, self.message),
                          width=480)

    def _update_confirm(self) -> None:
        self.confirm.setEnabled(bool(self.reason.text().strip()) and bool(self.password.text()))

    def _reason_entered(self) -> None:
        if not self.reason.text().strip():
            return
        try:
            require_cancel_reason(self.reason.text())  # a plain rule: no store, no thread needed
        except VentanillaError as exc:
            self.show_message(str(exc))
            return
        self.message.hide()
        self.password.setFocus()

    def submit(self) -> None:
        reason, password = self.reason.text().strip(), self.password.text()
        if self.busy or not reason or not password:
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        # The password may be checked with the platform (a platform user): the slow lane.
        self.run_confirmed(
            Lane.SLOW, lambda: cancel_with_password(ctx, user, folio, reason, password),
            self._cancelled, "Cancelando…")

    def _cancelled(self, _none: None) -> None:
        self.accept()
        self.folio_cancelled.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.password.clear()
        # A short reason is refused before the password is checked; anything else is the password.
        (self.password if len(self.reason.text().strip()) >= 5 else self.reason).setFocus()


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
