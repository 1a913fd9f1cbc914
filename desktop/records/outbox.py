"""Queueing a mutation for the platform: a wire payload model, stored as its canonical JSON."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from desktop.records.high_water import note_mutation
from localdb.models import OutboxEntry
from wire.base import Wire
from wire.canonical import canonical_json, payload_sha256
from wire.protocol import MutationKind


def queue_mutation(session: Session, kind: MutationKind, entity_uuid: str, payload: Wire,
                   now: datetime) -> None:
    """Add the outbox row inside the caller's transaction, next to the change it carries."""
    data = payload.model_dump(mode="json")
    session.add(OutboxEntry(kind=kind, entity_uuid=entity_uuid,
                            payload=canonical_json(data).decode(),
                            sha256=payload_sha256(data), created_at=now))
    note_mutation(session)
