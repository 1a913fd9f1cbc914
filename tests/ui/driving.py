"""How a test drives the window the way an operador does: keyboard into the real widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.office import OfficeInfo
from ui.capture_view import CaptureView
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

from .conftest import TRAMITE, WindowFactory, settle


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a keyboard would, accents included (QTest.keyClicks only knows ASCII)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def search_catalog(qtbot: QtBot, window: MainWindow, runner: TaskRunner, text: str) -> None:
    box = window.catalog.search_box
    box.clear()
    type_text(qtbot, box, text)
    settle(qtbot, runner, window.catalog.search_pending)


def open_capture(qtbot: QtBot, window: MainWindow, runner: TaskRunner, search: str,
                 nombre: str) -> CaptureView:
    """Find the trámite by typing, pick it with the arrows and start with Enter."""
    search_catalog(qtbot, window, runner, search)
    assert nombre in window.catalog.visible_tramites()
    qtbot.keyClick(window.catalog.search_box, Qt.Key.Key_Down)
    tree = window.catalog.results
    while tree.currentItem() is None or tree.currentItem().text(0) != nombre:
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    settle(qtbot, runner)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    settle(qtbot, runner)
    view = window.capture.capture
    assert view is not None and view.isVisible()
    return view


def type_into(qtbot: QtBot, view: CaptureView, clave: str, text: str) -> None:
    """Focus the campo, replace its text by typing, and leave it with Tab."""
    widget = view.form.editor(clave).focus_widget
    widget.setFocus()
    widget.clear()  # type: ignore[attr-defined]
    type_text(qtbot, widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def fill_answers(qtbot: QtBot, view: CaptureView, answers: dict[str, str]) -> None:
    for clave, text in answers.items():
        type_into(qtbot, view, clave, text)


def choose(view: CaptureView, clave: str, valor: str) -> None:
    combo = view.form.editor(clave).focus_widget
    combo.setCurrentIndex(combo.findData(valor))  # type: ignore[attr-defined]


def start_predial(qtbot: QtBot, make_window: WindowFactory,
                  runner: TaskRunner) -> tuple[MainWindow, CaptureView]:
    """A fresh window with the predial constancia's capture open (the usual starting point)."""
    window = make_window()
    return window, open_capture(qtbot, window, runner, "adeudo predial", TRAMITE)


def show_login(qtbot: QtBot, ctx: AppContext, office: OfficeInfo,
               runner: TaskRunner) -> LoginDialog:
    dialog = LoginDialog(ctx, office, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog
