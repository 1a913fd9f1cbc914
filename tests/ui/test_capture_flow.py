"""The whole counter flow on the real main window: log in, find, capture, attach, save, print."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.access.credentials import FALLBACK_WARNING
from desktop.capture.blobs import read_blob
from desktop.context import AppContext
from desktop.office import OfficeInfo
from localdb.models import Attachment, Expediente, OutboxEntry
from ui.main_window import MainWindow
from ui.saved_view import SavedView
from ui.status_bar import DEMO_STATE
from ui.tasks import TaskRunner
from wire.payloads import ExpedientePayload

from .conftest import ANSWERS, BAD_CURP, GOOD_CURP, TRAMITE, WindowFactory, settle
from .driving import choose, fill_answers, open_capture, show_login, type_into


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(data)
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _log_in(qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner) -> object:
    dialog = show_login(qtbot, ctx, office, runner)
    qtbot.keyClicks(dialog.username, "operador")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password and dialog.message_text() == ""
    qtbot.keyClicks(dialog.password, "operador123")
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000) as logged:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    return logged.args[0]


def test_operador_captures_an_expediente_end_to_end(
    qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
    make_window: WindowFactory, sample_png: Path, tmp_path: Path,
) -> None:
    user = _log_in(qtbot, ctx, office, runner)
    window = make_window(user=user)
    assert window.windowTitle() == "Ventanilla — Oficina Centro (DEMO) · Ventanilla V01"
    assert window.findChild(object, "demoBanner").isVisible()

    view = open_capture(qtbot, window, runner, "no adeudo predial", TRAMITE)
    assert window.focusWidget() is view.form.editor("nombre").focus_widget
    fill_answers(qtbot, view, {**ANSWERS, "curp": BAD_CURP})
    choose(view, "motivo", "compraventa")
    assert "dígito verificador" in view.form.error_text("curp")

    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, runner)
    assert "CURP" in view.sidebar.status_text()
    assert window.capture.saved is None
    with ctx.write() as session:
        assert session.scalar(select(func.count()).select_from(Expediente)) == 0

    type_into(qtbot, view, "curp", GOOD_CURP)
    assert view.form.error_text("curp") == ""
    view.anexos.add_files([sample_png])
    settle(qtbot, runner)
    assert view.anexos.list.count() == 1
    for requisito in view.setup.tramite.requisitos:
        qtbot.mouseClick(view.findChild(object, f"requisito_{requisito.clave}"),
                         Qt.MouseButton.LeftButton)
    assert view.sidebar.status_text() == "✓  Listo para guardar."
    assert view.sidebar.cobros.total_text() == "$234.62"

    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=10_000)
    saved = window.capture.saved
    assert isinstance(saved, SavedView)
    qtbot.waitUntil(lambda: saved.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    folio = saved.folio
    assert folio.startswith("HMO-V01-")

    with ctx.write() as session:
        expediente = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        assert expediente.curp == GOOD_CURP
        assert expediente.answers["nombre"] == ANSWERS["nombre"]
        assert expediente.answers["motivo"] == "compraventa"
        attachment = session.scalars(select(Attachment)).one()
        assert attachment.expediente_uuid == expediente.uuid
        assert attachment.filename == "identificacion.png"
        assert read_blob(ctx.blobs, attachment.sha256) == sample_png.read_bytes()
        outbox = session.scalars(select(OutboxEntry)).one()
        assert (outbox.kind, outbox.entity_uuid) == ("expediente.create", expediente.uuid)
        assert ExpedientePayload.model_validate_json(outbox.payload).folio == folio

    for doc in ("acuse", "recibo"):
        assert saved.preview.page_count(doc) >= 1
    assert folio in _pdf_text(saved.preview.pdf_bytes("acuse"), tmp_path).replace("\n", "")
    assert "234.62" in _pdf_text(saved.preview.pdf_bytes("recibo"), tmp_path)
    settle(qtbot, runner)  # demo captures are never sent: the bar counts no envíos
    assert window.status.sync_text() == DEMO_STATE


def test_catalog_search_ignores_accents_and_groups_by_dependencia(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window = make_window()
    from .driving import search_catalog

    search_catalog(qtbot, window, runner, "PROTECCION civil")
    assert window.catalog.visible_tramites() == [
        "Anuencia de protección civil para establecimientos"]
    tree = window.catalog.results
    assert tree.topLevelItem(0).text(0).startswith("Unidad Municipal de Protección Civil")
    window.catalog.select_tramite("Anuencia de protección civil para establecimientos")
    settle(qtbot, runner)
    body = window.catalog.detail.body.text()
    assert "Requisitos" in body and "Cobros" in body
    assert "Nivel 3" in window.catalog.detail.meta.text()
    assert "Plazo de resolución" in window.catalog.detail.meta.text()
    assert window.catalog.detail.capture_button.isEnabled()

    # Narrowing the search keeps the chosen trámite while listed; otherwise the first trámite
    # listed (never a dependencia header) is highlighted, and with nothing listed, none.
    search_catalog(qtbot, window, runner, "anuencia")
    assert window.catalog.results.currentItem().text(0).startswith("Anuencia")
    assert window.catalog.detail.setup is not None
    search_catalog(qtbot, window, runner, "predial")
    assert tree.currentItem().text(0) == window.catalog.visible_tramites()[0]
    settle(qtbot, runner)
    assert window.catalog.detail.title.text() == window.catalog.visible_tramites()[0]
    search_catalog(qtbot, window, runner, "zzz no existe")
    assert window.catalog.detail.setup is None
    assert not window.catalog.detail.capture_button.isEnabled()


def test_main_window_title_and_status_bar(make_window: WindowFactory) -> None:
    window: MainWindow = make_window()
    assert "Ana Lucía Valenzuela (DEMO) · Operador" in window.status.user_label.text()
    assert window.status.config_label.text() == "Configuración v1"
    assert window.status.sync_text() == "● Modo demostración · sin plataforma"
    assert not window.status.sync_button.isEnabled()
    assert "modo demostración" in window.status.sync_button.toolTip()
    # the keys are in the credentials file (no keyring here): said for as long as it holds
    assert window.status.credentials_label.isVisible()
    assert window.status.credentials_label.toolTip() == FALLBACK_WARNING
    window.status.show_credentials_warning(None)
    assert not window.status.credentials_label.isVisible()
