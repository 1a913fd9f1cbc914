"""Applying the mutations of one push: expediente.create, .void, .amend, .payment and .review,
recibo.cancel and caja.corte.

A mutation that can never succeed (wrong hash, a payload or sender breaking the rules of
central/mutation_checks.py, folio taken by another expediente, unknown expediente) is *rejected*:
recorded and skipped, so one poison record never blocks the machine's queue. An expediente whose
attachments the office has not uploaded yet is still *applied* (the captured data is never refused
for that) with a warning in `error` and their hashes in the result's `missing_attachments`; the
window uploads them with PUT /v1/attachments, which is idempotent, and keeps the expediente not
synced until the platform's receipt confirms them.

For speed a batch is checked against one prefetch of the uuids, folios and blobs it mentions,
and its new expedientes are written with one executemany (`flush`), before anything that reads
them (a void or amend) and at the end of the batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central import json_text
from central.attachments import held_by_office
from central.bulk_insert import insert_rows
from central.catalog import TramiteVersion, known_tramite_versions
from central.changes import PendingChange
from central.db import Database
from central.models import Amendment, Corte, Expediente, Recibo, table_of, utc_now
from central.mutation_checks import (
    Sender,
    corte_refusal,
    create_refusal,
    parse_payload,
    payment_refusal,
    recibo_refusal,
    review_refusal,
)
from central.office_clock import stored_instant
from central.sanitize import json_has_nul
from wire.canonical import canonical_split
from wire.payloads import (
    AmendPayload,
    CortePayload,
    ExpedientePayload,
    PaymentPayload,
    ReciboCancelPayload,
    ReviewPayload,
    VoidPayload,
)
from wire.protocol import FOLIO_TAKEN, Mutation, ResultStatus
from wire.times import as_utc

Outcome = tuple[ResultStatus, str | None]


class ConcurrentInsert(Exception):
    """Another transaction stored one of our uuids after the prefetch: retry the whole push."""


@dataclass
class ApplyContext:
    db: Database
    session: Session
    sender: Sender
    changes: list[PendingChange] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # uuid → content_sha256
    folios: dict[str, str] = field(default_factory=dict)  # folio → uuid
    blobs: set[str] = field(default_factory=set)  # uploaded attachments among those referenced
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    tramites: frozenset[TramiteVersion] = frozenset()  # published (homoclave, version) pairs
    json_texts: dict[int, tuple[Any, str]] = field(default_factory=dict)  # central.json_text
    unhashed: bytes = b""  # canonical text, without content_sha256, of the mutation applied now
    received_at: datetime = field(default_factory=utc_now)  # the push's instant, for every row

    @property
    def machine_id(self) -> str:
        return self.sender.machine_id

    @property
    def office(self) -> str:
        return self.sender.office

    def prefetch(self, mutations: Iterable[Mutation]) -> None:
        """Load what the batch's creates refer to: existing uuids and folios, uploaded blobs."""
        creates = [m.payload for m in mutations if m.kind == "expediente.create"]
        uuids = {str(p.get("uuid")) for p in creates}
        folios = {str(p.get("folio")) for p in creates}
        if creates:
            self.tramites = known_tramite_versions(self.session)
            rows = self.session.execute(
                select(Expediente.uuid, Expediente.folio, Expediente.content_sha256).where(
                    or_(self.db.one_of(Expediente.uuid, uuids),
                        self.db.one_of(Expediente.folio, folios))
                )
            )
            for row in rows:
                self.known[row.uuid] = row.content_sha256
                self.folios[row.folio] = row.uuid

    def prefetch_blobs(self, mutations: Iterable[Mutation]) -> None:
        """Load which anexos named by the batch's creates this office has uploaded."""
        wanted = {str(a.get("sha256")) for m in mutations if m.kind == "expediente.create"
                  for a in _attachment_refs(m.payload)}
        self.blobs |= held_by_office(self.session, self.office, wanted)

    def missing_attachments(self, mutation: Mutation) -> list[str]:
        """sha256 of the anexos an expediente.create names that this office has not uploaded."""
        if mutation.kind != "expediente.create" or not mutation.payload.get("attachments"):
            return []
        named = {a.get("sha256") for a in _attachment_refs(mutation.payload)}
        return sorted(sha for sha in named if isinstance(sha, str) and sha not in self.blobs)

    def flush(self) -> None:
        """Write the buffered new expedientes; ON CONFLICT(uuid) DO NOTHING is the second guard
        (the machine row is locked: only another machine could have stored one of these uuids
        since the prefetch, and then fewer rows than ours were inserted)."""
        if not self.new_rows:
            return
        rows, self.new_rows = self.new_rows, []
        inserted = insert_rows(self.session, table_of(Expediente), rows,
                               ignore_conflict_on="uuid")
        if inserted != len(rows):
            raise ConcurrentInsert("an expediente uuid was stored by another transaction")


def _attachment_refs(payload: dict[str, Any]) -> list[dict[str, Any]]:
    refs = payload.get("attachments")
    return [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []


def apply_mutation(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    """Hash checks, then the kind's handler (`_HANDLERS`). The payload is encoded once: its
    canonical text gives the sha256, the content_sha256 (the same entries without that key) and
    the text the engine stores (central.json_text)."""
    try:
        content, ctx.unhashed = canonical_split(mutation.payload, "content_sha256")
    except TypeError:  # NaN or Infinity: the request parser accepts them, a hash cannot
        return "rejected", "el contenido tiene NaN o Infinity, que no son JSON"
    except UnicodeEncodeError:  # "\ud800": JSON's parser accepts a lone surrogate, UTF-8 cannot
        return "rejected", "el contenido tiene un carácter inválido (un sustituto UTF-16 suelto)"
    if mutation.sha256 != hashlib.sha256(content).hexdigest():
        return "rejected", "sha256 no coincide con el contenido de la mutación"
    if mutation.payload.get("uuid") != mutation.entity_uuid:
        return "rejected", "entity_uuid no coincide con el uuid del contenido"
    if json_has_nul(content):
        return "rejected", "el contenido tiene caracteres nulos (U+0000)"
    json_text.note(ctx.json_texts, mutation.payload, content)
    return _HANDLERS[mutation.kind](ctx, mutation)


def status_data(row: Expediente) -> dict[str, Any]:
    return {
        "uuid": row.uuid, "folio": row.folio, "status": row.status,
        "note": row.note, "official_folio": row.official_folio,
        "changed_by": row.status_by,
        "changed_at": as_utc(row.status_at).isoformat() if row.status_at else None,  # "…+00:00"
    }


def _create(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    payload = parse_payload(ExpedientePayload, mutation.payload)
    if isinstance(payload, str):
        return "rejected", payload
    if hashlib.sha256(ctx.unhashed).hexdigest() != payload.content_sha256:
        return "rejected", "content_sha256 no coincide con el contenido del expediente"
    refusal = create_refusal(payload, ctx.sender, ctx.tramites)
    if refusal is not None:
        return "rejected", refusal
    clash = _clash(ctx, payload)
    if clash is not None:
        return clash
    ctx.known[payload.uuid], ctx.folios[payload.folio] = payload.content_sha256, payload.uuid
    ctx.new_rows.append({
        "uuid": payload.uuid, "folio": payload.folio, "office": ctx.office,
        "machine_id": ctx.machine_id, "tramite_homoclave": payload.tramite_homoclave,
        "total": payload.total, "payload": mutation.payload,
        "content_sha256": payload.content_sha256, "status": "recibido", "note": None,
        "official_folio": None, "received_at": ctx.received_at,
        "archivo_folio": payload.archivo_folio, "archivo_fecha": payload.archivo_fecha,
    })
    ctx.changes.append(
        PendingChange("expediente.record", payload.uuid, mutation.payload, ctx.machine_id)
    )
    return "applied", _missing_attachments(ctx, payload)


def _clash(ctx: ApplyContext, payload: ExpedientePayload) -> Outcome | None:
    owner = ctx.folios.get(payload.folio)
    if owner is not None and owner != payload.uuid:
        return "rejected", f"el folio {payload.folio} {FOLIO_TAKEN}"
    stored = ctx.known.get(payload.uuid)
    if stored is None:
        return None
    if stored != payload.content_sha256:
        return "rejected", "el expediente ya está registrado con otro contenido"
    return "duplicate", "el expediente ya estaba registrado"


def _missing_attachments(ctx: ApplyContext, payload: ExpedientePayload) -> str | None:
    """The warning of an expediente applied without all its anexos (for people and old windows;
    windows act on MutationResult.missing_attachments)."""
    if not payload.attachments:
        return None
    missing = sorted({a.sha256 for a in payload.attachments} - ctx.blobs)
    if not missing:
        return None
    return "aplicado; faltan adjuntos por subir: " + ", ".join(m[:12] for m in missing)


def _office_expediente(ctx: ApplyContext, uuid: str) -> Expediente | None:
    ctx.flush()
    row = ctx.session.scalars(
        ctx.db.for_update(select(Expediente).where(Expediente.uuid == uuid))
    ).one_or_none()
    return row if row is not None and row.office == ctx.office else None


def _void(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    void = parse_payload(VoidPayload, mutation.payload)
    if isinstance(void, str):
        return "rejected", void
    row = _office_expediente(ctx, void.uuid)
    if row is None:
        return "rejected", "expediente desconocido en la oficina"
    if row.status != "anulado":
        row.status, row.note = "anulado", void.reason
        row.status_by, row.status_at = void.voided_by, stored_instant(ctx.session, void.voided_at)
        ctx.changes.append(
            PendingChange("expediente.status", row.uuid, status_data(row), ctx.machine_id)
        )
    return "applied", None


def _payment(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    """Store the payment once; the same payment again is a duplicate, another one is refused."""
    paid = parse_payload(PaymentPayload, mutation.payload)
    if isinstance(paid, str):
        return "rejected", paid
    row = _office_expediente(ctx, paid.uuid)
    if row is None:
        return "rejected", "expediente desconocido en la oficina"
    refusal = payment_refusal(paid, row.folio, row.total) or recibo_refusal(paid.recibo_folio,
                                                                              ctx.sender)
    if refusal is not None:
        return "rejected", refusal
    when = stored_instant(ctx.session, paid.paid_at)
    if row.paid_at is not None:
        same = (row.payment_method, row.payment_reference, row.paid_at) == (
            paid.method, paid.reference, when)
        return ("duplicate", "el pago ya estaba registrado") if same else (
            "rejected", "el expediente ya tiene otro pago registrado")
    if paid.recibo_folio is not None:
        if ctx.session.get(Recibo, paid.recibo_folio) is not None:
            return "rejected", f"el recibo {paid.recibo_folio} ya fue usado"
        ctx.session.add(Recibo(
            folio=paid.recibo_folio, office=ctx.office, machine_id=ctx.machine_id,
            expediente_uuid=row.uuid, caja_uuid=paid.caja_uuid, amount=paid.amount,
            method=paid.method, issued_at=when))
    row.payment_method, row.payment_reference = paid.method, paid.reference
    row.paid_at, row.paid_by = when, paid.paid_by
    ctx.changes.append(
        PendingChange("expediente.payment", row.uuid, mutation.payload, ctx.machine_id)
    )
    if row.status == "anulado":  # the money was received: keep it, and say so
        return "applied", "aplicado; el expediente está anulado en la plataforma"
    return "applied", None


def _amend(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    amend = parse_payload(AmendPayload, mutation.payload)
    if isinstance(amend, str):
        return "rejected", amend
    if _office_expediente(ctx, amend.uuid) is None:
        return "rejected", "expediente desconocido en la oficina"
    ctx.session.add(
        Amendment(
            expediente_uuid=amend.uuid, machine_id=ctx.machine_id,
            mutation_id=mutation.mutation_id, payload=mutation.payload,
        )
    )
    return "applied", None


def _review(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    """Validar / devolver at a window: the status, note, who and when; one status change out.
    A replay of the same mutation never gets here (push records mutation_ids)."""
    review = parse_payload(ReviewPayload, mutation.payload)
    if isinstance(review, str):
        return "rejected", review
    row = _office_expediente(ctx, review.uuid)
    if row is None:
        return "rejected", "expediente desconocido en la oficina"
    refusal = review_refusal(review, row.folio, row.status)
    if refusal is not None:
        return "rejected", refusal
    row.status, row.note = review.decision, review.note.strip() or None
    row.status_by, row.status_at = (review.reviewed_by,
                                    stored_instant(ctx.session, review.reviewed_at))
    ctx.changes.append(
        PendingChange("expediente.status", row.uuid, status_data(row), ctx.machine_id)
    )
    return "applied", None


def _recibo_cancel(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    """A recibo cancelled at its window: kept with its reason; the expediente is unpaid again."""
    cancel = parse_payload(ReciboCancelPayload, mutation.payload)
    if isinstance(cancel, str):
        return "rejected", cancel
    row = _office_expediente(ctx, cancel.uuid)
    if row is None:
        return "rejected", "expediente desconocido en la oficina"
    recibo = ctx.session.get(Recibo, cancel.recibo_folio)
    if recibo is None or recibo.machine_id != ctx.machine_id or recibo.expediente_uuid != row.uuid:
        return "rejected", f"el recibo {cancel.recibo_folio} no es de este equipo y expediente"
    if recibo.cancelled_at is not None:
        return "duplicate", "el recibo ya estaba cancelado"
    recibo.cancelled_at = stored_instant(ctx.session, cancel.cancelled_at)
    recibo.cancelled_by, recibo.cancel_reason = cancel.cancelled_by, cancel.reason
    row.payment_method = row.payment_reference = row.paid_by = None
    row.paid_at = None
    ctx.changes.append(
        PendingChange("recibo.cancel", row.uuid, mutation.payload, ctx.machine_id))
    return "applied", None


def _corte(ctx: ApplyContext, mutation: Mutation) -> Outcome:
    """A caja's corte, stored once; only the machine whose caja it is may report it."""
    corte = parse_payload(CortePayload, mutation.payload)
    if isinstance(corte, str):
        return "rejected", corte
    refusal = corte_refusal(corte, ctx.sender)
    if refusal is not None:
        return "rejected", refusal
    stored = ctx.session.get(Corte, corte.uuid)
    if stored is not None:
        if stored.machine_id != ctx.machine_id:
            return "rejected", "esa caja es de otro equipo"
        return (("duplicate", "el corte ya estaba registrado") if stored.payload == mutation.payload
                else ("rejected", "el corte de esta caja ya está registrado; no se modifica"))
    folios = [r.folio for r in corte.recibos]
    foreign = ctx.session.scalars(select(Recibo.folio).where(
        Recibo.folio.in_(folios), Recibo.machine_id != ctx.machine_id)).first()
    if foreign is not None:
        return "rejected", f"el recibo {foreign} es de otro equipo"
    ctx.session.add(Corte(
        caja_uuid=corte.uuid, office=ctx.office, machine_id=ctx.machine_id,
        ventanilla=corte.ventanilla, opened_at=stored_instant(ctx.session, corte.opened_at),
        closed_at=stored_instant(ctx.session, corte.closed_at), fondo=corte.fondo,
        expected=corte.expected, counted=corte.counted, difference=corte.difference,
        counted_by=corte.counted_by, signed_by=corte.signed_by, payload=mutation.payload))
    return "applied", None


_HANDLERS: dict[str, Callable[[ApplyContext, Mutation], Outcome]] = {
    "expediente.create": _create,
    "expediente.void": _void,
    "expediente.amend": _amend,
    "expediente.payment": _payment,
    "expediente.review": _review,
    "recibo.cancel": _recibo_cancel,
    "caja.corte": _corte,
}
