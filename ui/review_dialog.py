"""The supervisor's review in an expediente's detail (supervisors and administrators): "Validar"
(Ctrl+Shift+V) records the validation at once; "Devolver…" (Ctrl+Shift+D) asks what the operador
must correct (a note of at least 5 characters) and returns the expediente
(desktop/records/review.py). Both write the store: the local lane.

`ReviewBar` is the strip the detail shows to users who may review (hidden for a folio no review
can move: cancelled, rejected or resolved by the platform); a refusal is said on the bar itself.
`ReturnDialog` asks for the note; Enter on the note devuelve, Esc goes back.

Signals:
    ReturnDialog.returned(str): the folio was devuelto.
    ReviewBar.reviewed(str): the folio was validado or devuelto.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop.access.permissions import CurrentUser, Permission
from desktop.context import AppContext
from desktop.records.review import MAX_NOTE, NOT_REVIEWABLE, return_expediente, validate_expediente
from desktop.states import ExpedienteStatus
from ui.error_dialog import refusal_text
from ui.layout_parts import message_label
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

VALIDATE_ACTION = "Validar"
RETURN_ACTION = "Devolver…"
VALIDATE_KEY, RETURN_KEY = "Ctrl+Shift+V", "Ctrl+Shift+D"
WHAT_RETURN_DOES = ("El expediente vuelve al operador como «Devuelto» con la nota que escriba: "
                    "diga qué debe corregir.")


class ReturnDialog(TaskDialog):
    FIT_HEIGHT = True
    returned = Signal(str)

    def __init__(self, folio: str, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.folio, self._ctx, self._user = folio, ctx, user
        self.setObjectName("returnDialog")
        self.setWindowTitle(f"Devolver expediente {folio}")
        self.note = QLineEdit()
        self.note.setObjectName("returnNote")
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText("Por ejemplo: falta la copia legible de la identificación")
        self.confirm = QPushButton("Devolver")
        self.confirm.setObjectName("returnConfirm")
        self.confirm.setAutoDefault(False)  # Enter is handled by the note field
        what = QLabel(WHAT_RETURN_DOES)
        what.setWordWrap(True)
        caption = QLabel("&Qué debe corregirse (obligatorio)")
        caption.setBuddy(self.note)
        self.lay_out_form((what, caption, self.note, self.message), width=480)
        self.note.textChanged.connect(
            lambda text: self.confirm.setEnabled(not self.busy and bool(text.strip())))
        self.note.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.confirm.setEnabled(False)
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        note = self.note.text().strip()
        if self.busy or not note:
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        self.run_confirmed(Lane.LOCAL, lambda: return_expediente(ctx, user, folio, note),
                           self._returned, "Devolviendo…")

    def _returned(self, _none: None) -> None:
        self.accept()
        self.returned.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.note.setFocus()


class ReviewBar(QFrame):
    reviewed = Signal(str)

    def __init__(self, folio: str, status: str, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folio, self._ctx, self._user, self._runner = folio, ctx, user, runner
        self.busy = False
        self.setObjectName("reviewBar")
        self.message = message_label("formError")
        self.validate_button = QPushButton(f"{VALIDATE_ACTION}   {VALIDATE_KEY}")
        self.validate_button.setObjectName("validateButton")
        self.validate_button.clicked.connect(self.validate)
        self.return_button = QPushButton(f"{RETURN_ACTION}   {RETURN_KEY}")
        self.return_button.setObjectName("returnButton")
        self.return_button.clicked.connect(self.ask_return)
        for key, slot in ((VALIDATE_KEY, self.validate), (RETURN_KEY, self.ask_return)):
            QShortcut(QKeySequence(key), self, slot)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 0, 28, 14)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.validate_button)
        layout.addWidget(self.return_button)
        self.set_status(status)

    @staticmethod
    def offered_to(user: CurrentUser) -> bool:
        return user.can(Permission.REVIEW)

    def set_status(self, status: str) -> None:
        """Offer what can still move `status` (nothing once cancelled, rejected or resolved)."""
        self.status = status
        self.setVisible(status not in NOT_REVIEWABLE)
        self.validate_button.setEnabled(not self.busy and status != ExpedienteStatus.VALIDADO)
        self.return_button.setEnabled(not self.busy and status != ExpedienteStatus.DEVUELTO)

    def validate(self) -> None:
        if self.busy or not self.isVisible() or not self.validate_button.isEnabled():
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        self._set_busy(True)
        self._runner.run(Lane.LOCAL, lambda: validate_expediente(ctx, user, folio),
                         lambda _none: self._done(ExpedienteStatus.VALIDADO), self._refused,
                         owner=self)

    def ask_return(self) -> ReturnDialog | None:
        if self.busy or not self.isVisible() or not self.return_button.isEnabled():
            return None
        dialog = ReturnDialog(self.folio, self._ctx, self._user, self._runner, self.window())
        dialog.returned.connect(lambda _folio: self._done(ExpedienteStatus.DEVUELTO))
        dialog.open()
        return dialog

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.message.hide()
        self.set_status(self.status)

    def _done(self, status: ExpedienteStatus) -> None:
        self.busy = False
        self.message.hide()
        self.set_status(status)
        self.reviewed.emit(self.folio)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(refusal_text(self.window(), exc))
        self.message.show()
