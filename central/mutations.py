"""Applying one mutation of a push: expediente.create, expediente.void, expediente.amend.

A mutation that can never succeed (wrong hash, bad payload, folio taken by another expediente,
unknown expediente) is *rejected*: recorded and skipped, so one poison record never blocks the
machine's queue. An expediente whose attachments were not uploaded yet is still *applied* (the
captured data is never refused for that) with a warning in `error`; the client uploads the blobs
with PUT /v1/attachments, which is idempotent, and the gap is visible on the platform.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import CursorResult, or_, select
from sqlalchemy.orm import Session

from central.changes import PendingChange
from central.db import Database
from central.models import Amendment, Attachment, Expediente, table_of, utc_now
from sync.protocol import ExpedientePayload, Mutation, ResultStatus, payload_sha256

Outcome = tuple[ResultStatus, str | None]


@dataclass
class ApplyContext:
    db: Database
    session: Session
    machine_id: str
    office: str
    changes: list[PendingChange] = field(default_factory=list)


class VoidPayload(BaseModel):
    uuid: str
    reason: str = ""


class AmendPayload(BaseModel):
    uuid: str
    changes: dict[str, Any]
    reason: str = ""


def validation_summary(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    more = f" (y {exc.error_count() - 1} más)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def apply_mutation(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    if mutation.sha256 != payload_sha256(mutation.payload):
        return "rejected", "sha256 no coincide con el contenido de la mutación"
    if mutation.payload.get("uuid") != mutation.entity_uuid:
        return "rejected", "entity_uuid no coincide con el uuid del contenido"
    return _HANDLERS[mutation.kind](ctx, mutation)


def status_data(row: Expediente) -> dict[str, Any]:
    return {
        "uuid": row.uuid, "folio": row.folio, "status": row.status,
        "note": row.note, "official_folio": row.official_folio,
    }


def _create(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    try:
        payload = ExpedientePayload.model_validate(mutation.payload)
    except ValidationError as exc:
        return "rejected", f"contenido inválido: {validation_summary(exc)}"
    unhashed = {k: v for k, v in mutation.payload.items() if k != "content_sha256"}
    if payload_sha256(unhashed) != payload.content_sha256:
        return "rejected", "content_sha256 no coincide con el contenido del expediente"
    clash = _existing(ctx.session, payload)
    if clash is not None:
        return clash
    inserted = ctx.session.execute(
        ctx.db.insert_ignore(table_of(Expediente), "uuid").values(
            uuid=payload.uuid, folio=payload.folio, office=ctx.office,
            machine_id=ctx.machine_id, tramite_homoclave=payload.tramite_homoclave,
            total=payload.total, payload=mutation.payload,
            content_sha256=payload.content_sha256, status="recibido", received_at=utc_now(),
        )
    )
    # Second guard: a concurrent writer stored the same uuid between the check and the insert.
    if cast(CursorResult[Any], inserted).rowcount == 0:
        return "duplicate", "el expediente ya estaba registrado"
    ctx.changes.append(
        PendingChange("expediente.record", payload.uuid, mutation.payload, ctx.machine_id)
    )
    return "applied", _missing_attachments(ctx.session, payload)


def _existing(session: Session, payload: ExpedientePayload) -> Outcome | None:
    rows = session.execute(
        select(Expediente.uuid, Expediente.content_sha256).where(
            or_(Expediente.uuid == payload.uuid, Expediente.folio == payload.folio)
        )
    ).all()
    for row in rows:
        if row.uuid != payload.uuid:
            return "rejected", f"el folio {payload.folio} ya está registrado con otro expediente"
        if row.content_sha256 != payload.content_sha256:
            return "rejected", "el expediente ya está registrado con otro contenido"
        return "duplicate", "el expediente ya estaba registrado"
    return None


def _missing_attachments(session: Session, payload: ExpedientePayload) -> str | None:
    wanted = {a.sha256 for a in payload.attachments}
    if not wanted:
        return None
    present = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(wanted))))
    missing = sorted(wanted - present)
    if not missing:
        return None
    return "aplicado; faltan adjuntos por subir: " + ", ".join(m[:12] for m in missing)


def _office_expediente(ctx: ApplyContext, uuid: str) -> Expediente | None:
    row = ctx.session.scalars(
        ctx.db.for_update(select(Expediente).where(Expediente.uuid == uuid))
    ).one_or_none()
    return row if row is not None and row.office == ctx.office else None


def _void(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    try:
        void = VoidPayload.model_validate(mutation.payload)
    except ValidationError as exc:
        return "rejected", f"contenido inválido: {validation_summary(exc)}"
    row = _office_expediente(ctx, void.uuid)
    if row is None:
        return "rejected", "expediente desconocido en la oficina"
    if row.status != "anulado":
        row.status, row.note = "anulado", void.reason
        ctx.changes.append(
            PendingChange("expediente.status", row.uuid, status_data(row), ctx.machine_id)
        )
    return "applied", None


def _amend(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    try:
        amend = AmendPayload.model_validate(mutation.payload)
    except ValidationError as exc:
        return "rejected", f"contenido inválido: {validation_summary(exc)}"
    if _office_expediente(ctx, amend.uuid) is None:
        return "rejected", "expediente desconocido en la oficina"
    ctx.session.add(
        Amendment(
            expediente_uuid=amend.uuid, machine_id=ctx.machine_id,
            mutation_id=mutation.mutation_id, payload=mutation.payload,
        )
    )
    return "applied", None


_HANDLERS: dict[str, Callable[[ApplyContext, Mutation], Outcome]] = {
    "expediente.create": _create,
    "expediente.void": _void,
    "expediente.amend": _amend,
}
