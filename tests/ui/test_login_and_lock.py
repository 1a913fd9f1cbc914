"""Offline login with lockout, and the idle lock that keeps the work behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.office import OfficeInfo
from ui.idle_lock import IDLE_REASON, LOCKED_REASON
from ui.login_dialog import LoginDialog
from ui.tasks import TaskRunner

from .conftest import ANSWERS, TRAMITE, WindowFactory, settle
from .driving import fill_answers, open_capture, show_login


def _attempt(qtbot: QtBot, dialog: LoginDialog, runner: TaskRunner, password: str) -> str:
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    return dialog.message_text()


def test_wrong_password_then_lockout_shows_minutes_left(
    qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
) -> None:
    dialog = show_login(qtbot, ctx, office, runner)
    assert "Modo demostración" in dialog.findChild(object, "demoBanner").text()
    qtbot.keyClicks(dialog.username, "operador")
    assert _attempt(qtbot, dialog, runner, "equivocada") == (
        "Usuario o contraseña incorrectos. Le quedan 4 intentos.")
    for _ in range(3):
        _attempt(qtbot, dialog, runner, "equivocada")
    message = _attempt(qtbot, dialog, runner, "equivocada")
    assert message == ("Usuario bloqueado por intentos fallidos. Intente de nuevo en 5 minutos.")
    # Even the right password is refused while the lock lasts.
    assert "Intente de nuevo en 5 minutos" in _attempt(qtbot, dialog, runner, "operador123")
    assert dialog.user is None and dialog.isVisible()


def test_empty_fields_are_explained_without_a_database_call(
    qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
) -> None:
    dialog = show_login(qtbot, ctx, office, runner)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    assert dialog.message_text() == "Escriba su usuario y su contraseña."
    assert runner.is_idle()


def test_idle_session_locks_and_reopens_with_the_same_password_keeping_the_form(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window()
    assert window.idle.timeout_ms() == 10 * 60 * 1000  # ARCHITECTURE §10: ten idle minutes
    view = open_capture(qtbot, window, runner, "no adeudo predial", TRAMITE)
    fill_answers(qtbot, view, {"nombre": ANSWERS["nombre"], "telefono": "6621234567"})
    assert not window.is_locked()
    window.idle.set_timeout(300)  # the ten minutes, shortened for the test

    qtbot.waitUntil(window.is_locked, timeout=5000)
    assert window.lock_screen.isVisible() and not view.isVisible()
    assert not window.findChild(object, "workspace").isVisible()

    qtbot.keyClicks(window.lock_screen.password, "otra")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert window.is_locked()
    assert "Le quedan 4 intentos" in window.lock_screen.message.text()

    qtbot.keyClicks(window.lock_screen.password, "operador123")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=5000)
    assert window.capture.capture is view and view.isVisible()
    assert view.form.raw_answers()["nombre"] == ANSWERS["nombre"]
    assert view.form.raw_answers()["telefono"] == "6621234567"
    assert view.dirty


def test_an_injected_idle_timeout_locks_an_untouched_window(
    qtbot: QtBot, make_window: WindowFactory,
) -> None:
    window = make_window(idle_ms=300)
    qtbot.waitUntil(window.is_locked, timeout=5000)
    assert window.lock_screen.password.hasFocus() or not window.isActiveWindow()
    assert "Ana Lucía Valenzuela" in window.lock_screen.findChild(object, "lockWho").text()
    assert window.lock_screen.reason.text() == IDLE_REASON


def test_ctrl_l_locks_at_once(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()
    assert window.lock_screen.reason.text() == LOCKED_REASON  # not "por inactividad"
    qtbot.keyClick(window, Qt.Key.Key_F5)  # navigation keys do nothing while locked
    assert window.is_locked() and window.pages.currentIndex() == 0


def _unlock_with(qtbot: QtBot, window: object, runner: TaskRunner, password: str) -> str:
    screen = window.lock_screen  # type: ignore[attr-defined]
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    return str(screen.message.text())


def test_lock_screen_takes_only_the_same_users_password_and_locks_out(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window()
    window.lock()
    # Another user's valid password does not open someone else's session.
    assert "Le quedan 4 intentos" in _unlock_with(qtbot, window, runner, "supervisor123")
    for _ in range(3):
        _unlock_with(qtbot, window, runner, "equivocada")
    assert _unlock_with(qtbot, window, runner, "equivocada") == (
        "Usuario bloqueado por intentos fallidos. Intente de nuevo en 5 minutos.")
    assert "Intente de nuevo en 5 minutos" in _unlock_with(qtbot, window, runner, "operador123")
    assert window.is_locked()
