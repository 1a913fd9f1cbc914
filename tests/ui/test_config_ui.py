"""The administrator's configuration (issue 10): the view of the bundle in force and its history,
importing a file shows its impact and applies only after the password (never after Volver), a
bundle the platform pushes is announced to every user, and a borrador on an older version is
moved to the version in force."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import import_bundle_file
from desktop.capture.drafts import DraftInput, save_draft
from desktop.context import AppContext
from localdb.models import ConfigBundleRecord
from tests.impact_bundles import CAMPOS, write_crafted
from tests.sync.central_server import CentralServer, publish_bundle
from ui.config_dialog import ConfigDialog
from ui.draft_version_bar import DraftVersionBar
from ui.import_dialog import ImportDialog
from ui.main_window import DRAFTS, MainWindow
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text

ADMIN = CurrentUser("admin", "María Fernanda Ochoa (DEMO)", Role.ADMIN)
OPERADOR = CurrentUser("operador", "Ana Lucía Valenzuela (DEMO)", Role.OPERADOR)


def _versions(ctx: AppContext) -> int:
    with ctx.read() as session:
        return int(session.scalar(select(func.max(ConfigBundleRecord.version))) or 0)


def _config_dialog(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> ConfigDialog:
    button = window.findChild(QPushButton, "configButton")
    assert isinstance(button, QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(ConfigDialog)
    assert isinstance(dialog, ConfigDialog)
    settle(qtbot, runner)
    return dialog


def _preview(qtbot: QtBot, dialog: ConfigDialog, runner: TaskRunner,
             path: Path) -> ImportDialog:
    dialog.preview_file(path)  # what choosing the file in "Importar paquete…" does
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: dialog.findChild(ImportDialog) is not None)
    importer = dialog.findChild(ImportDialog)
    assert isinstance(importer, ImportDialog) and importer.isVisible()
    return importer


def test_import_shows_the_impact_and_applies_only_after_the_password(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
    tmp_path: Path,
) -> None:
    window = make_window(user=ADMIN)
    dialog = _config_dialog(qtbot, window, runner)
    assert dialog.facts["version"].text() == "1"
    assert dialog.facts["applied"].text().endswith("· Demostración · sistema")
    assert len(dialog.facts["key"].text()) == 16 and dialog.history.rowCount() == 1

    importer = _preview(qtbot, dialog, runner, write_crafted(tmp_path / "v2.json"))
    assert importer.impact.summary.text().startswith(
        "Configuración versión 2: 1 trámite nuevo, 2 cambiados, 1 retirado")
    report = importer.impact.text.toPlainText()
    assert "      + Clave de elector (clave_elector): texto, obligatorio" in report
    assert not importer.confirm.isEnabled()  # the password is mandatory

    type_text(qtbot, importer.password, "no-es-la-clave")
    qtbot.keyClick(importer.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert importer.isVisible()
    assert importer.message.text() == "Usuario o contraseña incorrectos. Le quedan 4 intentos."
    assert _versions(ctx) == 1

    type_text(qtbot, importer.password, "admin123")
    qtbot.keyClick(importer.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: not importer.isVisible())
    assert _versions(ctx) == 2
    assert window.status.config_label.text() == "Configuración v2"
    settle(qtbot, runner)
    assert dialog.facts["version"].text() == "2" and dialog.history.rowCount() == 2
    assert dialog.history.item(0, 1).text() == "Archivo importado"
    assert dialog.history.item(0, 3).text() == "admin"

    dialog.history.selectRow(0)
    qtbot.mouseClick(dialog.open_report, Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: dialog.report_dialog.isVisible())
    assert dialog.report_dialog.view.summary.text() == importer.impact.summary.text()


def test_volver_changes_nothing(qtbot: QtBot, make_window: WindowFactory, ctx: AppContext,
                                runner: TaskRunner, tmp_path: Path) -> None:
    window = make_window(user=ADMIN)
    dialog = _config_dialog(qtbot, window, runner)
    importer = _preview(qtbot, dialog, runner, write_crafted(tmp_path / "v2.json"))
    type_text(qtbot, importer.password, "admin123")
    qtbot.mouseClick(importer.back, Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    assert not importer.isVisible()
    assert _versions(ctx) == 1
    assert window.status.config_label.text() == "Configuración v1"


def test_an_operador_has_no_configuration_view(qtbot: QtBot, make_window: WindowFactory,
                                               runner: TaskRunner) -> None:
    window = make_window()
    assert window.findChild(QPushButton, "configButton") is None
    refused: list[BaseException] = []
    window.runner.task_failed.disconnect()
    window.runner.task_failed.connect(refused.append)
    ConfigDialog(window.ctx, OPERADOR, runner, window)  # even if a view were built: refused
    settle(qtbot, runner)
    assert [type(e).__name__ for e in refused] == ["PermissionDenied"]


def test_a_bundle_from_the_platform_is_announced(
    qtbot: QtBot, enrolled_window: MainWindow, central: CentralServer, runner: TaskRunner,
    enrolled: AppContext,
) -> None:
    window = enrolled_window
    assert not window.config_notice.isVisible()
    publish_bundle(central.db, 2, extra_tramite="HMO-NUEVO-001")
    engine = window.sync._engine
    assert engine is not None
    job = threading.Thread(target=engine.run_once, name="sync-job")  # as the scheduler does
    job.start()
    job.join(timeout=30)
    qtbot.waitUntil(window.config_notice.isVisible, timeout=10_000)
    assert window.config_notice.text.text() == (
        "Configuración versión 2 aplicada: 1 trámite nuevo")
    assert not window.config_notice.open_report.isVisible()  # the operador reads the summary
    with enrolled.read() as session:
        record = session.get_one(ConfigBundleRecord, 2)
        assert record.source == "plataforma" and record.published_at is not None
        assert record.impact is not None and record.impact["added"][0]["homoclave"] == (
            "HMO-NUEVO-001")
    qtbot.mouseClick(window.config_notice.findChild(QPushButton, "configNoticeDismiss"),
                     Qt.MouseButton.LeftButton)
    assert not window.config_notice.isVisible()


def test_a_draft_on_an_older_version_is_moved(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
    operador: CurrentUser, tmp_path: Path,
) -> None:
    uuid = save_draft(ctx, operador, DraftInput(CAMPOS, 1, {
        "nombre": "Ana Lucía Pérez", "fecha_llegada": "2020-01-05", "colonia": "Centro"}))
    import_bundle_file(ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    window = make_window()
    window.go(DRAFTS)
    settle(qtbot, runner)
    window.drafts.resume(0)
    settle(qtbot, runner)
    view = window.capture.capture
    assert view is not None and view.setup.tramite.version == 1
    assert view.draft_uuid == uuid
    bar = view.version_bar
    assert isinstance(bar, DraftVersionBar) and bar.isVisible()
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: bar.question is not None and bar.question.isVisible())
    question = bar.question
    assert question is not None
    assert "• Fecha de llegada al domicilio: «2020-01-05» (el campo ya no existe" in (
        question.text())
    move = next(b for b in question.buttons() if b.text() == "Pasar a la versión vigente")
    qtbot.mouseClick(move, Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: window.capture.capture is not None
                    and window.capture.capture.setup.tramite.version == 2)
    moved = window.capture.capture
    assert moved is not None and moved.version_bar is None and moved.draft_uuid == uuid
    assert moved.form.raw_answers()["colonia"] == "Centro"
    assert str(moved.setup.uma_diaria) == "120.00"


def test_a_tampered_file_is_refused_before_any_preview(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
    tmp_path: Path,
) -> None:
    window = make_window(user=ADMIN)
    dialog = _config_dialog(qtbot, window, runner)
    path = write_crafted(tmp_path / "v2.json")
    envelope = json.loads(path.read_text())
    payload = base64.b64decode(envelope["payload"]).replace(b'"120.00"', b'"920.00"')
    envelope["payload"] = base64.b64encode(payload).decode()
    path.write_text(json.dumps(envelope))  # the UMA changed after signing
    dialog.preview_file(path)
    settle(qtbot, runner)
    qtbot.waitUntil(lambda: getattr(dialog, "refusal", None) is not None)
    assert "La firma del paquete de configuración no es válida" in dialog.refusal.text()
    assert dialog.findChild(ImportDialog) is None
    dialog.refusal.close()
    assert _versions(ctx) == 1
