"""The banner of a window that has not reached the platform, and the supervisor's extension,
against the real central on loopback; the staleness is driven by the stored last-contact time.

Oracle: what the banner and the dialog say, and the audit log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from central import admin
from desktop.context import AppContext
from localdb.models import AuditEntry
from sync.platform_login import platform_check
from tests.staleness_helpers import set_last_contact
from tests.sync.central_server import CentralServer
from ui.capture_view import CaptureView
from ui.extension_dialog import ExtensionDialog
from ui.main_window import MainWindow
from ui.tasks import TaskRunner

from .conftest import ANSWERS, GOOD_CURP, TRAMITE, WindowFactory, settle
from .driving import choose, fill_answers, open_capture, type_text

GOOD = "secreto-123"


def refreshed(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> str:
    window.stale_banner.refresh()  # what a sync run's end, a capture or the timer does
    settle(qtbot, runner)
    banner = window.stale_banner
    return banner.label.text() if banner.isVisible() else ""


def test_the_banner_counts_the_days_and_goes_after_a_sync(
        qtbot: QtBot, enrolled_window: MainWindow, enrolled: AppContext,
        runner: TaskRunner) -> None:
    window = enrolled_window
    assert not window.stale_banner.isVisible()  # just enrolled
    set_last_contact(enrolled, days_ago=2.5)
    assert refreshed(qtbot, window, runner) == ""

    set_last_contact(enrolled, days_ago=4.2)
    text = refreshed(qtbot, window, runner)
    assert text.startswith("Esta ventanilla no se ha comunicado con la plataforma desde hace 4 "
                           "días")
    assert "a los 7 días sin comunicación se bloqueará la captura" in text
    assert window.stale_banner.button.isVisible()

    window.sync.sync_now()  # "Sincronizar ahora": a successful run ends it
    qtbot.waitUntil(lambda: not window.stale_banner.isVisible(), timeout=20_000)
    settle(qtbot, runner)


def test_a_supervisor_grants_the_extension_by_keyboard(
        qtbot: QtBot, enrolled_window: MainWindow, enrolled: AppContext, runner: TaskRunner,
        central: CentralServer) -> None:
    enrolled.platform_login = platform_check
    admin.add_user(central.db, "caro", "supervisor", "Carolina Ruiz", GOOD)
    admin.add_user(central.db, "ana", "operador", "Ana Lucía Valenzuela", GOOD)
    window = enrolled_window
    set_last_contact(enrolled, days_ago=8)
    assert "La captura está bloqueada" in refreshed(qtbot, window, runner)

    banner = window.stale_banner
    qtbot.keyClick(banner.button, Qt.Key.Key_Space)
    dialog = window.findChild(ExtensionDialog)
    assert isinstance(dialog, ExtensionDialog)
    qtbot.waitUntil(dialog.username.hasFocus)
    assert not dialog.confirm.isEnabled()

    type_text(qtbot, dialog.username, "ana")  # an operador cannot grant it
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.password.hasFocus)
    type_text(qtbot, dialog.password, GOOD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner, timeout_ms=20_000)
    assert "no tiene permiso para conceder prórrogas" in dialog.message.text()
    assert dialog.isVisible() and dialog.password.text() == ""

    dialog.username.clear()
    type_text(qtbot, dialog.username, "caro")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    type_text(qtbot, dialog.password, "equivocada")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner, timeout_ms=20_000)
    assert dialog.message.text() == "Usuario o contraseña incorrectos."

    type_text(qtbot, dialog.password, GOOD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    settle(qtbot, runner)
    assert "Prórroga concedida por caro hasta el" in banner.label.text()
    assert banner.isVisible() and not banner.button.isVisible()
    with enrolled.read() as session:
        actors = [e.actor for e in session.scalars(select(AuditEntry).where(
            AuditEntry.action == "sync.prorroga_concedida"))]
    assert actors == ["caro"]


def test_the_demo_office_shows_no_banner(qtbot: QtBot, make_window: WindowFactory,
                                         ctx: AppContext, runner: TaskRunner) -> None:
    set_last_contact(ctx, days_ago=60)
    window = make_window()
    assert refreshed(qtbot, window, runner) == ""
    assert window.stale_banner.status is not None and window.stale_banner.status.exempt


def test_a_blocked_window_refuses_the_save_until_it_syncs(
        qtbot: QtBot, enrolled_window: MainWindow, enrolled: AppContext, runner: TaskRunner,
        sample_png: Path) -> None:
    window = enrolled_window
    set_last_contact(enrolled, days_ago=8)
    view = open_capture(qtbot, window, runner, "no adeudo predial", TRAMITE)
    fill_answers(qtbot, view, {**ANSWERS, "curp": GOOD_CURP})
    choose(view, "motivo", "compraventa")
    view.anexos.add_files([sample_png])
    settle(qtbot, runner)
    for requisito in view.setup.tramite.requisitos:
        qtbot.mouseClick(view.findChild(object, f"requisito_{requisito.clave}"),
                         Qt.MouseButton.LeftButton)
    assert view.sidebar.status_text() == "✓  Listo para guardar."

    ctrl_s(qtbot, view)
    qtbot.waitUntil(lambda: error_box(window) is not None, timeout=10_000)
    box = error_box(window)
    assert box is not None and box.text().startswith("No se puede capturar: esta ventanilla no "
                                                     "se ha comunicado con la plataforma")
    box.accept()
    assert window.capture.saved is None and view.dirty  # nothing lost: the answers stay

    window.sync.sync_now()
    qtbot.waitUntil(lambda: not window.stale_banner.isVisible(), timeout=20_000)
    settle(qtbot, runner)
    view.save()  # Guardar again: the same answers go through now
    settle(qtbot, runner)
    assert error_box(window) is None
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=10_000)
    settle(qtbot, runner)


def ctrl_s(qtbot: QtBot, view: CaptureView) -> None:
    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)


def error_box(window: MainWindow) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox, "errorDialog") if b.isVisible()]
    return boxes[0] if boxes else None
