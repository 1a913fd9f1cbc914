"""An expediente whose folio the platform already holds for another expediente of this machine
gets a new folio and is sent again (ARCHITECTURE §7, "A window restored from a copy").

That happens only to a window restored with its high-water mark (a whole disk put back, or the
folder restored onto another path or machine): it handed out, before its first sync, a folio
that the machine had already used after the copy was made. Central only says so for the
machine's own prefix (another prefix is refused by the sender checks), and a uuid it already
holds is answered "duplicate", never this. So the record is not lost, nor the other one touched:
  - a folio past the highest this machine has seen (the sync run's restore check moved the
    counter up to the platform's highest first) replaces it, and the content hash with it;
  - the create is queued again under a new mutation id, the refused one is settled with a note;
  - so is every mutation of that expediente queued after it (a payment, a cancellation made
    before the first sync: the platform refused them too, the expediente being unknown there),
    in their order and naming the new folio, so they follow the create they need;
  - an audit entry `expediente.refoliado` keeps the original folio and the new content hash
    (verify-audit re-hashes against it), and desktop/records/refoliados.py lists it for
    `main.py status`: the acuse handed to the citizen carries the original folio.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from desktop.capture.folios import allocate_folio
from desktop.records.audit import append_audit
from desktop.records.outbox import queue_mutation
from desktop.records.refoliados import remember_refolio
from localdb.models import Expediente, OutboxEntry, SyncState
from localdb.states import EnvioState, OutboxState
from wire.base import Wire
from wire.canonical import payload_sha256
from wire.payloads import MUTATION_PAYLOADS, ExpedienteContent, ExpedientePayload
from wire.protocol import MutationKind
from wire.times import utc_now

ACTION = "expediente.refoliado"
SYSTEM_ACTOR = "sistema"
IMMUTABLE_TRIGGER = "expedientes_answers_immutable"  # localdb/fts.py
SETTLED_NOTE = "El folio {old} ya estaba registrado en la plataforma: reenviado como {new}."


@dataclass
class Refolios:
    folios: list[tuple[str, str]] = field(default_factory=list)  # (old folio, new folio)
    settled: set[int] = field(default_factory=set)  # mutation ids settled and queued again


def refolio_refused_creates(session: Session, mutation_ids: list[int]) -> Refolios:
    """Give each refused, still pending create a new folio and queue it again, with the
    mutations of its expediente that followed it."""
    state = session.get_one(SyncState, 1)
    own = f"{state.oficina}-{state.ventanilla}-"
    done = Refolios()
    for entry in session.scalars(select(OutboxEntry).where(
            OutboxEntry.mutation_id.in_(mutation_ids), OutboxEntry.state == OutboxState.PENDING,
            OutboxEntry.kind == "expediente.create").order_by(OutboxEntry.mutation_id)):
        row = session.get(Expediente, entry.entity_uuid)
        if row is None or not row.folio.startswith(own):
            continue
        old, new = row.folio, _new_folio(session, state, row.folio)
        payload = _with_folio(json.loads(entry.payload), new)
        _change_folio(session, row, new, payload.content_sha256)
        followers = _followers(session, entry)
        again = [(cast(MutationKind, f.kind), _renamed(f, old, new)) for f in followers]
        for settled in (entry, *followers):
            settled.state = OutboxState.ACKED
            settled.last_error = SETTLED_NOTE.format(old=old, new=new)
            done.settled.add(settled.mutation_id)
        queue_mutation(session, "expediente.create", row.uuid, payload, utc_now())
        for kind, follower in again:
            queue_mutation(session, kind, row.uuid, follower, utc_now())
        append_audit(session, SYSTEM_ACTOR, ACTION, new, {
            "uuid": row.uuid, "folio_original": old, "sha256": payload.content_sha256})
        remember_refolio(session, row.uuid, old, new)
        done.folios.append((old, new))
    return done


def _followers(session: Session, create: OutboxEntry) -> list[OutboxEntry]:
    """The expediente's mutations queued after its create and not yet settled, in order."""
    return list(session.scalars(select(OutboxEntry).where(
        OutboxEntry.entity_uuid == create.entity_uuid, OutboxEntry.state == OutboxState.PENDING,
        OutboxEntry.mutation_id > create.mutation_id).order_by(OutboxEntry.mutation_id)))


def _renamed(entry: OutboxEntry, old: str, new: str) -> Wire:
    """A follower's payload naming the expediente's new folio (a payment, a recibo's
    cancellation name it; the others carry only the uuid)."""
    data = json.loads(entry.payload)
    if data.get("folio") == old:
        data["folio"] = new
    return MUTATION_PAYLOADS[entry.kind].model_validate(data)


def _new_folio(session: Session, state: SyncState, folio: str) -> str:
    year = int(folio.rsplit("-", 2)[1])  # the capture's year stays
    return allocate_folio(session, state.oficina, state.ventanilla, year)


def _change_folio(session: Session, row: Expediente, folio: str, sha256: str) -> None:
    """The one sanctioned change of a captured expediente's folio: the immutability trigger is
    lifted for this UPDATE only and put back as it was, in the same transaction (a failure rolls
    both back); the keyed audit entry written next to it is what verify-audit checks."""
    session.flush()
    trigger = session.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name = :name"), {"name": IMMUTABLE_TRIGGER})
    if trigger is not None:
        session.execute(text(f"DROP TRIGGER {IMMUTABLE_TRIGGER}"))
    session.execute(update(Expediente).where(Expediente.uuid == row.uuid).values(
        folio=folio, content_sha256=sha256, sync_state=EnvioState.PENDIENTE))
    if trigger is not None:
        session.execute(text(trigger))
    session.refresh(row)


def _with_folio(sent: dict[str, Any], folio: str) -> ExpedientePayload:
    sent.pop("content_sha256", None)
    content = ExpedienteContent.model_validate({**sent, "folio": folio}).model_dump(mode="json")
    return ExpedientePayload.model_validate({**content,
                                             "content_sha256": payload_sha256(content)})
