"""Registrar pago from the saved expediente and from its detail: the expediente shows paid, the
recibo turns into a "Recibo de pago" with the method, and printing it is offered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.documents.service import PRINT_ACTION
from desktop.records.expedientes import page_expedientes
from localdb.models import AuditEntry, Expediente, OutboxEntry
from tests.cajas import ensure_open_caja
from tests.document_fixtures import pdf_text
from tests.ipp_printer import IppPrinter
from ui.expediente_dialog import ExpedienteDialog
from ui.payment_dialog import PaymentDialog
from ui.saved_view import SavedView
from ui.tasks import TaskRunner
from wire.times import office_date, utc_now

from .conftest import needs_printer, settle
from .test_documents_ui import _capture, _saved_view


@pytest.fixture(autouse=True)
def _caja(ctx: AppContext) -> None:
    """Payments are cashed in an open caja (tests/ui/test_caja_ui.py drives the refusal)."""
    ensure_open_caja(ctx)


def _open_dialog(qtbot: QtBot, view: SavedView) -> PaymentDialog:
    assert view.payment.button.isVisible() and view.payment.button.text() == "Registrar pago…"
    qtbot.mouseClick(view.payment.button, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in view.window().findChildren(PaymentDialog) if d.isVisible()]
    return dialog


def _pay(qtbot: QtBot, view: SavedView, runner: TaskRunner, method: str,
         reference: str = "") -> QMessageBox:
    """Register a payment through the dialog; returns the "print the recibo?" question."""
    dialog = _open_dialog(qtbot, view)
    dialog.method.setCurrentIndex(dialog.method.findData(method))
    qtbot.keyClicks(dialog.reference, reference)
    with qtbot.waitSignal(view.payment_registered, timeout=10_000):
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.offer_box is not None and view.offer_box.isVisible(),
                    timeout=15_000)
    settle(qtbot, runner)
    assert not dialog.isVisible()
    assert view.offer_box is not None
    return view.offer_box


def _button(box: QMessageBox, text: str) -> QPushButton:
    [button] = [b for b in box.findChildren(QPushButton) if b.text() == text]
    return button


def test_registering_a_payment_shows_it_paid_and_the_recibo_de_pago(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner)
    assert view.payment.state.text() == "Pendiente de pago."
    assert "ORDEN DE PAGO" in pdf_text(view.preview.pdf_bytes("recibo"))

    offer = _pay(qtbot, view, runner, "tarjeta", "AUT 448812")

    assert view.payment.state.text().startswith("Pagado con Tarjeta de débito o crédito el ")
    year = office_date(utc_now(), "America/Hermosillo").year  # the demo office's
    recibo = f"R-HMO-V01-{year}-000001"  # the window's first recibo oficial
    assert view.payment.state.text().endswith(f" · Ref. AUT 448812 · Recibo {recibo}")
    assert not view.payment.button.isVisible()
    assert view.total_label.text().startswith("Total pagado:")
    assert view.print_buttons["recibo"].text() == "Imprimir recibo de pago"
    assert view.preview.tabs.tabText(1) == "Recibo de pago"
    recibo = pdf_text(view.preview.pdf_bytes("recibo"))
    assert "RECIBO DE PAGO" in recibo and "Tarjeta de débito o crédito" in recibo
    assert "Referencia: AUT 448812" in recibo and "REIMPRESIÓN" not in recibo
    assert offer.text() == "Se registró el pago. ¿Imprimir el recibo de pago para el ciudadano?"
    assert offer.informativeText() == f"Folio {view.folio}"
    assert view.hint.text() == "Entregue al ciudadano el acuse de recibo y el recibo de pago."
    qtbot.mouseClick(_button(offer, "Ahora no"), Qt.MouseButton.LeftButton)
    settle(qtbot, runner)
    with ctx.write() as session:
        row = session.scalars(select(Expediente)).one()
        kinds = list(session.scalars(select(OutboxEntry.kind).order_by(OutboxEntry.mutation_id)))
        printed = session.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION))
        assert list(printed) == []  # "Ahora no" prints nothing
    assert (row.payment_method, row.payment_reference) == ("tarjeta", "AUT 448812")
    assert kinds == ["expediente.create", "expediente.payment"]


def test_a_refused_payment_is_explained_in_the_dialog(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner)
    dialog = _open_dialog(qtbot, view)
    dialog.method.setCurrentIndex(dialog.method.findData("transferencia"))
    assert dialog.reference.isEnabled() and "obligatoria" in dialog.reference_caption.text()
    qtbot.keyClick(dialog.method, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.isVisible() and dialog.confirm.isEnabled()
    assert dialog.message.text() == "Escriba la referencia del pago (la clave de rastreo)."
    with ctx.write() as session:
        assert session.scalars(select(Expediente.paid_at)).one() is None
    dialog.reject()


def test_the_expediente_detail_offers_registrar_pago(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    folio = _capture(ctx, operador).folio
    with ctx.write() as session:
        [row] = page_expedientes(session, folio)
    dialog = ExpedienteDialog(row, ctx, operador, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    settle(qtbot, runner)

    offer = _pay(qtbot, dialog.view, runner, "efectivo")

    assert dialog.view.payment.state.text().startswith("Pagado con Efectivo el ")
    assert "Efectivo" in pdf_text(dialog.view.preview.pdf_bytes("recibo"))
    offer.reject()
    dialog.close()


@needs_printer
def test_the_offered_recibo_de_pago_prints_as_an_original(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
    printer: IppPrinter,
) -> None:
    view = _saved_view(qtbot, ctx, operador, runner, printer.uri)
    with qtbot.waitSignal(view.printed, timeout=15_000):  # the orden de pago, before paying
        qtbot.mouseClick(view.print_buttons["recibo"], Qt.MouseButton.LeftButton)
    orden = printer.wait_for_job()
    offer = _pay(qtbot, view, runner, "efectivo")

    with qtbot.waitSignal(view.printed, timeout=15_000):
        qtbot.mouseClick(_button(offer, "Imprimir recibo de pago"), Qt.MouseButton.LeftButton)

    assert view.note.text() == f"Recibo de pago enviado a {printer.uri}."
    [spooled] = set(printer.wait_for_job(2)) - set(orden)
    text = pdf_text(spooled.read_bytes())
    assert "RECIBO DE PAGO" in text and "Efectivo" in text and "REIMPRESIÓN" not in text
    with ctx.write() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION)
                                  .order_by(AuditEntry.id)).all()
    assert [(e.detail["variante"], e.detail["reimpresion"]) for e in entries] == [
        ("orden_de_pago", 0), ("recibo_de_pago", 0)]
