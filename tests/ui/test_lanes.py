"""A hung platform and a hung printer never delay the window's own work: with a sync and an IPP
job both waiting on loopback servers that never answer, a capture is saved and the Expedientes
search answers. Released, the two end with their usual Spanish messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.capture.service import (
    CaptureRequest,
    CaptureResult,
    RequisitoAnswer,
    capture_expediente,
)
from desktop.context import AppContext
from desktop.documents.service import set_default_printer
from localdb.models import SyncState
from tests.hung_server import HungServer
from tests.sync.machines import OPERADOR
from ui.capture_view import CaptureView
from ui.main_window import EXPEDIENTES, MainWindow
from ui.saved_view import SavedView
from ui.tasks import TaskRunner

from .conftest import ANSWERS, GOOD_CURP, TRAMITE
from .driving import choose, fill_answers, open_capture, type_text

WAIT_MS = 15_000


@pytest.fixture
def platform(enrolled: AppContext) -> Iterator[HungServer]:
    """The enrolled office's platform address now leads to a server that never answers."""
    with HungServer() as server:
        with enrolled.write() as session:
            session.get_one(SyncState, 1).server_url = server.url
        yield server


@pytest.fixture
def printer(enrolled: AppContext) -> Iterator[HungServer]:
    """The default printer: an IPP address whose server never answers."""
    with HungServer() as server:
        set_default_printer(enrolled, OPERADOR, server.ipp_uri)
        yield server


def _captured_earlier(ctx: AppContext) -> CaptureResult:
    return capture_expediente(ctx, OPERADOR, CaptureRequest(
        homoclave="HMO-TM-002", answers={**ANSWERS, "curp": GOOD_CURP, "motivo": "otro"},
        requisitos=[RequisitoAnswer("identificacion", True),
                    RequisitoAnswer("recibo_predial", True)]))


def _ready_capture(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> CaptureView:
    view = open_capture(qtbot, window, runner, "adeudo predial", TRAMITE)
    fill_answers(qtbot, view, {**ANSWERS, "curp": GOOD_CURP})
    choose(view, "motivo", "compraventa")
    for requisito in view.setup.tramite.requisitos:
        qtbot.mouseClick(view.findChild(object, f"requisito_{requisito.clave}"),
                         Qt.MouseButton.LeftButton)
    assert view.sidebar.status_text() == "✓  Listo para guardar."
    return view


def _printing(qtbot: QtBot, ctx: AppContext, runner: TaskRunner,
              captured: CaptureResult) -> SavedView:
    """The expediente's documents, its acuse sent to the default printer."""
    view = SavedView(captured.folio, captured.total, "Constancia", ctx, OPERADOR, runner)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.preview.keys() == ["acuse", "recibo"], timeout=WAIT_MS)
    qtbot.mouseClick(view.print_buttons["acuse"], Qt.MouseButton.LeftButton)
    return view


def test_a_save_and_a_search_finish_while_the_platform_and_a_printer_hang(
    qtbot: QtBot, enrolled: AppContext, enrolled_window: MainWindow, runner: TaskRunner,
    platform: HungServer, printer: HungServer,
) -> None:
    window = enrolled_window
    earlier = _captured_earlier(enrolled)
    capture = _ready_capture(qtbot, window, runner)

    qtbot.mouseClick(window.status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: platform.connections == 1, timeout=WAIT_MS)
    printing = _printing(qtbot, enrolled, runner, earlier)
    qtbot.waitUntil(lambda: printer.connections == 1, timeout=WAIT_MS)

    window.activateWindow()  # back to the main window, where its shortcuts work
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(capture.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=WAIT_MS)
    saved = window.capture.saved
    assert saved is not None
    qtbot.waitUntil(lambda: saved.preview.keys() == ["acuse", "recibo"], timeout=WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.pages.currentIndex() == EXPEDIENTES
    search = window.expedientes
    type_text(qtbot, search.search_box, GOOD_CURP[:10])
    qtbot.waitUntil(lambda: not search.search_pending()
                    and search.count_label.text() == "2 expedientes", timeout=WAIT_MS)
    shown = {search.model.row_at(r).folio for r in range(search.model.rowCount())}
    assert shown == {earlier.folio, saved.folio}

    # All of that happened while both hung tasks were still waiting on their servers.
    assert window.status.sync_text().startswith("● Sincronizando…")
    assert not printing.print_buttons["acuse"].isEnabled()
    assert printing.note.text() == "Enviando a la impresora…"

    platform.release()
    printer.release()
    qtbot.waitUntil(lambda: runner.is_idle() and "Sincronizando" not in
                    window.status.sync_text(), timeout=WAIT_MS)
    assert window.status.sync_text().startswith("● Sin conexión")
    [box] = [b for b in printing.findChildren(QMessageBox) if b.isVisible()]
    assert box.windowTitle() == "No se pudo imprimir"
    assert box.text().startswith(f"No se pudo imprimir en «{printer.ipp_uri}»")
    assert printing.print_buttons["acuse"].isEnabled()
