"""The push transaction (ARCHITECTURE §7): lock the machine row, walk the batch in mutation-id
order.

`mutation_id ≤ last` → duplicate (a different sha256 than recorded is flagged), or the recorded
rejection again, so a lost answer does not lose the verdict; `== last + 1` → apply and advance
(rejections advance too); `> last + 1` → a gap: stop the batch there. The mutation log, the
effects, the pull changes and the new `last` commit together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central import json_text
from central.bulk_insert import insert_rows
from central.changes import append_changes
from central.db import Database
from central.machine_auth import MachineIdentity
from central.models import Machine, MutationRecord, table_of
from central.mutation_checks import Sender
from central.mutations import ApplyContext, Outcome, apply_mutation
from central.sanitize import clean
from wire.protocol import (
    DUPLICATE_SHA256_MISMATCH,
    AuditHead,
    Mutation,
    MutationResult,
    PushResponse,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InvalidMutation:
    """A mutation whose envelope failed validation: rejected when its turn comes."""

    mutation_id: int
    kind: str
    entity_uuid: str
    sha256: str
    error: str


PushItem = Mutation | InvalidMutation


@dataclass(frozen=True)
class ParsedPush:
    machine_id: str
    app_version: str
    pending: int | None
    items: list[PushItem]
    audit_head: AuditHead | None = None


def apply_push(db: Database, machine: MachineIdentity, push: ParsedPush) -> PushResponse:
    machines = table_of(Machine)
    with json_text.reusing() as texts, db.write() as session:
        row = session.execute(db.for_update(
            select(machines.c.last_mutation_id, machines.c.audit_head_seq)
            .where(machines.c.id == machine.id))).one()
        ctx = ApplyContext(db, session, Sender(machine.id, machine.office, machine.ventanilla),
                           json_texts=texts)
        walk = _walk(ctx, sorted(push.items, key=lambda i: i.mutation_id), row.last_mutation_id)
        ctx.flush()
        insert_rows(session, table_of(MutationRecord), walk.log_rows)
        append_changes(session, machine.office, ctx.changes)
        noted = {"last_mutation_id": walk.last, "last_seen": ctx.received_at,
                 "app_version": clean(push.app_version, 40) or ""}
        if push.pending is not None:
            noted["pending"] = push.pending
        noted.update(_audit_head(row.audit_head_seq, push.audit_head))
        session.execute(update(machines).where(machines.c.id == machine.id).values(noted))
    return PushResponse(
        last_mutation_id=walk.last, results=walk.results, server_time=datetime.now(UTC)
    )


def _audit_head(stored_seq: int | None, head: AuditHead | None) -> dict[str, object]:
    """Keep the highest head seen: a lower one later (a restored copy, a cut chain) never
    lowers the anchor the window is checked against."""
    if head is not None and head.seq > (stored_seq or 0):
        return {"audit_head_seq": head.seq, "audit_head_mac": head.mac}
    return {}


@dataclass
class _Walk:
    last: int
    results: list[MutationResult] = field(default_factory=list)
    log_rows: list[dict[str, object]] = field(default_factory=list)


def _walk(ctx: ApplyContext, items: list[PushItem], last: int) -> _Walk:
    """Answer each item in order until a gap; `walk.last` is the new last mutation id."""
    recorded = _recorded(ctx.session, ctx.machine_id,
                         [i.mutation_id for i in items if i.mutation_id <= last])
    ctx.prefetch(i for i in items if isinstance(i, Mutation) and i.mutation_id > last)
    ctx.prefetch_blobs(i for i in items if isinstance(i, Mutation))
    walk = _Walk(last)
    for item in items:
        if item.mutation_id <= walk.last:
            result = _duplicate(ctx.machine_id, item, recorded.get(item.mutation_id))
            walk.results.append(_with_missing(ctx, item, result))
            continue
        if item.mutation_id > walk.last + 1:
            break
        status, error = _apply(ctx, item)
        result = MutationResult(mutation_id=item.mutation_id, status=status, error=error)
        walk.results.append(_with_missing(ctx, item, result))
        walk.log_rows.append(_log_row(ctx, item, (status, error)))
        recorded[item.mutation_id] = _Recorded(item.sha256, status, error)
        walk.last = item.mutation_id
    return walk


def _with_missing(ctx: ApplyContext, item: PushItem, result: MutationResult) -> MutationResult:
    """An expediente the platform keeps (applied or duplicate) lists the anexos it still lacks,
    on every answer, so a window that lost an answer or a scan still learns what to upload."""
    if result.status == "rejected" or result.error == DUPLICATE_SHA256_MISMATCH:
        return result
    if not isinstance(item, Mutation):
        return result
    missing = ctx.missing_attachments(item)
    return result.model_copy(update={"missing_attachments": missing}) if missing else result


def _apply(ctx: ApplyContext, item: PushItem) -> Outcome:
    if isinstance(item, InvalidMutation):
        return "rejected", item.error
    return apply_mutation(ctx, item)


def _duplicate(machine_id: str, item: PushItem, recorded: _Recorded | None) -> MutationResult:
    """A mutation seen before: flagged if its sha256 changed, else the recorded rejection."""
    if recorded is not None and recorded.sha256 != item.sha256:
        log.warning("machine %s resent mutation %d with another sha256", machine_id,
                    item.mutation_id)
        return MutationResult(mutation_id=item.mutation_id, status="duplicate",
                              error=DUPLICATE_SHA256_MISMATCH)
    if recorded is not None and recorded.status == "rejected":
        return MutationResult(mutation_id=item.mutation_id, status="rejected",
                              error=recorded.error)
    return MutationResult(mutation_id=item.mutation_id, status="duplicate", error=None)


@dataclass(frozen=True)
class _Recorded:
    sha256: str
    status: str
    error: str | None


def _recorded(session: Session, machine_id: str, ids: list[int]) -> dict[int, _Recorded]:
    if not ids:
        return {}
    rows = session.execute(
        select(MutationRecord.mutation_id, MutationRecord.sha256, MutationRecord.status,
               MutationRecord.error).where(
            MutationRecord.machine_id == machine_id, MutationRecord.mutation_id.in_(set(ids))
        )
    )
    return {row.mutation_id: _Recorded(row.sha256, row.status, row.error) for row in rows}


def _log_row(ctx: ApplyContext, item: PushItem, outcome: Outcome) -> dict[str, object]:
    return {
        "machine_id": ctx.machine_id, "mutation_id": item.mutation_id,
        "kind": clean(item.kind, 40), "entity_uuid": clean(item.entity_uuid, 40),
        "sha256": clean(item.sha256, 64), "status": outcome[0],
        "error": clean(outcome[1], 2000), "received_at": ctx.received_at,
    }
