"""The expediente detail as each role sees it: a cancelled folio (why, who, when) offers no
payment, a long name is not cut off, the platform's reason for a rejection is shown, and the
list says which expedientes are paid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio, page_expedientes
from desktop.records.payments import register_payment
from localdb.models import Expediente, OutboxEntry
from tests.cajas import ensure_open_caja
from tests.document_fixtures import pdf_text
from tests.sync.machines import capture_many
from ui.cancel_dialog import CancelDialog
from ui.expediente_dialog import ExpedienteDialog
from ui.expediente_notes import CANCELLED_TEXT, REJECTED_TEXT
from ui.main_window import CAPTURE, MainWindow
from ui.payment_dialog import PaymentDialog
from ui.tasks import TaskRunner
from wire.times import office_time, utc_now

from .conftest import ANSWERS, GOOD_CURP, TRAMITE, WindowFactory, settle
from .driving import choose, fill_answers, open_capture, type_text
from .test_supervisor_ui import (
    SUPERVISOR,
    SUPERVISOR_PASSWORD,
    _expedientes_window,
    _folio_of,
    _open_first,
    _show_expedientes,
)

DEMO_ZONE = "America/Hermosillo"  # the demo bundle's zona_horaria

PAYMENT_COLUMN = 5
SUPERVISOR_NAME = "Jesús Ramón Encinas (DEMO)"  # the demo office's users table
LONG_NAME = "María Guadalupe de los Ángeles Fernández de la Garza Villaseñor"


def _cancel_from_detail(qtbot: QtBot, dialog: ExpedienteDialog, runner: TaskRunner,
                      reason: str) -> None:
    assert dialog.cancel_bar is not None
    qtbot.mouseClick(dialog.cancel_bar.button, Qt.MouseButton.LeftButton)
    cancel = dialog.cancel_bar.window().findChild(CancelDialog)
    assert isinstance(cancel, CancelDialog)
    type_text(qtbot, cancel.reason, reason)
    qtbot.keyClick(cancel.reason, Qt.Key.Key_Return)
    type_text(qtbot, cancel.password, SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.folio_cancelled, timeout=10_000):
        qtbot.keyClick(cancel.password, Qt.Key.Key_Return)
    settle(qtbot, runner)


def _detail(qtbot: QtBot, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
            folio: str) -> ExpedienteDialog:
    with ctx.write() as session:
        [row] = [r for r in page_expedientes(session) if r.folio == folio]
    dialog = ExpedienteDialog(row, ctx, user, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    settle(qtbot, runner)
    return dialog


def test_cancelling_a_folio_takes_registrar_pago_away_and_says_why(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    window = _expedientes_window(qtbot, make_window, runner)
    dialog = _open_first(qtbot, window, runner, folio)
    qtbot.waitUntil(lambda: dialog.view.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    settle(qtbot, runner)
    assert dialog.view.payment.button.isVisible()  # unpaid, not cancelled yet
    assert not dialog.notes.isVisible()

    _cancel_from_detail(qtbot, dialog, runner, "Capturado dos veces")

    assert not dialog.view.payment.button.isVisible()
    assert dialog.view.payment.ask() is None
    qtbot.waitUntil(lambda: dialog.view.total_label.text().startswith("Total: "))
    assert not dialog.view.hint.isVisible()  # no orden de pago to hand out
    assert dialog.notes.cancelled.isVisible()
    lines = dialog.notes.cancelled.text().split("\n")
    today = f"{office_time(utc_now(), DEMO_ZONE):%d/%m/%Y}"  # the office's calendar
    assert lines[0] == CANCELLED_TEXT
    assert lines[1].startswith(f"Lo canceló {SUPERVISOR_NAME} el {today} a las ")
    assert lines[2] == "Motivo: Capturado dos veces"
    qtbot.waitUntil(lambda: "CANCELADO" in pdf_text(dialog.view.preview.pdf_bytes("recibo")),
                    timeout=15_000)  # the documents were rendered again
    assert dialog.cancel_bar is not None and not dialog.cancel_bar.isVisible()
    dialog.close()

    again = _open_first(qtbot, window, runner, folio)  # and never again for this folio
    assert not again.view.payment.button.isVisible()
    assert again.notes.cancelled.text() == "\n".join(lines)


def test_an_operador_sees_that_a_folio_is_cancelled_and_why(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    cancel_folio(ctx, SUPERVISOR, folio, "El solicitante pidió otro trámite")
    dialog = _detail(qtbot, ctx, operador, runner, folio)

    assert dialog.cancel_bar is None  # an operador may not cancel, but is told it is cancelled
    assert dialog.notes.cancelled.isVisible()
    text = dialog.notes.cancelled.text()
    assert text.startswith(f"{CANCELLED_TEXT}\nLo canceló {SUPERVISOR_NAME} el ")
    assert text.endswith("\nMotivo: El solicitante pidió otro trámite")
    assert not dialog.view.payment.button.isVisible()
    assert not dialog.notes.rejected.isVisible()


def test_a_cancelled_folio_still_open_in_captura_stops_offering_payment(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window: MainWindow = make_window(user=SUPERVISOR)
    view = open_capture(qtbot, window, runner, "no adeudo predial", TRAMITE)
    fill_answers(qtbot, view, {**ANSWERS, "curp": GOOD_CURP})
    choose(view, "motivo", "compraventa")
    view.requisitos.check_all()
    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=10_000)
    saved = window.capture.saved
    assert saved is not None
    qtbot.waitUntil(lambda: saved.preview.keys() == ["acuse", "recibo"], timeout=15_000)
    settle(qtbot, runner)
    assert saved.payment.button.isVisible()

    _show_expedientes(qtbot, window, runner)
    dialog = _open_first(qtbot, window, runner, saved.folio)
    _cancel_from_detail(qtbot, dialog, runner, "Datos del predio equivocados")
    dialog.close()
    window.go(CAPTURE)
    settle(qtbot, runner)

    assert window.capture.saved is saved and saved.isVisible()
    assert not saved.payment.button.isVisible()
    qtbot.waitUntil(lambda: "CANCELADO" in pdf_text(saved.preview.pdf_bytes("recibo")),
                    timeout=15_000)


def test_a_long_name_wraps_in_the_heading_instead_of_being_cut(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1, prefix=LONG_NAME)[0])
    dialog = _detail(qtbot, ctx, operador, runner, folio)
    heading = dialog.view.heading
    full = f"Expediente · {LONG_NAME} Número 0 Pérez"
    assert heading.text() == full and heading.toolTip() == full
    card = next(f for f in dialog.view.findChildren(QFrame) if f.objectName() == "card")
    inside = card.contentsRect()
    assert heading.fontMetrics().horizontalAdvance(full) > inside.width()  # one line won't do
    assert heading.wordWrap() and heading.height() >= heading.heightForWidth(heading.width())
    assert heading.geometry().right() <= inside.right()  # every word is on screen


def test_a_rejected_envio_shows_the_platforms_reason(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner,
) -> None:
    uuids = capture_many(ctx, 2)
    created, paid = _folio_of(ctx, uuids[0]), _folio_of(ctx, uuids[1])
    ensure_open_caja(ctx)
    register_payment(ctx, SUPERVISOR, paid, "efectivo")
    with ctx.write() as session:  # what a push records for a refused mutation
        for uuid, kind, reason in (
                (uuids[0], "expediente.create",
                 f"el folio {created} ya está registrado con otro expediente"),
                (uuids[1], "expediente.payment", "el importe pagado 1.00 no es el total 2.00")):
            session.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == uuid,
                                                      OutboxEntry.kind == kind)
                            .values(state="rejected", last_error=reason))
            session.execute(update(Expediente).where(Expediente.uuid == uuid)
                            .values(sync_state="rechazado"))

    dialog = _detail(qtbot, ctx, SUPERVISOR, runner, created)
    assert dialog.notes.rejected.isVisible() and not dialog.notes.cancelled.isVisible()
    assert dialog.notes.rejected.text() == (
        f"{REJECTED_TEXT}\nMotivo: El folio {created} ya está registrado con otro expediente")
    dialog.close()

    dialog = _detail(qtbot, ctx, SUPERVISOR, runner, paid)
    assert dialog.notes.rejected.text() == (
        f"{REJECTED_TEXT}\nPago: El importe pagado 1.00 no es el total 2.00")


def test_the_list_says_which_expedientes_are_paid(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    uuids = capture_many(ctx, 3)
    unpaid, paid, cancelled = (_folio_of(ctx, u) for u in uuids)
    ensure_open_caja(ctx)
    register_payment(ctx, SUPERVISOR, paid, "transferencia", "SPEI 77812")
    cancel_folio(ctx, SUPERVISOR, cancelled, "Capturado dos veces")
    window = _expedientes_window(qtbot, make_window, runner)
    model = window.expedientes.model
    assert model.headerData(PAYMENT_COLUMN, Qt.Orientation.Horizontal) == "Pago"

    def shown() -> dict[str, str]:
        return {model.row_at(r).folio: model.index(r, PAYMENT_COLUMN).data()
                for r in range(model.rowCount())}

    assert shown() == {unpaid: "Por pagar", paid: "✓ Pagado", cancelled: "—"}
    row = next(r for r in range(model.rowCount()) if model.row_at(r).folio == paid)
    tip = model.index(row, PAYMENT_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    today = f"{office_time(utc_now(), DEMO_ZONE):%d/%m/%Y}"
    assert tip.startswith("Pagado con Transferencia") and today in tip

    # Paying from the detail updates the list behind it.
    dialog = _open_first(qtbot, window, runner, unpaid)
    qtbot.waitUntil(lambda: dialog.view.payment.button.isVisible(), timeout=15_000)
    qtbot.mouseClick(dialog.view.payment.button, Qt.MouseButton.LeftButton)
    pay = window.findChild(PaymentDialog)
    assert isinstance(pay, PaymentDialog)
    with qtbot.waitSignal(dialog.payment_registered, timeout=10_000):
        qtbot.mouseClick(pay.confirm, Qt.MouseButton.LeftButton)  # efectivo, the first method
    settle(qtbot, runner, window.expedientes.search_pending)
    assert shown()[unpaid] == "✓ Pagado"
    if dialog.view.offer_box is not None:
        dialog.view.offer_box.reject()
    with ctx.write() as session:
        assert session.scalar(select(Expediente.payment_method)
                              .where(Expediente.folio == unpaid)) == "efectivo"
