"""The supervisor's queues: expedientes filtered by status and by where they stand with the
platform, in SQL; and a cancellation that makes a sent expediente pending again."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio, count_expedientes, page_expedientes
from desktop.states import EnvioState
from localdb.models import Expediente, OutboxEntry
from tests.factories import archivo_campos, valid_answers

OPERADOR = CurrentUser("operador", "Ana Lucía Valenzuela (DEMO)", Role.OPERADOR)
SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez (DEMO)", Role.SUPERVISOR)


def _capture(ctx: AppContext, nombre: str) -> str:
    with ctx.write() as s:
        tramite = next(get_tramite(s, t.homoclave) for t in search_tramites(s, "")
                       if not archivo_campos(get_tramite(s, t.homoclave)))
        patron = current_bundle(s).clave_catastral_patron
    request = CaptureRequest(homoclave=tramite.homoclave,
                             answers=valid_answers(tramite, patron, nombre),
                             requisitos=[RequisitoAnswer(r.clave, True)
                                         for r in tramite.requisitos])
    return capture_expediente(ctx, OPERADOR, request).folio


def _mark(ctx: AppContext, folio: str, outbox_state: str, sync_state: str) -> None:
    """What a push records: the outbox row acked or rejected, the expediente's sync_state."""
    with ctx.write() as s:
        uuid = s.scalars(select(Expediente.uuid).where(Expediente.folio == folio)).one()
        s.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == uuid)
                  .values(state=outbox_state))
        s.execute(update(Expediente).where(Expediente.uuid == uuid)
                  .values(sync_state=sync_state))


@pytest.fixture
def queues(demo_ctx: AppContext) -> dict[str, str]:
    folios = {name: _capture(demo_ctx, f"{name} Pérez López")
              for name in ("Pendiente", "Enviado", "Rechazado", "Cancelado")}
    _mark(demo_ctx, folios["Enviado"], "acked", "sincronizado")
    _mark(demo_ctx, folios["Rechazado"], "rejected", "rechazado")
    _mark(demo_ctx, folios["Cancelado"], "acked", "sincronizado")
    cancel_folio(demo_ctx, SUPERVISOR, folios["Cancelado"], "Datos del predio equivocados")
    return folios


def _folios(ctx: AppContext, **filters: str) -> set[str]:
    with ctx.write() as s:
        rows = page_expedientes(s, **filters)  # type: ignore[arg-type]
        assert count_expedientes(s, **filters) == len(rows)  # type: ignore[arg-type]
    return {r.folio for r in rows}


def test_sync_state_filters_pick_each_queue(demo_ctx: AppContext,
                                            queues: dict[str, str]) -> None:
    assert _folios(demo_ctx, sync_state="pendiente") == {queues["Pendiente"],
                                                         queues["Cancelado"]}
    assert _folios(demo_ctx, sync_state="rechazado") == {queues["Rechazado"]}
    assert _folios(demo_ctx, sync_state=EnvioState.SINCRONIZADO) == {queues["Enviado"]}
    assert _folios(demo_ctx, sync_state="demo") == set()
    assert len(_folios(demo_ctx)) == 4


def test_status_and_sync_filters_combine_with_search(demo_ctx: AppContext,
                                                     queues: dict[str, str]) -> None:
    assert _folios(demo_ctx, status="anulado") == {queues["Cancelado"]}
    assert _folios(demo_ctx, status="capturado", sync_state="pendiente") == {queues["Pendiente"]}
    assert _folios(demo_ctx, status="anulado", sync_state=EnvioState.SINCRONIZADO) == set()
    assert _folios(demo_ctx, search="rechazado", sync_state="rechazado") == {
        queues["Rechazado"]}
    assert _folios(demo_ctx, search="enviado", sync_state="rechazado") == set()


def test_a_refused_cancellation_moves_a_sent_expediente_to_the_rejected_queue(
    demo_ctx: AppContext, queues: dict[str, str],
) -> None:
    with demo_ctx.write() as s:  # the creation went through, the cancellation was refused
        uuid = s.scalars(select(Expediente.uuid)
                         .where(Expediente.folio == queues["Cancelado"])).one()
        s.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == uuid,
                                            OutboxEntry.kind == "expediente.void")
                  .values(state="rejected"))
        s.execute(update(Expediente).where(Expediente.uuid == uuid)
                  .values(sync_state="rechazado"))
    assert _folios(demo_ctx, sync_state="rechazado") == {queues["Rechazado"],
                                                         queues["Cancelado"]}
    assert _folios(demo_ctx, sync_state="pendiente") == {queues["Pendiente"]}
    assert _folios(demo_ctx, sync_state=EnvioState.SINCRONIZADO) == {queues["Enviado"]}


def test_a_pending_mutation_keeps_a_sent_expediente_in_the_pending_queue(
    demo_ctx: AppContext, queues: dict[str, str],
) -> None:
    with demo_ctx.write() as s:  # another kind of change (a payment…) not sent yet
        uuid = s.scalars(select(Expediente.uuid)
                         .where(Expediente.folio == queues["Enviado"])).one()
        s.add(OutboxEntry(kind="expediente.otro", entity_uuid=uuid, payload="{}",
                          sha256="0" * 64, created_at=datetime.now()))
    assert queues["Enviado"] in _folios(demo_ctx, sync_state="pendiente")
    assert _folios(demo_ctx, sync_state=EnvioState.SINCRONIZADO) == set()


def test_cancelling_a_sent_expediente_makes_it_pending_again(
    demo_ctx: AppContext, queues: dict[str, str],
) -> None:
    with demo_ctx.write() as s:
        row = s.scalars(select(Expediente).where(Expediente.folio == queues["Cancelado"])).one()
        assert (row.status, row.sync_state) == ("anulado", "pendiente")
        assert row.cancel_reason == "Datos del predio equivocados"
        kinds = {o.kind: o.state for o in s.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_uuid == row.uuid))}
    assert kinds == {"expediente.create": "acked", "expediente.void": "pending"}


def test_cancelling_a_demo_capture_after_enrolling_sends_nothing(
    demo_ctx: AppContext, queues: dict[str, str],
) -> None:
    with demo_ctx.write() as s:  # what enrolling leaves of a demo capture
        uuid = s.scalars(select(Expediente.uuid)
                         .where(Expediente.folio == queues["Pendiente"])).one()
        s.execute(delete(OutboxEntry).where(OutboxEntry.entity_uuid == uuid))
        s.execute(update(Expediente).where(Expediente.uuid == uuid).values(sync_state="demo"))
    assert _folios(demo_ctx, sync_state="demo") == {queues["Pendiente"]}
    cancel_folio(demo_ctx, SUPERVISOR, queues["Pendiente"], "Era una prueba")
    with demo_ctx.write() as s:
        row = s.get_one(Expediente, uuid)
        assert (row.status, row.sync_state) == ("anulado", "demo")
        assert s.scalars(select(OutboxEntry).where(OutboxEntry.entity_uuid == uuid)).all() == []


def test_an_unknown_sync_filter_is_a_programming_error(demo_ctx: AppContext) -> None:
    with demo_ctx.write() as s, pytest.raises(ValueError):
        page_expedientes(s, sync_state="quizas")
