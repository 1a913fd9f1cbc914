"""The review at the window: the supervisor validates (Ctrl+Shift+V) and returns (Ctrl+Shift+D,
with a required note) an expediente from its detail, and the detail and the list show the new
status; the operador is not offered either; at login the operador is told how many of their
expedientes were returned."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.context import AppContext
from desktop.records.review import return_expediente, validate_expediente
from localdb.models import Expediente, OutboxEntry
from tests.sync.machines import capture_many
from ui.review_dialog import RETURN_ACTION, VALIDATE_ACTION, ReturnDialog
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text
from .test_expediente_detail import SUPERVISOR_NAME
from .test_review_notes import NOTE, _status_shown
from .test_supervisor_ui import SUPERVISOR, _expedientes_window, _folio_of, _open_first

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_supervisor_validates_and_returns_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 2)[0])
    window = _expedientes_window(qtbot, make_window, runner)
    assert _status_shown(window, folio) == "Capturado"
    detail = _open_first(qtbot, window, runner, folio)
    bar = detail.review_bar
    assert bar is not None and bar.isVisible()
    qtbot.waitUntil(detail.isActiveWindow)

    qtbot.keyClick(detail, Qt.Key.Key_V, CTRL_SHIFT)  # Validar
    settle(qtbot, runner, window.expedientes.search_pending)
    qtbot.waitUntil(detail.notes.decision.isVisible)
    assert detail.notes.decision.text().startswith(f"Validado por {SUPERVISOR_NAME} el ")
    assert _status_shown(window, folio) == "Validado"  # the list was refreshed
    assert not bar.validate_button.isEnabled() and bar.return_button.isEnabled()

    qtbot.keyClick(detail, Qt.Key.Key_D, CTRL_SHIFT)  # Devolver…
    dialog = window.findChild(ReturnDialog)
    assert isinstance(dialog, ReturnDialog)
    qtbot.waitUntil(dialog.note.hasFocus)
    assert not dialog.confirm.isEnabled()  # the note is required
    type_text(qtbot, dialog.note, "mal")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    settle(qtbot, runner)
    assert dialog.isVisible()
    assert dialog.message_text() == ("Escriba qué debe corregirse para devolver el expediente "
                                     "(al menos 5 caracteres).")
    assert _status_shown(window, folio) == "Validado"

    dialog.note.clear()
    type_text(qtbot, dialog.note, NOTE)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    settle(qtbot, runner, window.expedientes.search_pending)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: detail.notes.decision.text().startswith("Devuelto"))
    head, note = detail.notes.decision.text().split("\n")
    assert head.startswith(f"Devuelto por {SUPERVISOR_NAME} el ")
    assert note == f"Qué corregir: {NOTE}"
    assert _status_shown(window, folio) == "Devuelto"
    assert bar.validate_button.isEnabled() and not bar.return_button.isEnabled()
    with ctx.read() as session:
        row = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        assert (row.status, row.status_note, row.status_by) == ("devuelto", NOTE, "supervisor")
        reviews = session.scalars(select(OutboxEntry).where(
            OutboxEntry.entity_uuid == row.uuid, OutboxEntry.kind == "expediente.review")).all()
        assert len(reviews) == 2  # the validation, then the devolución


def test_a_refused_validation_is_said_in_spanish_on_the_bar(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    window = _expedientes_window(qtbot, make_window, runner)
    detail = _open_first(qtbot, window, runner, folio)
    bar = detail.review_bar
    assert bar is not None
    validate_expediente(ctx, SUPERVISOR, folio)  # meanwhile, at another window
    qtbot.waitUntil(detail.isActiveWindow)
    qtbot.keyClick(detail, Qt.Key.Key_V, CTRL_SHIFT)
    settle(qtbot, runner)
    qtbot.waitUntil(bar.message.isVisible)
    assert bar.message.text() == f"El folio {folio} ya está validado."
    assert bar.validate_button.isEnabled()  # nothing changed here: it may be tried again


def test_an_operador_is_not_offered_the_review(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    window = _expedientes_window(qtbot, make_window, runner, user=None)
    detail = _open_first(qtbot, window, runner, folio)
    assert detail.review_bar is None
    assert [b for b in detail.findChildren(QPushButton)
            if b.text().startswith((VALIDATE_ACTION, RETURN_ACTION))] == []
    qtbot.waitUntil(detail.isActiveWindow)
    qtbot.keyClick(detail, Qt.Key.Key_V, CTRL_SHIFT)
    qtbot.keyClick(detail, Qt.Key.Key_D, CTRL_SHIFT)
    settle(qtbot, runner, window.expedientes.search_pending)
    assert window.findChild(ReturnDialog) is None
    assert _status_shown(window, folio) == "Capturado"


def test_the_operador_is_told_of_their_devueltos_at_login(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    first, second, third = (_folio_of(ctx, uuid) for uuid in capture_many(ctx, 3))
    supervisor = make_window(user=SUPERVISOR)  # captured none of them
    assert not supervisor.status.returned_label.isVisible()

    return_expediente(ctx, SUPERVISOR, first, NOTE)
    window = make_window()  # the operador logs in
    qtbot.waitUntil(window.status.returned_label.isVisible)
    assert window.status.returned_label.text() == "Tiene 1 expediente devuelto por corregir"

    return_expediente(ctx, SUPERVISOR, second, NOTE)
    validate_expediente(ctx, SUPERVISOR, third)
    again = make_window()
    qtbot.waitUntil(again.status.returned_label.isVisible)
    assert again.status.returned_label.text() == "Tiene 2 expedientes devueltos por corregir"
