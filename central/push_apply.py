"""The push transaction (DESIGN §5): lock the machine row, walk the batch in mutation-id order.

`mutation_id ≤ last` → duplicate (a different sha256 than recorded is flagged); `== last + 1` →
apply and advance (rejections advance too); `> last + 1` → a gap: stop the batch there. The
mutation log, the effects, the pull changes and the new `last` commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from central.changes import append_changes
from central.db import Database
from central.machine_auth import MachineIdentity
from central.models import Machine, MutationRecord, table_of, utc_now
from central.mutations import ApplyContext, Outcome, apply_mutation
from sync.protocol import Mutation, MutationResult, PushResponse

SHA_MISMATCH = "sha256 distinto del registrado para esta mutación"


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


def apply_push(db: Database, machine: MachineIdentity, push: ParsedPush) -> PushResponse:
    with db.write() as session:
        row = session.scalars(
            db.for_update(select(Machine).where(Machine.id == machine.id))
        ).one()
        last = row.last_mutation_id
        items = sorted(push.items, key=lambda item: item.mutation_id)
        recorded = _recorded_sha256(session, machine.id, [i.mutation_id for i in items
                                                          if i.mutation_id <= last])
        ctx = ApplyContext(db, session, machine.id, machine.office)
        results: list[MutationResult] = []
        log_rows: list[dict[str, object]] = []
        for item in items:
            if item.mutation_id <= last:
                results.append(_duplicate(item, recorded.get(item.mutation_id)))
                continue
            if item.mutation_id > last + 1:
                break
            status, error = _apply(ctx, item)
            results.append(MutationResult(mutation_id=item.mutation_id, status=status, error=error))
            log_rows.append(_log_row(machine.id, item, (status, error)))
            recorded[item.mutation_id] = item.sha256
            last = item.mutation_id
        if log_rows:
            session.execute(insert(table_of(MutationRecord)), log_rows)
        append_changes(session, machine.office, ctx.changes)
        row.last_mutation_id, row.last_seen = last, utc_now()
        row.app_version, row.pending = push.app_version[:40], push.pending
    return PushResponse(last_mutation_id=last, results=results, server_time=datetime.now(UTC))


def _apply(ctx: ApplyContext, item: PushItem) -> Outcome:
    if isinstance(item, InvalidMutation):
        return "rejected", item.error
    return apply_mutation(ctx, item)


def _duplicate(item: PushItem, recorded_sha256: str | None) -> MutationResult:
    flagged = recorded_sha256 is not None and recorded_sha256 != item.sha256
    return MutationResult(
        mutation_id=item.mutation_id, status="duplicate", error=SHA_MISMATCH if flagged else None
    )


def _recorded_sha256(session: Session, machine_id: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(MutationRecord.mutation_id, MutationRecord.sha256).where(
            MutationRecord.machine_id == machine_id, MutationRecord.mutation_id.in_(set(ids))
        )
    )
    return {row.mutation_id: row.sha256 for row in rows}


def _log_row(machine_id: str, item: PushItem, outcome: Outcome) -> dict[str, object]:
    return {
        "machine_id": machine_id, "mutation_id": item.mutation_id, "kind": item.kind[:40],
        "entity_uuid": item.entity_uuid[:40], "sha256": item.sha256[:64],
        "status": outcome[0], "error": outcome[1], "received_at": utc_now(),
    }
