"""The 24-hour extension of a stale window's capture (desktop/records/extension.py).

A supervisor types their own username and password (whoever is signed in at the window): the
password is checked with the login's lockout, an operador's is refused, and the grant is written
to the audit log.

Keys: Enter on the username moves to the password, Enter on the password grants (once both
are written), Esc goes back.

Signals:
    extension_granted(object): the extension (desktop.records.staleness.Extension).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from desktop.context import AppContext
from desktop.records.extension import grant_extension
from desktop.records.staleness import EXTENSION_HOURS
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

WHAT_IT_DOES = (f"Un supervisor puede permitir la captura durante {EXTENSION_HOURS} horas más "
                "aunque esta ventanilla no se haya comunicado con la plataforma. Queda en la "
                "bitácora con su nombre. Lo mejor sigue siendo conectar el equipo y sincronizar.")


class ExtensionDialog(TaskDialog):
    FIT_HEIGHT = True
    extension_granted = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._ctx = ctx
        self.setObjectName("extensionDialog")
        self.setWindowTitle("Prórroga de captura sin conexión")
        self.username = QLineEdit()
        self.username.setObjectName("extensionUser")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setObjectName("extensionPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton(f"Conceder {EXTENSION_HOURS} horas")
        self.confirm.setObjectName("extensionConfirm")
        self.confirm.setAutoDefault(False)  # Enter is handled by the fields
        self._build()
        self.username.textChanged.connect(self._update_confirm)
        self.password.textChanged.connect(self._update_confirm)
        self.username.returnPressed.connect(self._username_entered)
        self.password.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.confirm.setEnabled(False)
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self) -> None:
        what = QLabel(WHAT_IT_DOES)
        what.setWordWrap(True)
        user = QLabel("&Usuario del supervisor")
        user.setBuddy(self.username)
        password = QLabel("Su &contraseña")
        password.setBuddy(self.password)
        self.lay_out_form((what, user, self.username, password, self.password, self.message),
                          width=480)

    def _update_confirm(self) -> None:
        self.confirm.setEnabled(bool(self.username.text().strip()) and bool(self.password.text()))

    def _username_entered(self) -> None:
        if self.username.text().strip():
            self.password.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if self.busy or not username or not password:
            return
        ctx = self._ctx
        # A platform supervisor's password may be checked with the platform: the slow lane.
        self.run_confirmed(Lane.SLOW, lambda: grant_extension(ctx, username, password),
                           self._granted, "Concediendo…")

    def _granted(self, extension: object) -> None:
        self.accept()
        self.extension_granted.emit(extension)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.password.clear()
        self.password.setFocus()
