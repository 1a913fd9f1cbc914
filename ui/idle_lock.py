"""Idle lock: after N minutes without keyboard or mouse input the window shows a lock screen;
only the same user's password reopens it. The work behind it is left exactly as it was.

Signals:
    IdleWatcher.idle_timed_out(): no input for the whole timeout.
    LockScreen.unlocked(): the password was accepted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.access.auth import verify_password_for
from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.errors import AuthError
from ui.error_dialog import refusal_text
from ui.layout_parts import message_label
from ui.tasks import Lane, TaskRunner

DEFAULT_IDLE_MS = 10 * 60 * 1000
IDLE_REASON = "Se bloqueó por inactividad."
LOCKED_REASON = "Se bloqueó a petición del usuario."
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


class IdleWatcher(QObject):
    idle_timed_out = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=timeout_ms)
        self._timer.timeout.connect(self.idle_timed_out)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False

    def timeout_ms(self) -> int:
        return int(self._timer.interval())

    def set_timeout(self, timeout_ms: int) -> None:
        """Change the idle time; counting starts over (unless paused)."""
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def pause(self) -> None:
        self._timer.stop()

    def resume(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    unlocked = Signal()

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self._ctx, self._user, self._runner = ctx, user, runner
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Contraseña")
        self.password.returnPressed.connect(self.try_unlock)
        self.message = message_label("loginError")
        self.button = QPushButton("Desbloquear")
        self.button.setObjectName("unlockButton")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self.try_unlock)
        self._build()

    def _build(self) -> None:
        panel = QFrame()
        panel.setObjectName("card")
        panel.setFixedWidth(420)
        title = QLabel("Sesión bloqueada")
        title.setObjectName("pageTitle")
        self.reason = QLabel()
        self.reason.setObjectName("lockReason")
        who = QLabel(f"Para continuar, {self._user.full_name} debe escribir su contraseña. "
                     "Lo capturado se conserva tal como estaba.")
        who.setObjectName("lockWho")
        who.setWordWrap(True)
        who.setProperty("role", "muted")
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        for widget in (title, self.reason, who, self.password, self.message, self.button):
            inner.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def prepare(self, idle: bool = False) -> None:
        self.reason.setText(IDLE_REASON if idle else LOCKED_REASON)
        self.password.clear()
        self.message.hide()
        self.button.setEnabled(True)
        self.password.setFocus()

    def try_unlock(self) -> None:
        password = self.password.text()
        if not password or not self.button.isEnabled():
            return
        self.button.setEnabled(False)
        username = self._user.username
        self._runner.run(Lane.SLOW, lambda: verify_password_for(self._ctx, username, password),
                         self._accepted, self._refused, owner=self)

    def _accepted(self, _user: object) -> None:
        self.password.clear()
        self.unlocked.emit()

    def _refused(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.password.clear()
        self.message.setText(refusal_text(self.window(), exc, AuthError))
        self.message.show()
        self.password.setFocus()
