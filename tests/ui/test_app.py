"""run_gui as main.py calls it: login dialog first, then the main window; closing it ends the
event loop with exit code 0."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from ui.app import run_gui
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow


def _top_level(kind: type) -> list[object]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_run_gui_logs_in_and_returns_zero_when_the_window_closes(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: dict[str, object] = {}

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
    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QApplication.exit(99))
    watchdog.start(20_000)
    code = run_gui(ctx)  # the sync timer starts too (demo office: nothing to reach)
    watchdog.stop()
    assert code == 0
    assert seen["title"] == "Ventanilla — Oficina Centro (DEMO) · Ventanilla V01"
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()
