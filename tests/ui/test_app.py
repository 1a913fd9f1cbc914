"""run_gui as main.py calls it: login dialog first, then the main window; closing it ends the
event loop with exit code 0. main.py with no command on an empty folder: the demo office first."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.demo_setup import DEMO_CREATED
from main import main
from ui.app import run_gui
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow


def _top_level(kind: type) -> list[object]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _log_in_then_close(seen: dict[str, object]) -> None:
    """Drive the real event loop: type the demo operador's password, then close the window."""
    def drive() -> None:
        dialogs = _top_level(LoginDialog)
        windows = _top_level(MainWindow)
        if windows:
            seen["title"] = windows[0].windowTitle()  # type: ignore[attr-defined]
            windows[0].close()  # type: ignore[attr-defined]
            return
        if dialogs and not seen.get("typed"):
            dialog = dialogs[0]
            dialog.username.setText("operador")  # type: ignore[attr-defined]
            dialog.password.setText("operador123")  # type: ignore[attr-defined]
            dialog.try_login()  # type: ignore[attr-defined]
            seen["typed"] = True
        QTimer.singleShot(50, drive)

    QTimer.singleShot(50, drive)


def _run_with_watchdog(start: Callable[[], int]) -> int:
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QApplication.exit(99))
    watchdog.start(20_000)
    try:
        return start()
    finally:
        watchdog.stop()
        for widget in QApplication.topLevelWidgets():
            widget.deleteLater()


def test_run_gui_logs_in_and_returns_zero_when_the_window_closes(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: dict[str, object] = {}
    _log_in_then_close(seen)
    code = _run_with_watchdog(lambda: run_gui(ctx))  # the sync timer starts too (demo office)
    assert code == 0
    assert seen["title"] == "Ventanilla — Oficina Centro (DEMO) · Ventanilla V01"


def test_the_window_on_an_empty_folder_creates_the_demo_office_and_says_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`make run` on a first start: main.py with no command sets up the demo office, announces
    it on stdout, and its operador logs in; a second start says nothing."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(logging, "basicConfig", lambda **_: None)  # keep pytest's log handlers
    folder = tmp_path / "primer-arranque"
    seen: dict[str, object] = {}
    _log_in_then_close(seen)
    assert _run_with_watchdog(lambda: main(["--data-dir", str(folder)])) == 0
    assert capsys.readouterr().out.strip() == DEMO_CREATED
    assert seen["title"] == "Ventanilla — Oficina Centro (DEMO) · Ventanilla V01"

    again: dict[str, object] = {}
    _log_in_then_close(again)
    assert _run_with_watchdog(lambda: main(["--data-dir", str(folder)])) == 0
    assert capsys.readouterr().out == ""
    assert again["title"] == seen["title"]
