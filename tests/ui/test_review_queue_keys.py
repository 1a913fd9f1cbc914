"""Tab from the queue's table goes round every control of the review queue: the state strip (one
stop: the arrows move between its states, Space chooses), each filter (estado, ventanilla,
operador, dependencia, desde, hasta) and back to the table; Alt+letter jumps to a filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .test_supervisor_ui import SUPERVISOR


def test_tab_reaches_the_strip_and_every_filter(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window(user=SUPERVISOR)
    queue = window.review_queue
    assert queue is not None
    settle(qtbot, runner, lambda: queue.loading)
    qtbot.waitUntil(window.isActiveWindow)
    filters = queue.filters
    strip = queue.strip.buttons
    wanted: list[QWidget] = [strip[None], filters.state_box,
                             filters.ventanilla_box, filters.operador_box,
                             filters.dependencia_box, filters.desde_box, filters.hasta_box]
    queue.table.setFocus()
    qtbot.waitUntil(queue.table.hasFocus)
    reached: list[QWidget] = []
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is queue.table:
            break
        if now is not None:
            reached.append(now)
    assert all(widget in reached for widget in wanted), [w.objectName() for w in reached]

    # In the strip (one Tab stop) the arrows move between the states; Space chooses one.
    strip[None].setFocus()
    qtbot.keyClick(strip[None], Qt.Key.Key_Right)
    qtbot.waitUntil(strip["por_revisar"].hasFocus)
    qtbot.keyClick(strip["por_revisar"], Qt.Key.Key_Space)
    settle(qtbot, runner, lambda: queue.loading)
    assert queue.filter.group == "por_revisar"
    assert filters.state_box.currentText() == "Por revisar"

    qtbot.keyClick(queue.table, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(filters.operador_box.hasFocus)
    qtbot.keyClick(filters.operador_box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(filters.desde_box.hasFocus)
