"""Unexpected errors reach the user in Spanish and the log with a traceback, without losing the
capture; the status bar follows the sync engine."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.context import AppContext
from desktop.errors import VentanillaError
from localdb.models import Expediente
from ui.error_dialog import UNEXPECTED_MESSAGE, install_excepthook
from ui.main_window import MainWindow
from ui.status_bar import DEMO_STATE, DEMO_SYNC_HINT
from ui.tasks import Lane, TaskRunner

from .conftest import ANSWERS, GOOD_CURP, WindowFactory, settle
from .driving import choose, fill_answers, start_predial


def _visible_boxes(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def _fail() -> None:
    raise ZeroDivisionError("boom")


def test_unexpected_task_error_opens_spanish_dialog_and_logs_traceback(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    window = make_window()
    with caplog.at_level(logging.ERROR, logger="ui.error_dialog"):
        runner.run(Lane.LOCAL, _fail)
        settle(qtbot, runner)
    [box] = _visible_boxes(window)
    assert box.text() == UNEXPECTED_MESSAGE
    assert "ZeroDivisionError: boom" in box.detailedText()
    assert caplog.records[-1].exc_info is not None
    assert "_fail" in caplog.text


def test_expected_error_shows_its_own_message(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window()

    def refuse() -> None:
        raise VentanillaError("El disco del equipo está lleno: no se guardó nada.")

    runner.run(Lane.SLOW, refuse)  # the slow lane reports the same way
    settle(qtbot, runner)
    [box] = _visible_boxes(window)
    assert box.text() == "El disco del equipo está lleno: no se guardó nada."


def test_excepthook_catches_errors_escaping_slots(qtbot: QtBot, make_window: WindowFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(lambda: window)
    try:
        _fail()
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [box] = _visible_boxes(window)
    assert box.windowTitle() == "Error inesperado"


def test_failed_save_keeps_everything_on_screen(
    qtbot: QtBot, ctx: AppContext, make_window: WindowFactory, runner: TaskRunner,
    sample_png: Path,
) -> None:
    window, view = start_predial(qtbot, make_window, runner)
    fill_answers(qtbot, view, {**ANSWERS, "curp": GOOD_CURP})
    choose(view, "motivo", "otro")
    view.requisitos.check_all()
    view.anexos.add_files([sample_png])
    settle(qtbot, runner)
    sample_png.unlink()  # the scanned file vanished before saving
    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, runner)
    [box] = _visible_boxes(window)
    assert box.text() == (f"No se encontró el anexo «{sample_png}». Revise la ruta y vuelva a "
                          "intentarlo.")
    assert window.capture.capture is view and view.dirty
    assert view.form.raw_answers()["curp"] == GOOD_CURP
    assert view.sidebar.save_button.isEnabled()
    with ctx.write() as session:
        assert session.scalar(select(func.count()).select_from(Expediente)) == 0


def test_a_demo_office_says_it_has_no_platform_and_offers_no_sync(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window()
    assert window.status.sync_text() == DEMO_STATE  # not "Sin conexión": there is no platform
    assert "enrol" in window.status.sync_label.toolTip().lower()
    assert not window.status.sync_button.isEnabled()
    assert window.status.sync_button.toolTip() == DEMO_SYNC_HINT
    window.sync.sync_now()  # nothing to reach, nothing changes
    settle(qtbot, runner)
    assert window.status.sync_text() == DEMO_STATE
    assert not window.status.sync_button.isEnabled()
