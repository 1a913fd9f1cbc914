"""After saving: the documents preview, printing to the default printer (real IPP printer on
loopback), a printer that fails (Spanish message, expediente kept), and reprints from the list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QMessageBox
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
