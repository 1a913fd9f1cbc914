"""Queueing a mutation for the platform: a wire payload model, stored as its canonical JSON."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from desktop.records.high_water import note_mutation
from localdb.models import OutboxEntry, table_of
from wire.base import Wire
from wire.canonical import canonical_json
from wire.protocol import MutationKind


def queue_mutation(session: Session, kind: MutationKind, entity_uuid: str, payload: Wire,
                   now: datetime) -> int:
    """Insert the outbox row inside the caller's transaction, next to the change it carries;
    returns its mutation id. The payload is encoded once: its canonical text and the sha256 of
    that text (wire.canonical.payload_sha256)."""
    text = canonical_json(payload.model_dump(mode="json"))
    outbox = table_of(OutboxEntry)
    mutation_id: int = session.execute(
        insert(outbox).returning(outbox.c.mutation_id),
        {"kind": kind, "entity_uuid": entity_uuid, "payload": text.decode(),
         "sha256": hashlib.sha256(text).hexdigest(), "created_at": now}).scalar_one()
    note_mutation(session, mutation_id)
    return mutation_id
