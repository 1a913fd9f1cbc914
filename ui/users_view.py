"""Usuarios: the administrator's view of the users this window knows (desktop/access/users.py):
role, last login at this window, source (platform or local), state and whether a password is
kept here. Read-only: platform users are managed on the platform, and the view says so.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser
from desktop.access.users import UserInfo, list_users
from desktop.context import AppContext
from desktop.states import ROLE_LABELS
from formatting import format_datetime, format_time
from ui.error_dialog import show_exception
from ui.layout_parts import page_header, style_table
from ui.tasks import Lane, TaskRunner

HEADINGS = ("Usuario", "Nombre", "Rol", "Último acceso aquí", "Origen", "Estado", "Contraseña")
READ_ONLY_NOTE = ("Los usuarios de la plataforma se administran en la plataforma (consola o "
                  "«central user …»); aquí solo se consultan, y sus cambios llegan a este equipo "
                  "al sincronizar.")


def source_text(user: UserInfo) -> str:
    if user.from_platform:
        return "Plataforma (solo lectura)"
    return "Local (demostración)" if user.demo else "Local"


def state_text(user: UserInfo, now: datetime) -> str:
    """`now` aware; the user's times are the office's wall clock (aware)."""
    if not user.active:
        return "Inactivo"
    if user.locked_until is not None and user.locked_until > now:
        return f"Bloqueado hasta las {format_time(user.locked_until)}"
    return "Activo"


def password_text(user: UserInfo) -> str:
    if user.password_cached:
        return "Guardada en este equipo"
    return "Debe entrar en línea (restablecida o sin copia aquí)"


def user_cells(user: UserInfo, now: datetime) -> tuple[str, ...]:
    last = format_datetime(user.last_login_at) if user.last_login_at else "Nunca"
    return (user.username, user.full_name, ROLE_LABELS[user.role], last, source_text(user),
            state_text(user, now), password_text(user))


class UsersView(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self._ctx, self._user, self._runner = ctx, user, runner
        self.loading = False
        self.table = QTableWidget(0, len(HEADINGS))
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels(HEADINGS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        style_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        note = QLabel(READ_ONLY_NOTE)
        note.setObjectName("usersNote")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        layout.addLayout(page_header("Usuarios", "Quiénes pueden entrar en esta ventanilla."))
        layout.addWidget(note)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        ctx, user = self._ctx, self._user
        self.loading = True
        self._runner.run(Lane.LOCAL, lambda: list_users(ctx, user), self._show, self._failed,
                         owner=self)

    def rows(self) -> list[tuple[str, ...]]:
        """The table as it reads, row by row."""
        return [tuple(item.text() if (item := self.table.item(r, c)) is not None else ""
                      for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]

    def _show(self, users: list[UserInfo]) -> None:
        self.loading = False
        now = datetime.now(UTC)  # compared with the office's aware times: same instant
        self.table.setRowCount(len(users))
        for r, user in enumerate(users):
            for c, text in enumerate(user_cells(user, now)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        show_exception(self.window(), exc)
