"""What a supervisor does at the window: cancel a folio with a reason and their password again
(an operador is not offered it; a paid folio is refused) and review the queues (pendientes de
envío, rechazados por la plataforma, cancelados)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.expedientes import PAID_CANNOT_CANCEL, cancel_folio
from desktop.records.payments import register_payment
from desktop.states import EnvioState
from localdb.models import Expediente, OutboxEntry
from tests.cajas import ensure_open_caja
from tests.sync.machines import capture_many
from ui.cancel_dialog import CANCEL_ACTION, CancelDialog
from ui.expediente_dialog import ExpedienteDialog
from ui.expediente_notes import CANCELLED_TEXT
from ui.main_window import EXPEDIENTES, MainWindow
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text

SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez (DEMO)", Role.SUPERVISOR)
STATUS_COLUMN, SYNC_COLUMN = 6, 7
SUPERVISOR_PASSWORD = "supervisor123"  # the demo office's (published in the README)
LOCAL_ONLY = "Solo en este equipo"  # a demo office's "pendiente": there is no platform


def _listed(window: MainWindow) -> dict[str, tuple[str, str]]:
    """Folio -> (Estado, Envío) as the table shows them."""
    model = window.expedientes.model
    return {model.row_at(r).folio: (model.index(r, STATUS_COLUMN).data(),
                                    model.index(r, SYNC_COLUMN).data())
            for r in range(model.rowCount())}


def _show_expedientes(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> None:
    window.go(EXPEDIENTES)
    settle(qtbot, runner, window.expedientes.search_pending)


def _expedientes_window(qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
                        user: CurrentUser | None = SUPERVISOR) -> MainWindow:
    """A fresh window for `user` (None: the operador) showing the expedientes list."""
    window = make_window(user=user)
    _show_expedientes(qtbot, window, runner)
    return window


def _open_first(qtbot: QtBot, window: MainWindow, runner: TaskRunner,
                folio: str) -> ExpedienteDialog:
    """Pick the folio's row in the table with the keyboard and open it with Enter."""
    table = window.expedientes.table
    table.setFocus()
    row = next(r for r in range(window.expedientes.model.rowCount())
               if window.expedientes.model.row_at(r).folio == folio)
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    settle(qtbot, runner)
    [dialog] = [d for d in window.findChildren(ExpedienteDialog) if d.isVisible()]
    return dialog


def _folio_of(ctx: AppContext, uuid: str) -> str:
    with ctx.write() as session:
        return session.scalars(select(Expediente.folio).where(Expediente.uuid == uuid)).one()


def test_supervisor_cancels_a_folio_with_a_reason(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 2)[0])
    window = _expedientes_window(qtbot, make_window, runner)
    assert _listed(window)[folio] == ("Capturado", LOCAL_ONLY)
    expediente = _open_first(qtbot, window, runner, folio)
    bar = expediente.cancel_bar
    assert bar is not None and bar.button.isVisible() and bar.button.text() == CANCEL_ACTION

    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(CancelDialog)
    assert isinstance(dialog, CancelDialog)
    qtbot.waitUntil(dialog.reason.hasFocus)
    assert not dialog.confirm.isEnabled()  # the reason is mandatory
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.busy

    type_text(qtbot, dialog.reason, "mal")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.message.text() == ("Escriba el motivo de la cancelación (al menos 5 "
                                     "caracteres).")
    assert dialog.isVisible()

    dialog.reason.clear()
    type_text(qtbot, dialog.reason, "Datos del predio equivocados")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # on to the password
    qtbot.waitUntil(dialog.password.hasFocus)
    assert not dialog.confirm.isEnabled()  # the password is mandatory too

    type_text(qtbot, dialog.password, "no-es-la-clave")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.isVisible()
    assert dialog.message.text() == "Usuario o contraseña incorrectos. Le quedan 4 intentos."
    assert _listed(window)[folio] == ("Capturado", LOCAL_ONLY)
    qtbot.waitUntil(dialog.password.hasFocus)

    type_text(qtbot, dialog.password, SUPERVISOR_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner, window.expedientes.search_pending)
    assert not dialog.isVisible()
    assert not bar.isVisible()
    qtbot.waitUntil(expediente.notes.cancelled.isVisible)
    assert expediente.notes.cancelled.text().startswith(CANCELLED_TEXT)
    assert _listed(window)[folio] == ("Cancelado", LOCAL_ONLY)  # the list was refreshed
    with ctx.write() as session:
        row = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        assert (row.status, row.cancel_reason) == ("anulado", "Datos del predio equivocados")
        mutation = session.scalars(select(OutboxEntry).where(
            OutboxEntry.entity_uuid == row.uuid, OutboxEntry.kind == "expediente.void")).one()
        assert mutation.state == "pending"

    expediente.close()
    again = _open_first(qtbot, window, runner, folio)  # a cancelled folio offers no action
    assert again.cancel_bar is not None and not again.cancel_bar.isVisible()
    assert again.notes.cancelled.isVisible()
    assert again.notes.cancelled.text().startswith(CANCELLED_TEXT)


def test_a_paid_folio_is_refused_until_its_recibo_is_cancelled(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    ensure_open_caja(ctx)
    register_payment(ctx, SUPERVISOR, folio, "efectivo")
    window = _expedientes_window(qtbot, make_window, runner)
    expediente = _open_first(qtbot, window, runner, folio)
    assert expediente.cancel_bar is not None
    dialog = expediente.cancel_bar.ask()
    qtbot.waitUntil(dialog.reason.hasFocus)
    type_text(qtbot, dialog.reason, "El solicitante se arrepintió")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    type_text(qtbot, dialog.password, SUPERVISOR_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.isVisible()
    assert dialog.message.text() == PAID_CANNOT_CANCEL.format(folio=folio)
    assert _listed(window)[folio] == ("Capturado", LOCAL_ONLY)
    dialog.reject()


def test_an_operador_is_not_offered_cancelling(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    window = _expedientes_window(qtbot, make_window, runner, user=None)
    expediente = _open_first(qtbot, window, runner, folio)
    assert expediente.cancel_bar is None
    assert [b for b in expediente.findChildren(QPushButton) if b.text() == CANCEL_ACTION] == []


@pytest.fixture
def queues(ctx: AppContext) -> dict[str, str]:
    """Four expedientes, one per queue, as sync and a supervisor leave them."""
    names = ("pendiente", "enviado", "rechazado", "cancelado")
    folios = dict(zip(names, (_folio_of(ctx, u) for u in capture_many(ctx, 4)), strict=True))
    with ctx.write() as session:
        for name, outbox, sync_state in (("enviado", "acked", "sincronizado"),
                                         ("rechazado", "rejected", "rechazado")):
            uuid = select(Expediente.uuid).where(Expediente.folio == folios[name])
            session.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid.in_(uuid))
                            .values(state=outbox))
            session.execute(update(Expediente).where(Expediente.folio == folios[name])
                            .values(sync_state=sync_state))
    cancel_folio(ctx, SUPERVISOR, folios["cancelado"], "Capturado dos veces")
    return folios


def test_supervisor_filters_the_list_by_queue(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner, queues: dict[str, str],
) -> None:
    window = _expedientes_window(qtbot, make_window, runner)
    view = window.expedientes
    assert len(_listed(window)) == 4

    def choose(status: str | None, sync_state: str | None) -> dict[str, tuple[str, str]]:
        view.filters.choose(status, sync_state)
        settle(qtbot, runner, view.search_pending)
        return _listed(window)

    assert choose(None, "rechazado") == {queues["rechazado"]: ("Capturado", "Rechazado")}
    assert view.count_label.text() == "1 expediente"
    assert set(choose(None, "pendiente")) == {queues["pendiente"], queues["cancelado"]}
    assert set(choose(None, EnvioState.SINCRONIZADO)) == {queues["enviado"]}
    assert choose("anulado", None) == {queues["cancelado"]: ("Cancelado", LOCAL_ONLY)}
    assert choose("anulado", "rechazado") == {}
    assert view.count_label.text() == "0 expedientes"
    assert len(choose(None, None)) == 4

    # Keyboard: Alt+V reaches the envío list, the arrows pick a queue.
    qtbot.keyClick(view.search_box, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert view.filters.sync_box.hasFocus()
    qtbot.keyClick(view.filters.sync_box, Qt.Key.Key_Down)
    settle(qtbot, runner, view.search_pending)
    assert view.filters.sync_state() == "pendiente"
    assert set(_listed(window)) == {queues["pendiente"], queues["cancelado"]}

    # The search narrows within the queue.
    type_text(qtbot, view.search_box, "Persona Número 3")
    settle(qtbot, runner, view.search_pending)
    assert set(_listed(window)) == {queues["cancelado"]}
