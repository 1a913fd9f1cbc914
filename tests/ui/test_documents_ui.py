"""After saving: the documents preview, printing to the default printer (real IPP printer on
loopback), a printer that fails (Spanish message, expediente kept), reprints from the list, a
saved PDF that leaves the original for paper, and a folio found by its línea de captura."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.access.permissions import CurrentUser
from desktop.capture.service import (
    CaptureRequest,
    CaptureResult,
    RequisitoAnswer,
    capture_expediente,
)
from desktop.context import AppContext
from desktop.documents.service import PRINT_ACTION, set_default_printer
from desktop.records.referencia import referencia_for
from formatting import group_referencia
from localdb.models import AuditEntry, Expediente
from tests.document_fixtures import pdf_text
from tests.ipp_printer import IppPrinter, free_port
from ui.expediente_dialog import ExpedienteDialog
from ui.main_window import EXPEDIENTES
from ui.saved_view import SavedView
from ui.tasks import TaskRunner

from .conftest import ANSWERS, GOOD_CURP, WindowFactory, needs_printer, settle


def _capture(ctx: AppContext, user: CurrentUser) -> CaptureResult:
    return capture_expediente(ctx, user, CaptureRequest(
        homoclave="HMO-TM-002", answers={**ANSWERS, "curp": GOOD_CURP, "motivo": "otro"},
        requisitos=[RequisitoAnswer("identificacion", True),
                    RequisitoAnswer("recibo_predial", True)]))


def _saved_view(qtbot: QtBot, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                printer_uri: str | None = None) -> SavedView:
    """A freshly captured expediente's saved view (printing to `printer_uri` by default)."""
    if printer_uri is not None:
        set_default_printer(ctx, user, printer_uri)
    result = _capture(ctx, user)
    view = SavedView(result.folio, result.total, "Constancia", ctx, user, runner)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    return view


@needs_printer
def test_imprimir_sends_the_acuse_to_the_default_printer(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
    printer: IppPrinter,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner, printer.uri)
    with qtbot.waitSignal(view.printed, timeout=15_000):
        qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    assert view.note.text() == f"Acuse de recibo enviado a {printer.uri}."
    [spooled] = printer.wait_for_job()
    assert view.folio in pdf_text(spooled.read_bytes())
    with ctx.write() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION)).one()
        assert entry.entity == view.folio and entry.detail["destino"] == [printer.uri]


def test_printer_failure_is_explained_and_the_expediente_stays(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    uri = f"ipp://127.0.0.1:{free_port()}/ipp/print"  # nothing listens there
    view = _saved_view(qtbot, ctx, operador, runner, uri)
    qtbot.mouseClick(view.print_buttons["recibo"], Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    [box] = [b for b in view.findChildren(QMessageBox) if b.isVisible()]
    assert box.windowTitle() == "No se pudo imprimir"
    assert box.text().startswith(f"No se pudo imprimir en «{uri}»")
    assert "El expediente quedó guardado" in box.text()
    assert view.print_buttons["recibo"].isEnabled()
    with ctx.write() as session:
        assert session.scalars(select(Expediente.folio)).one() == view.folio


def test_without_a_default_printer_the_print_dialog_opens(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner)
    qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    dialogs = [d for d in view.findChildren(QPrintDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()


def test_ticket_layout_rerenders_the_preview(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner)
    carta = view.preview.document("acuse").pagePointSize(0)
    view.layout_box.setCurrentIndex(view.layout_box.findData("ticket"))
    qtbot.waitUntil(lambda: view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    settle(qtbot, runner)
    ticket = view.preview.document("acuse").pagePointSize(0)
    assert ticket.width() < carta.width() / 2


def test_expediente_opens_from_the_list_for_reprint(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, make_window: WindowFactory,
    runner: TaskRunner,
) -> None:
    folio = _capture(ctx, operador).folio
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot, runner)
    assert window.pages.currentIndex() == EXPEDIENTES
    view = window.expedientes
    qtbot.keyClicks(view.search_box, GOOD_CURP[:10])
    settle(qtbot, runner, view.search_pending)
    assert view.model.rowCount() == 1 and view.count_label.text() == "1 expediente"
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    [dialog] = [d for d in window.findChildren(ExpedienteDialog) if d.isVisible()]
    assert dialog.windowTitle() == f"Expediente {folio}"
    qtbot.waitUntil(lambda: dialog.view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    dialog.close()


@needs_printer
def test_a_saved_pdf_leaves_the_original_for_the_first_paper_copy(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
    printer: IppPrinter, tmp_path: Path,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner, printer.uri)
    for name in ("acuse-1.pdf", "acuse-2.pdf"):  # saved twice, and previewed throughout
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        dialog = view.save_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.selectFile(str(tmp_path / name))
        with qtbot.waitSignal(view.saved_pdf, timeout=15_000):
            dialog.accept()
        saved = pdf_text((tmp_path / name).read_bytes())
        assert view.folio in saved and "COPIA ELECTRÓNICA" in saved
    assert "copia electrónica guardada" in view.note.text()
    with qtbot.waitSignal(view.printed, timeout=15_000):
        qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    [original] = printer.wait_for_job()
    paper = pdf_text(original.read_bytes())
    assert view.folio in paper and "Acuse de recibo".upper() in paper
    assert "REIMPRESIÓN" not in paper and "COPIA ELECTRÓNICA" not in paper  # the ORIGINAL
    with qtbot.waitSignal(view.printed, timeout=15_000):
        qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    second = printer.wait_for_job(count=2)[-1]
    assert "REIMPRESIÓN 1" in pdf_text(second.read_bytes())
    with ctx.write() as session:
        assert session.scalars(select(Expediente.print_count)).one() == 2


def test_a_referencia_finds_its_folio_and_a_typo_is_explained(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, make_window: WindowFactory,
    runner: TaskRunner,
) -> None:
    folio = _capture(ctx, operador).folio
    _capture(ctx, operador)  # another folio the search must leave out
    referencia = referencia_for(folio)
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot, runner)
    view = window.expedientes
    qtbot.keyClicks(view.search_box, group_referencia(referencia))  # as printed, with spaces
    settle(qtbot, runner, view.search_pending)
    assert view.model.rowCount() == 1 and view.model.row_at(0).folio == folio
    assert not view.search_note.isVisible()
    view.search_box.clear()
    wrong = str((int(referencia[-3]) + 1) % 10)
    typo = referencia[:-3] + wrong + referencia[-2:]  # one digit misread
    qtbot.keyClicks(view.search_box, typo)
    settle(qtbot, runner, view.search_pending)
    assert view.model.rowCount() == 0
    assert view.search_note.isVisible()
    assert view.search_note.text().startswith(f"La referencia {typo} no es válida")


def test_print_to_file_in_the_dialog_is_an_electronic_copy(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner, tmp_path: Path,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner)  # no default printer: the system dialog
    qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    [dialog] = [d for d in view.findChildren(QPrintDialog) if d.isVisible()]
    target = tmp_path / "impreso-a-archivo.pdf"
    printers, filename = (dialog.findChild(QComboBox, "printers"),
                          dialog.findChild(QLineEdit, "filename"))
    assert printers is not None and filename is not None  # Qt's own (non-native) dialog
    printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
    filename.setText(str(target))
    with qtbot.waitSignal(view.saved_pdf, timeout=15_000):
        dialog.accept()
    text = pdf_text(target.read_bytes())
    assert view.folio in text and "COPIA ELECTRÓNICA" in text
    with ctx.write() as session:
        assert session.scalars(select(Expediente.print_count)).one() == 0
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION)
                               ).first() is None
