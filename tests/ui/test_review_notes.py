"""What the review and the platform decided is shown to every role: the operador's list says
"Devuelto", and the detail says who returned it, when, and what to correct; a platform decision
says it came from the platform, with its note and official folio."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.records.review import return_expediente, validate_expediente
from localdb.models import Expediente
from tests.sync.machines import capture_many
from ui.main_window import MainWindow
from ui.tasks import TaskRunner
from wire.times import office_time, utc_now

from .conftest import WindowFactory
from .test_expediente_detail import SUPERVISOR_NAME, _detail
from .test_supervisor_ui import (
    STATUS_COLUMN,
    SUPERVISOR,
    _expedientes_window,
    _folio_of,
    _open_first,
)

NOTE = "Falta la copia legible de la identificación oficial."


def _status_shown(window: MainWindow, folio: str) -> str:
    model = window.expedientes.model
    [row] = [r for r in range(model.rowCount()) if model.row_at(r).folio == folio]
    return str(model.index(row, STATUS_COLUMN).data())


def test_the_operador_sees_a_devolucion_and_what_to_correct(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    return_expediente(ctx, SUPERVISOR, folio, NOTE)
    window = _expedientes_window(qtbot, make_window, runner, user=None)  # the operador
    assert _status_shown(window, folio) == "Devuelto"

    dialog = _open_first(qtbot, window, runner, folio)
    qtbot.waitUntil(dialog.notes.decision.isVisible)
    today = f"{office_time(utc_now(), 'America/Hermosillo'):%d/%m/%Y}"  # the demo office
    head, note = dialog.notes.decision.text().split("\n")
    assert head.startswith(f"Devuelto por {SUPERVISOR_NAME} el {today} a las ")
    assert note == f"Qué corregir: {NOTE}"
    assert not dialog.notes.cancelled.isVisible()


def test_a_platform_resolution_shows_its_note_and_official_folio(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    folio = _folio_of(ctx, capture_many(ctx, 1)[0])
    validate_expediente(ctx, SUPERVISOR, folio)
    with ctx.write() as session:  # as sync.pull leaves a back-office decision
        session.execute(update(Expediente).where(Expediente.folio == folio).values(
            status="resuelto", status_note="Licencia autorizada", status_by=None,
            status_at=datetime(2026, 3, 4, 16, 30),  # UTC: 09:30 in Hermosillo (UTC-7)
            official_folio="LIC-2026-0077"))

    dialog = _detail(qtbot, ctx, operador, runner, folio)

    qtbot.waitUntil(dialog.notes.decision.isVisible)
    assert dialog.notes.decision.text().split("\n") == [
        "Resuelto por la plataforma (recibido en este equipo el 04/03/2026 a las 09:30).",
        "Nota: Licencia autorizada", "Folio oficial: LIC-2026-0077"]
