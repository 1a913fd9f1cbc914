"""Cancelar folio (supervisors and administrators): a void event with a mandatory reason, never a
deletion. The expediente stays on record as "Cancelado" and the void reaches the platform by
sync like any other change.

`VoidBar` is the strip an expediente's detail shows to users who may void (hidden once the folio
is cancelled; the detail's notes then say so to every role); `VoidDialog` asks for the reason
and records the void off the GUI thread.

Keys: in the dialog Enter cancels the folio (once a reason is written), Esc goes back.

Signals:
    VoidDialog.folio_voided(str): the folio was cancelled.
    VoidBar.folio_voided(str): the same, re-emitted for whoever shows the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.permissions import CurrentUser, Permission
from ui.error_dialog import show_exception, user_message
from ui.layout_parts import fit_height
from ui.operations import void_folio
from ui.tasks import TaskRunner

VOID_ACTION = "Cancelar folio…"
WHAT_VOID_DOES = ("El folio queda cancelado con el motivo que escriba: no se borra, sigue en la "
                  "lista como «Cancelado» y la cancelación se envía a la plataforma. No se puede "
                  "deshacer.")


class VoidDialog(QDialog):
    folio_voided = Signal(str)

    def __init__(self, folio: str, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folio, self._ctx, self._user, self._runner = folio, ctx, user, runner
        self.busy = False
        self.setObjectName("voidDialog")
        self.setWindowTitle(f"Cancelar folio {folio}")
        self.reason = QLineEdit()
        self.reason.setObjectName("voidReason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("Por ejemplo: datos del predio equivocados")
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        self.message.hide()
        self.confirm = QPushButton("Cancelar folio")
        self.confirm.setObjectName("voidConfirm")
        self.confirm.setProperty("danger", True)
        self.confirm.setAutoDefault(False)  # Enter is handled by the reason field
        self.back = QPushButton("Volver")
        self.back.setAutoDefault(False)
        self._build()
        self.reason.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text.strip())))
        self.reason.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.back.clicked.connect(self.reject)
        self.confirm.setEnabled(False)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self) -> None:
        what = QLabel(WHAT_VOID_DOES)
        what.setWordWrap(True)
        caption = QLabel("&Motivo de la cancelación (obligatorio)")
        caption.setBuddy(self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(8)
        for widget in (what, caption, self.reason, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setFixedWidth(480)

    def submit(self) -> None:
        reason = self.reason.text().strip()
        if self.busy or not reason:
            return
        self.busy = True
        self.confirm.setEnabled(False)
        self.confirm.setText("Cancelando…")
        ctx, user, folio = self._ctx, self._user, self.folio
        self._runner.run(lambda: void_folio(ctx, user, folio, reason), self._voided,
                         self._refused, owner=self)

    def _voided(self, _none: None) -> None:
        self.busy = False
        self.accept()
        self.folio_voided.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self.confirm.setText("Cancelar folio")
        self.confirm.setEnabled(True)
        if not isinstance(exc, VentanillaError):
            show_exception(self, exc)
        self.message.setText(user_message(exc))
        self.message.show()
        fit_height(self)
        self.reason.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def reject(self) -> None:
        if not self.busy:  # the void is being written: wait for its outcome
            super().reject()


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
