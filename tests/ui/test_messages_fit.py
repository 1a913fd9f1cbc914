"""Messages are read whole: a wrapped message line gets the height its text needs."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.office import OfficeInfo
from ui.tasks import TaskRunner

from .conftest import settle
from .driving import show_login


def shown_whole(label: QLabel, window: QWidget) -> bool:
    """The label is as tall as its wrapped text and lies inside the window's visible area."""
    needed = label.heightForWidth(label.width())
    bottom = label.mapTo(window, QPoint(0, label.height()))
    return label.isVisible() and label.height() >= needed and bottom.y() <= window.height()


def test_the_lockout_message_is_shown_whole_in_the_login_dialog(
    qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
) -> None:
    dialog = show_login(qtbot, ctx, office, runner)
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "operador")
    for _ in range(5):
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, "equivocada")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        settle(qtbot, runner)
    assert dialog.message_text() == (
        "Usuario bloqueado por intentos fallidos. Intente de nuevo en 5 minutos.")
    qtbot.waitUntil(lambda: shown_whole(dialog.message, dialog))
