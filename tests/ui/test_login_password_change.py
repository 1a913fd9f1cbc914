"""A platform user whose password was reset changes it in the login dialog, against the real
central on loopback, and enters; the temporary password opened nothing before that."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from central import admin, users
from desktop.access.auth import login
from desktop.context import AppContext
from desktop.office import office_info
from sync.platform_login import platform_check
from tests.sync.central_server import CentralServer
from ui.login_dialog import LoginDialog
from ui.tasks import TaskRunner

from .conftest import settle
from .driving import show_login


def _enter(qtbot: QtBot, runner: TaskRunner, dialog: LoginDialog, *fields: str) -> str:
    edits = (dialog.password,) if len(fields) == 1 else (dialog.new_password,
                                                         dialog.confirm_password)
    for edit, text in zip(edits, fields, strict=True):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    return dialog.message_text()


def test_a_reset_user_changes_the_password_at_the_login_and_enters(
        qtbot: QtBot, enrolled: AppContext, central: CentralServer, runner: TaskRunner) -> None:
    enrolled.platform_login = platform_check
    admin.add_user(central.db, "sofia", "operador", "Sofía Lara", "secreto-123")
    users.reset_password(central.db, "sofia", "temporal-123")
    with enrolled.read() as session:
        office = office_info(session)
    dialog = show_login(qtbot, enrolled, office, runner)
    qtbot.keyClicks(dialog.username, "sofia")

    assert _enter(qtbot, runner, dialog, "temporal-123") == (
        "Su contraseña fue restablecida: debe cambiarla antes de entrar (con conexión a la "
        "plataforma). Escriba la nueva dos veces.")
    assert dialog.new_password.isVisible() and dialog.user is None
    assert _enter(qtbot, runner, dialog, "nueva-clave-1", "otra-cosa-2") == (
        "La nueva contraseña y su confirmación no coinciden.")
    assert _enter(qtbot, runner, dialog, "corta", "corta") == (
        "La contraseña debe tener al menos 8 caracteres.")
    assert dialog.user is None and dialog.isVisible()

    _enter(qtbot, runner, dialog, "nueva-clave-1", "nueva-clave-1")
    assert dialog.user is not None and dialog.user.full_name == "Sofía Lara"
    assert not dialog.isVisible()
    assert not users.get_user(central.db, "sofia").must_change_password
    central.stop()
    assert login(enrolled, "sofia", "nueva-clave-1").username == "sofia"  # cached for offline
