"""Offline login: user and password checked against the local store; lockout shows the minutes
left. In demo mode the dialog says so and lists the demo users; a `notice` (e.g. "equipo
enrolado") is shown above the fields. A platform user whose password was reset is asked, in the
same dialog, for a new one (twice), which is changed on the platform before they enter.

Signals:
    logged_in(object): the CurrentUser, after the password was accepted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.errors import AuthError, MustChangePassword, VentanillaError
from desktop.office import OfficeInfo
from ui.error_dialog import refusal_text
from ui.layout_parts import fit_height, message_label
from ui.tasks import Lane, TaskRunner

DEMO_HINT = ("<b>Modo demostración:</b> datos ficticios.<br>Usuarios de prueba: "
             "<b>operador</b> / operador123, <b>supervisor</b> / supervisor123, "
             "<b>admin</b> / admin123.")


class LoginDialog(QDialog):
    logged_in = Signal(object)

    def __init__(self, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
                 parent: QWidget | None = None, *, notice: str = "") -> None:
        super().__init__(parent)
        self._ctx, self._runner = ctx, runner
        self.user: CurrentUser | None = None
        self.setWindowTitle(f"Ventanilla — {office.oficina_nombre} · Ventanilla "
                            f"{office.ventanilla}")
        self.setObjectName("loginDialog")
        self.username = QLineEdit()
        self.username.setObjectName("loginUser")
        self.username.setPlaceholderText("Usuario")
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setPlaceholderText("Contraseña")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password = self._password_field("loginNewPassword", "Nueva contraseña")
        self.confirm_password = self._password_field("loginConfirmPassword",
                                                     "Confirme la nueva contraseña")
        self._temporary: str | None = None  # the reset password, once the platform asked
        self._attempted = ""
        self.message = message_label("loginError")
        self.button = QPushButton("Entrar")
        self.button.setObjectName("loginButton")
        self.button.setProperty("primary", True)
        self.button.setAutoDefault(False)  # Enter is handled per field (user -> password)
        self.button.setMinimumHeight(40)
        self.button.clicked.connect(self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_login)
        self.new_password.returnPressed.connect(self.confirm_password.setFocus)
        self.confirm_password.returnPressed.connect(self.try_login)
        self._build(office, notice)

    @staticmethod
    def _password_field(name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.hide()
        return edit

    def _build(self, office: OfficeInfo, notice: str) -> None:
        header = QFrame()
        header.setObjectName("header")
        title = QLabel("Ventanilla")
        title.setObjectName("headerTitle")
        where = QLabel(f"{office.municipio}\n{office.oficina_nombre} · Ventanilla "
                       f"{office.ventanilla}")
        where.setObjectName("headerSubtitle")
        head = QVBoxLayout(header)
        head.setContentsMargins(32, 24, 32, 22)
        head.addWidget(title)
        head.addWidget(where)
        form = QVBoxLayout()
        form.setContentsMargins(32, 24, 32, 28)
        form.setSpacing(8)
        intro = QLabel("Inicie sesión con su usuario de ventanilla. Funciona sin conexión.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        form.addWidget(intro)
        if notice:
            self.notice = QLabel(notice)
            self.notice.setObjectName("noticeBox")
            self.notice.setWordWrap(True)
            form.addWidget(self.notice)
        form.addSpacing(6)
        for caption, edit in (("Usuario", self.username), ("Contraseña", self.password)):
            label = QLabel(caption)
            label.setBuddy(edit)
            form.addWidget(label)
            form.addWidget(edit)
            form.addSpacing(4)
        form.addWidget(self.new_password)
        form.addWidget(self.confirm_password)
        form.addWidget(self.message)
        form.addSpacing(8)
        form.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        if office.demo:
            banner = QLabel(DEMO_HINT)
            banner.setObjectName("demoBanner")
            banner.setProperty("weight", "normal")
            banner.setTextFormat(Qt.TextFormat.RichText)
            banner.setWordWrap(True)
            layout.addWidget(banner)
        layout.addLayout(form)
        self.setFixedWidth(440)
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_login(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not self.button.isEnabled():
            return
        if self._temporary is not None:
            self._change_password(username)
            return
        if not username or not password:
            self._show_message("Escriba su usuario y su contraseña.")
            return
        self.button.setEnabled(False)
        self.button.setText("Verificando…")
        self._attempted = password
        self._runner.run(Lane.SLOW, lambda: login(self._ctx, username, password), self._accepted,
                         self._refused, owner=self)

    def _change_password(self, username: str) -> None:
        current, new = self._temporary or "", self.new_password.text()
        if not new:
            self._show_message("Escriba la nueva contraseña y su confirmación.")
            return
        if new != self.confirm_password.text():
            self._show_message("La nueva contraseña y su confirmación no coinciden.")
            return
        self.button.setEnabled(False)
        self.button.setText("Cambiando…")

        def change_then_enter() -> CurrentUser:
            from sync.platform_login import change_password  # only when a password changes

            change_password(self._ctx, username, current, new)
            return login(self._ctx, username, new)

        self._runner.run(Lane.SLOW, change_then_enter, self._accepted, self._refused, owner=self)

    def _ask_new_password(self, exc: MustChangePassword) -> None:
        self._temporary = self._attempted
        self.username.setReadOnly(True)
        self.password.setEnabled(False)
        for edit in (self.new_password, self.confirm_password):
            edit.show()
        self.button.setEnabled(True)
        self.button.setText("Cambiar contraseña y entrar")
        self._show_message(f"{exc.message} Escriba la nueva dos veces.")
        self.new_password.setFocus()

    def _accepted(self, user: CurrentUser) -> None:
        self.user = user
        self.logged_in.emit(user)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, MustChangePassword):
            self._ask_new_password(exc)
            return
        self.button.setEnabled(True)
        if self._temporary is not None:  # the change was refused: say why, keep the step
            self.button.setText("Cambiar contraseña y entrar")
            self._show_message(refusal_text(self, exc, VentanillaError))
            self.new_password.clear()
            self.confirm_password.clear()
            self.new_password.setFocus()
            return
        self.button.setText("Entrar")
        self._show_message(refusal_text(self, exc, AuthError))
        self.password.clear()
        self.password.setFocus()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        fit_height(self)  # a wrapped message needs more height than the dialog had

    def message_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()
