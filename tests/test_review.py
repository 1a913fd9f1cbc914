"""Validar / devolver at the window: permission-checked for every role, one transaction with its
audit entry and outbox mutation, refusals in Spanish that write nothing, nothing queued on a demo
office."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.access.permissions import CurrentUser, Role
from desktop.errors import PermissionDenied, VentanillaError
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import cancel_folio, count_returned
from desktop.records.review import (
    REVIEW_ACTIONS,
    REVIEW_KIND,
    return_expediente,
    validate_expediente,
)
from localdb.models import AuditEntry, Expediente, OutboxEntry, SyncState
from tests.document_fixtures import FOLIO, Office
from wire.payloads import ReviewPayload
from wire.times import as_utc

USERS = {role: CurrentUser(role.value, f"Usuario {role.value}", role) for role in Role}
NOTE = "Falta la copia legible de la identificación oficial."


def _state(office: Office) -> tuple[Any, ...]:
    with office.ctx.read() as s:
        row = s.scalars(select(Expediente)).one()
        outbox = [(m.mutation_id, m.kind, m.payload) for m in s.scalars(select(OutboxEntry))]
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
        return row.status, row.status_note, row.status_by, row.status_at, outbox, audits


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("decision", ["validado", "devuelto"])
def test_each_role_may_review_or_is_refused(office: Office, role: Role, decision: str) -> None:
    user = USERS[role]
    act = validate_expediente if decision == "validado" else return_expediente
    if role == Role.OPERADOR:
        with pytest.raises(PermissionDenied, match="Operador no tiene permiso para validar o "
                                                   "devolver"):
            act(office.ctx, user, FOLIO, NOTE)
        assert _state(office)[:5] == ("capturado", None, None, None, [])
        return
    act(office.ctx, user, FOLIO, NOTE)
    status, note, by, at, [(_, kind, queued)], _ = _state(office)
    assert (status, note, by) == (decision, NOTE, user.username)
    payload = ReviewPayload.model_validate_json(queued)
    assert (kind, payload.decision, payload.note, payload.reviewed_by,
            payload.reviewed_at) == (REVIEW_KIND, decision, NOTE, user.username, as_utc(at))
    with office.ctx.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert verify_chain(s).ok
    assert (entry.actor, entry.action, entry.entity, entry.detail) == (
        user.username, REVIEW_ACTIONS[decision], FOLIO, {"nota": NOTE})  # type: ignore[index]


def test_validar_needs_no_note_and_sends_an_empty_one(office: Office) -> None:
    validate_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO)
    status, note, _, _, [(_, _, queued)], _ = _state(office)
    assert (status, note) == ("validado", None)
    assert json.loads(queued)["note"] == ""


@pytest.mark.parametrize("note", ["", "   ", "mal"])
def test_devolver_needs_a_note(office: Office, note: str) -> None:
    before = _state(office)
    with pytest.raises(VentanillaError, match="Escriba qué debe corregirse"):
        return_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO, note)
    assert _state(office) == before


def test_a_cancelled_folio_cannot_be_reviewed(office: Office) -> None:
    cancel_folio(office.ctx, USERS[Role.SUPERVISOR], FOLIO, "Captura duplicada")
    before = _state(office)
    with pytest.raises(VentanillaError, match="está cancelado; no se puede revisar"):
        validate_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO)
    assert _state(office) == before


@pytest.mark.parametrize(("status", "says"), [("resuelto", "ya fue resuelto"),
                                              ("rechazado", "ya fue rechazado")])
def test_a_folio_the_platform_decided_cannot_be_reviewed(office: Office, status: str,
                                                         says: str) -> None:
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().status = status
    with pytest.raises(VentanillaError, match=says):
        return_expediente(office.ctx, USERS[Role.ADMIN], FOLIO, NOTE)
    assert _state(office)[4] == []


def test_the_same_decision_twice_is_refused_but_devolver_after_validar_is_not(
        office: Office) -> None:
    supervisor = USERS[Role.SUPERVISOR]
    validate_expediente(office.ctx, supervisor, FOLIO)
    with pytest.raises(VentanillaError, match="ya está validado"):
        validate_expediente(office.ctx, supervisor, FOLIO)
    return_expediente(office.ctx, supervisor, FOLIO, NOTE)
    assert _state(office)[0] == "devuelto" and len(_state(office)[4]) == 2


def test_a_folio_of_another_office_cannot_be_reviewed(office: Office) -> None:
    with office.ctx.write() as s:
        s.get_one(SyncState, 1).oficina = "OTRA"
    with pytest.raises(VentanillaError, match="no es de la oficina OTRA"):
        validate_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO)


def test_review_on_a_demo_office_stays_on_this_machine(office: Office) -> None:
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().sync_state = "demo"
    return_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO, NOTE)
    status, note, _, _, outbox, _ = _state(office)
    assert (status, note, outbox) == ("devuelto", NOTE, [])
    with office.ctx.read() as s:
        assert s.scalars(select(Expediente.sync_state)).one() == "demo"


def test_review_of_a_synced_expediente_makes_it_pending_again(office: Office) -> None:
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().sync_state = "sincronizado"
    validate_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO)
    with office.ctx.read() as s:
        assert s.scalars(select(Expediente.sync_state)).one() == "pendiente"


def test_count_returned_counts_the_capturers_devueltos(office: Office) -> None:
    with office.ctx.read() as s:
        capturer = s.scalars(select(Expediente)).one().created_by
        assert count_returned(s, capturer) == 0
    return_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO, NOTE)
    with office.ctx.read() as s:
        assert count_returned(s, capturer) == 1
        assert count_returned(s, "otro_operador") == 0
    validate_expediente(office.ctx, USERS[Role.SUPERVISOR], FOLIO)
    with office.ctx.read() as s:
        assert count_returned(s, capturer) == 0
