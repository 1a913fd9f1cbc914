"""The cash day at the window, by keyboard: open the caja (Ctrl+Shift+A), a payment refused
without one, the corte de caja (Ctrl+Shift+K) counted by denomination with the difference live
and signed by a supervisor's password (an operador's signature is refused) and reprinted
(Ctrl+Shift+R), Cancelar recibo from the expediente detail (offered to a supervisor, not to an
operador), and the supervisor's Cierre del día (Ctrl+Shift+E; refused to an operador)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.cajas import NO_OPEN_CAJA, current_caja
from desktop.records.payments import payment_info, register_payment
from localdb.models import Caja, Recibo
from tests.cajas import ensure_open_caja
from tests.document_fixtures import pdf_text
from tests.sync.machines import capture_many
from ui.caja_dialogs import CancelReciboDialog, CierreDialog, CorteDialog, OpenCajaDialog
from ui.main_window import MainWindow
from ui.payment_dialog import PaymentDialog
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text
from .test_supervisor_ui import SUPERVISOR, SUPERVISOR_PASSWORD, _expedientes_window, _open_first

OPERADOR_PASSWORD = "operador123"  # the demo office's (published in the README)


def _folio(ctx: AppContext) -> str:
    from .test_supervisor_ui import _folio_of
    return _folio_of(ctx, capture_many(ctx, 1)[0])


D = TypeVar("D", bound=QDialog)


def _dialog(window: MainWindow, kind: type[D]) -> D:
    [dialog] = [d for d in window.findChildren(kind) if d.isVisible()]
    return dialog


def _type_count(qtbot: QtBot, spin: QSpinBox, pieces: int) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, str(pieces))


def test_operador_opens_the_caja_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(window, OpenCajaDialog)
    qtbot.waitUntil(dialog.fondo.hasFocus)
    type_text(qtbot, dialog.fondo, "500.5")
    with qtbot.waitSignal(dialog.caja_opened, timeout=10_000):
        qtbot.keyClick(dialog.fondo, Qt.Key.Key_Return)
    caja = current_caja(ctx)
    assert caja is not None and caja.fondo == Decimal("500.50")
    assert caja.opened_by == "operador"

    again = window.open_caja()  # a second caja while one is open is refused
    assert again is not None
    type_text(qtbot, again.fondo, "100")
    qtbot.keyClick(again.fondo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(again.message_text()), timeout=10_000)
    assert again.message_text().startswith("Ya hay una caja abierta")
    again.reject()


def test_a_payment_without_an_open_caja_says_what_to_do(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio(ctx)
    window = _expedientes_window(qtbot, make_window, runner, user=None)
    expediente = _open_first(qtbot, window, runner, folio)
    qtbot.waitUntil(expediente.view.payment.button.isVisible)
    expediente.view.payment.button.setFocus()
    qtbot.keyClick(expediente.view.payment.button, Qt.Key.Key_Space)
    dialog = _dialog(window, PaymentDialog)
    qtbot.keyClick(dialog.method, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.message_text()), timeout=10_000)
    assert dialog.message_text() == NO_OPEN_CAJA
    assert not payment_info(ctx, folio).paid
    dialog.reject()


def _counted_corte(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> CorteDialog:
    qtbot.keyClick(window, Qt.Key.Key_K,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(window, CorteDialog)
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
    _type_count(qtbot, dialog.counts["billete_500"], 3)
    _type_count(qtbot, dialog.counts["moneda_0.50"], 3)
    return dialog


def test_corte_by_keyboard_shows_the_difference_live_and_a_supervisor_signs(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio(ctx)
    ensure_open_caja(ctx, "200.00")
    paid = register_payment(ctx, SUPERVISOR, folio, "efectivo")
    expected = Decimal("200.00") + paid.total
    window = make_window()  # the operador counts
    dialog = _counted_corte(qtbot, window, runner)
    assert dialog.counted() == Decimal("1501.50")
    difference = Decimal("1501.50") - expected
    assert dialog.difference() == difference
    assert f"Diferencia <b>{'-' if difference < 0 else ''}$" in dialog.balance.text()

    dialog.supervisor.setFocus()
    type_text(qtbot, dialog.supervisor, "operador")  # an operador cannot sign
    qtbot.keyClick(dialog.supervisor, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    type_text(qtbot, dialog.password, OPERADOR_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.message_text()), timeout=10_000)
    assert "no tiene permiso para firmar el corte de caja" in dialog.message_text()
    assert current_caja(ctx) is not None

    dialog.supervisor.selectAll()
    type_text(qtbot, dialog.supervisor, "supervisor")
    dialog.password.setFocus()
    type_text(qtbot, dialog.password, SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.corte_signed, timeout=15_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert current_caja(ctx) is None
    with ctx.read() as session:
        caja = session.scalars(select(Caja)).one()
        assert (caja.counted_by, caja.signed_by) == ("operador", "supervisor")
        assert caja.counted_centavos == 150150
    assert dialog.pdf_path is not None
    text = pdf_text(dialog.pdf_path.read_bytes())
    assert "Corte de caja" in text and paid.recibo_folio in text
    assert "Supervisor: supervisor" in text and "REIMPRESIÓN" not in text
    settle(qtbot, runner)

    window.activateWindow()  # the dialog is gone: the window has the keyboard again
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_R,  # reprint: a new copy, marked, the corte unchanged
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    reprint = dialog.pdf_path.with_name(f"{dialog.pdf_path.stem}-reimpresion-1.pdf")
    qtbot.waitUntil(reprint.exists, timeout=10_000)
    settle(qtbot, runner)
    assert "REIMPRESIÓN 1" in pdf_text(reprint.read_bytes())
    assert window.status.currentMessage() == f"Corte reimpreso en {reprint}"


def test_supervisor_cancels_a_recibo_by_keyboard_an_operador_is_not_offered_it(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio(ctx)
    ensure_open_caja(ctx)
    paid = register_payment(ctx, SUPERVISOR, folio, "efectivo")
    operador_window = _expedientes_window(qtbot, make_window, runner, user=None)
    seen = _open_first(qtbot, operador_window, runner, folio)
    qtbot.waitUntil(seen.view.payment.state.isVisible)
    assert not seen.view.payment.cancel_recibo.isVisible()
    seen.close()

    window = _expedientes_window(qtbot, make_window, runner)
    expediente = _open_first(qtbot, window, runner, folio)
    box = expediente.view.payment
    qtbot.waitUntil(box.cancel_recibo.isVisible)
    assert paid.recibo_folio is not None and paid.recibo_folio in box.state.text()
    box.cancel_recibo.setFocus()
    qtbot.keyClick(box.cancel_recibo, Qt.Key.Key_Space)
    dialog = _dialog(window, CancelReciboDialog)
    qtbot.waitUntil(dialog.reason.hasFocus)
    type_text(qtbot, dialog.reason, "Cobro duplicado")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    type_text(qtbot, dialog.password, SUPERVISOR_PASSWORD)
    with qtbot.waitSignal(dialog.recibo_cancelled, timeout=15_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.cancel_recibo.isVisible())
    assert box.button.isVisible()  # unpaid again: payable, or its folio may now be cancelled
    with ctx.read() as session:
        recibo = session.get_one(Recibo, paid.recibo_folio)
        assert (recibo.cancel_reason, recibo.cancelled_by) == ("Cobro duplicado", "supervisor")
    assert not payment_info(ctx, folio).paid
    settle(qtbot, runner)


def test_an_admin_may_open_a_caja(qtbot: QtBot, make_window: WindowFactory, ctx: AppContext,
                                  runner: TaskRunner) -> None:
    admin = CurrentUser("admin", "Administración (DEMO)", Role.ADMIN)
    window = make_window(user=admin)
    dialog = window.open_caja()
    assert dialog is not None
    field: QLineEdit = dialog.fondo
    type_text(qtbot, field, "0")
    with qtbot.waitSignal(dialog.caja_opened, timeout=10_000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert current_caja(ctx) is not None


def test_supervisor_cierre_del_dia_warns_then_saves_by_keyboard_an_operador_is_refused(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    ensure_open_caja(ctx)
    operador = make_window()
    assert operador.findChild(QPushButton, "cierreButton") is None
    qtbot.keyClick(operador, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    refused = _dialog(operador, CierreDialog)
    qtbot.waitUntil(lambda: bool(refused.message_text()), timeout=10_000)
    assert "no tiene permiso para hacer el cierre del día" in refused.message_text()
    assert refused.data is None and not refused.confirm.isEnabled()
    refused.reject()
    operador.close()

    window = make_window(user=SUPERVISOR)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(window, CierreDialog)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10_000)
    assert dialog.warnings.text().startswith("⚠ Ventanilla V01: la caja sigue abierta")
    with qtbot.waitSignal(dialog.cierre_saved, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.pdf_path is not None
    text = " ".join(pdf_text(dialog.pdf_path.read_bytes()).split())
    assert "Cierre del día" in text and "Ventanilla V01: la caja sigue abierta" in text
    settle(qtbot, runner)


def test_the_caja_dialogs_keep_the_office_clock_and_date(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 23:30 on 15 July 2026 in Hermosillo (the demo office, UTC-7) is already the 16th in UTC.
    late = datetime(2026, 7, 16, 6, 30)
    monkeypatch.setattr("desktop.records.cajas.utc_now", lambda: late, raising=False)
    monkeypatch.setattr("desktop.clock.utc_now", lambda: late)
    ensure_open_caja(ctx)
    window = make_window(user=SUPERVISOR)
    corte = window.open_corte()
    assert corte is not None
    qtbot.waitUntil(lambda: corte.state is not None, timeout=10_000)
    assert "Caja abierta por cajero el 15/07/2026 23:30." in corte.summary.text()
    corte.reject()
    cierre = window.open_cierre()
    assert cierre is not None
    qtbot.waitUntil(lambda: cierre.data is not None, timeout=10_000)
    assert cierre.data is not None and cierre.data.day == date(2026, 7, 15)  # the office's day
    assert "abierta por cajero el 15/07/2026 23:30" in cierre.warnings.text()
    cierre.reject()
    settle(qtbot, runner)
