"""Enrolar con la plataforma from the window, against the real central on loopback: only an
administrator of a demo office is offered it; errors speak Spanish; after enrolling the session
ends and the login dialog takes a platform user (online the first time)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from central import admin
from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.office import OfficeInfo, office_info
from sync.enroll import BAD_CODE
from sync.platform_login import platform_check
from tests.sync.central_server import CentralServer
from tests.sync.machines import ADMIN, enrolled_context
from ui.app import ENROLLED_NOTICE, _Session
from ui.enroll_dialog import SESSION_ENDS, EnrollDialog
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.status_bar import DEMO_STATE
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text

DEMO_ADMIN = CurrentUser("admin", "María Fernanda Ochoa (DEMO)", Role.ADMIN)
SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez (DEMO)", Role.SUPERVISOR)


def _enroll_button(window: MainWindow) -> QPushButton | None:
    button = window.findChild(QPushButton, "enrollButton")
    return button if isinstance(button, QPushButton) else None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _attempt(qtbot: QtBot, runner: TaskRunner, dialog: EnrollDialog, url: str,
             code: str) -> str:
    """Type the address and code as the administrator would; Enter from the code enrolls."""
    for field, text in ((dialog.url, url), (dialog.code, code)):
        field.clear()
        type_text(qtbot, field, text)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.code.hasFocus)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    settle(qtbot, runner, lambda: dialog.busy, timeout_ms=30_000)
    return dialog.message_text()


def test_only_an_administrator_of_a_demo_office_is_offered_enrolling(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, central: CentralServer,
    runner: TaskRunner,
) -> None:
    assert _enroll_button(make_window(user=DEMO_ADMIN)) is not None
    assert _enroll_button(make_window(user=SUPERVISOR)) is None
    assert _enroll_button(make_window()) is None  # operador

    enrolled = enrolled_context(tmp_path / "v02", central, "V02")
    with enrolled.write() as session:
        office = office_info(session)
    window = MainWindow(enrolled, ADMIN, office, runner)
    qtbot.addWidget(window)
    settle(qtbot, runner)
    assert _enroll_button(window) is None  # already enrolled
    assert window.status.sync_text() != DEMO_STATE
    enrolled.close()


@pytest.fixture
def session(qtbot: QtBot, ctx: AppContext, office: OfficeInfo,
            runner: TaskRunner) -> Iterator[_Session]:
    """What run_gui builds, logged in as the demo administrator (no sync timer)."""
    ctx.platform_login = platform_check  # as main.py sets it
    made = _Session(ctx, runner, idle_ms=600_000, start_sync=False)
    made.show_window(office, DEMO_ADMIN)
    assert made.window is not None
    qtbot.waitExposed(made.window)
    settle(qtbot, runner)
    yield made
    settle(qtbot, runner)
    for widget in (made.window, made.login):
        if widget is not None:
            widget.close()
            widget.deleteLater()
    QApplication.processEvents()


def test_administrator_enrolls_and_a_platform_user_logs_in(
    qtbot: QtBot, session: _Session, central: CentralServer, runner: TaskRunner,
) -> None:
    window = session.window
    assert window is not None and window.status.sync_text() == DEMO_STATE
    button = _enroll_button(window)
    assert button is not None and button.text() == "Enrolar con la plataforma…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(EnrollDialog)
    assert isinstance(dialog, EnrollDialog) and dialog.isVisible()
    qtbot.waitUntil(dialog.url.hasFocus)  # typing can start at once

    assert "no es válida" in _attempt(qtbot, runner, dialog, "ftp://plataforma", "ABC")
    assert "HTTPS" in _attempt(qtbot, runner, dialog, "http://plataforma.example.mx", "ABC")
    unreachable = f"http://127.0.0.1:{_closed_port()}"
    assert _attempt(qtbot, runner, dialog, unreachable, "ABC").startswith(
        "Sin conexión con la plataforma")
    assert _attempt(qtbot, runner, dialog, central.url, "codigo-equivocado") == (
        f"La plataforma rechazó la solicitud (HTTP 401): {BAD_CODE}")
    assert dialog.code.hasFocus() and dialog.isVisible()
    assert window.office.demo  # nothing changed yet

    _attempt(qtbot, runner, dialog, central.url, central.enroll_code("V01"))
    summary = dialog.summary.text().splitlines()
    assert summary[:2] == ["Oficina: Oficina Centro (HMO) · Hermosillo", "Ventanilla: V01"]
    assert "Configuración de trámites: versión 1 aplicada." in summary
    assert dialog.findChild(QLabel, "sessionEnds").text() == SESSION_ENDS
    assert dialog.continue_button.hasFocus()
    window.lock()  # the demo administrator is retired: a lock screen could never reopen
    assert not window.is_locked() and window.isVisible()

    qtbot.keyClick(dialog.continue_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: session.login is not None and session.login.isVisible())
    settle(qtbot, runner)
    login = session.login
    assert isinstance(login, LoginDialog)
    assert session.window is None and not shiboken6.isValid(window)  # closed and deleted
    assert login.windowTitle() == "Ventanilla — Oficina Centro · Ventanilla V01"
    assert login.notice.text() == ENROLLED_NOTICE
    assert login.findChild(QLabel, "demoBanner") is None

    _log_in(qtbot, runner, login, "admin", "admin123")  # the demo users are retired
    assert "incorrectos" in login.message_text().lower() and login.isVisible()

    admin.add_user(central.db, "lucia", "supervisor", "Lucía Moreno Gil", "secreto-123")
    _log_in(qtbot, runner, login, "lucia", "secreto-123")  # asked online: unknown here
    qtbot.waitUntil(lambda: session.window is not None and session.window.isVisible())
    settle(qtbot, runner)
    new = session.window
    assert new is not None and new.user.username == "lucia" and not new.office.demo
    assert _enroll_button(new) is None and new.findChild(QLabel, "demoBanner") is None
    assert new.status.sync_text() != DEMO_STATE


def _log_in(qtbot: QtBot, runner: TaskRunner, login: LoginDialog, username: str,
            password: str) -> None:
    login.username.clear()
    type_text(qtbot, login.username, username)
    qtbot.keyClick(login.username, Qt.Key.Key_Return)
    type_text(qtbot, login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    settle(qtbot, runner, timeout_ms=30_000)


def test_closing_the_summary_also_ends_the_session(
    qtbot: QtBot, session: _Session, central: CentralServer, runner: TaskRunner,
) -> None:
    window = session.window
    assert window is not None
    dialog = window.open_enroll()
    assert dialog is not None
    qtbot.waitUntil(dialog.url.hasFocus)
    _attempt(qtbot, runner, dialog, central.url, central.enroll_code("V01"))
    assert dialog.enrollment is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the demo administrator no longer exists
    qtbot.waitUntil(lambda: session.login is not None and session.login.isVisible())
    settle(qtbot, runner)
    assert session.window is None
