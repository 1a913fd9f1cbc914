"""«Diagnóstico…» in the header: an administrator saves the ZIP (written off the GUI thread); an
operador is not offered it (the service refuses them anyway: tests/test_diagnostics.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.access.permissions import CurrentUser, Role
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle

ADMIN = CurrentUser("admin", "María Fernanda Ochoa (DEMO)", Role.ADMIN)


def test_an_admin_saves_the_diagnostics_zip(qtbot: QtBot, make_window: WindowFactory,
                                            runner: TaskRunner, tmp_path: Path) -> None:
    window = make_window(user=ADMIN)
    button = window.findChild(QPushButton, "diagnosticsButton")
    assert button is not None and button.text() == "Diagnóstico…"
    target = tmp_path / "diagnostico.zip"
    with qtbot.waitSignal(window.diagnostics.exported, timeout=20_000):
        window.diagnostics.export(target)
    settle(qtbot, runner)
    notice = window.diagnostics.notice
    assert notice is not None and notice.isVisible()
    assert notice.text().startswith(f"Diagnóstico guardado en {target}.")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["diagnostico.json", "registro.txt"]
    notice.accept()


def test_an_operador_is_not_offered_it(make_window: WindowFactory) -> None:
    window = make_window()
    assert window.findChild(QPushButton, "diagnosticsButton") is None
