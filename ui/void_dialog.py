"""Cancelar folio (supervisors and administrators): a void event with a mandatory reason, never a
deletion. The expediente stays on record as "Cancelado" and the void reaches the platform by
sync like any other change.

`VoidBar` is the strip an expediente's detail shows to users who may void (hidden once the folio
is cancelled; the detail's notes then say so to every role); `VoidDialog` asks for the reason
and records the void off the GUI thread.

The supervisor types their password again to confirm (desktop/records/reauth.py, same lockout
rules as the login); a paid folio is refused until its recibo is cancelled.

Keys: in the dialog Enter on the reason moves to the password, Enter on the password cancels the
folio (once both are written), Esc goes back.

Signals:
    VoidDialog.folio_voided(str): the folio was cancelled.
    VoidBar.folio_voided(str): the same, re-emitted for whoever shows the list.
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
from desktop.records.expedientes import require_void_reason
from ui.operations import void_folio
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

VOID_ACTION = "Cancelar folio…"
WHAT_VOID_DOES = ("El folio queda cancelado con el motivo que escriba: no se borra, sigue en la "
                  "lista como «Cancelado» y la cancelación se envía a la plataforma. No se puede "
                  "deshacer.")


class VoidDialog(TaskDialog):
    FIT_HEIGHT = True
    folio_voided = Signal(str)

    def __init__(self, folio: str, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.folio, self._ctx, self._user = folio, ctx, user
        self.setObjectName("voidDialog")
        self.setWindowTitle(f"Cancelar folio {folio}")
        self.reason = QLineEdit()
        self.reason.setObjectName("voidReason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("Por ejemplo: datos del predio equivocados")
        self.password = QLineEdit()
        self.password.setObjectName("voidPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton("Cancelar folio")
        self.confirm.setObjectName("voidConfirm")
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
        what = QLabel(WHAT_VOID_DOES)
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
            require_void_reason(self.reason.text())  # a plain rule: no store, no thread needed
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
        self.run_confirmed(Lane.SLOW, lambda: void_folio(ctx, user, folio, reason, password),
                           self._voided, "Cancelando…")

    def _voided(self, _none: None) -> None:
        self.accept()
        self.folio_voided.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.password.clear()
        # A short reason is refused before the password is checked; anything else is the password.
        (self.password if len(self.reason.text().strip()) >= 5 else self.reason).setFocus()


class VoidBar(QFrame):
    folio_voided = Signal(str)

    def __init__(self, folio: str, status: str, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folio, self._ctx, self._user, self._runner = folio, ctx, user, runner
        self.setObjectName("voidBar")
        self.button = QPushButton(VOID_ACTION)
        self.button.setObjectName("voidButton")
        self.button.clicked.connect(self.ask)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 0, 28, 14)
        layout.addStretch(1)
        layout.addWidget(self.button)
        self.setVisible(status != "anulado")  # the detail's notes say it is cancelled

    @staticmethod
    def offered_to(user: CurrentUser) -> bool:
        return user.can(Permission.VOID)

    def ask(self) -> VoidDialog:
        dialog = VoidDialog(self.folio, self._ctx, self._user, self._runner, self.window())
        dialog.folio_voided.connect(self._voided)
        dialog.open()
        return dialog

    def _voided(self, folio: str) -> None:
        self.hide()
        self.folio_voided.emit(folio)
