"""Push the outbox (ARCHITECTURE §7): pending mutations in mutation_id order, ≤ 500 and ≤ 1 MB a
batch.

The platform applies each mutation_id at most once, so resending after a lost response is safe:
it answers "duplicate" and we ack. Rows are marked in ONE local transaction per answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.context import AppContext
from desktop.records.audit import (
    PLATFORM_HEAD_SETTING,
    Head,
    chain_head,
    note_platform_head,
    read_head,
)
from localdb.models import Expediente, OutboxEntry
from localdb.states import EnvioState, OutboxState
from sync.attachments import (
    UploadOutcome,
    forget_uploads,
    settle_synced,
    upload_attachments,
)
from sync.errors import OutOfSequence, PlatformUnreachable, SyncError
from sync.http import APP_VERSION, PlatformClient
from sync.status import count_pending
from wire.protocol import (
    DUPLICATE_SHA256_MISMATCH,
    MAX_BATCH,
    MAX_BATCH_BYTES,
    AuditHead,
    Mutation,
    MutationResult,
    PushRequest,
    PushResponse,
)

log = logging.getLogger(__name__)
PUSH_PATH = "/v1/sync/push"
# Room for the request envelope and each mutation's keys around its payload.
ENVELOPE_BYTES = 4_096
PER_MUTATION_BYTES = 256


@dataclass
class PushOutcome:
    acked: int = 0
    rejected: int = 0
    batches: int = 0
    attachments: int = 0
    attachments_failed: int = 0  # not confirmed before the push; the anexos step retries them


def pending_batch(session: Session, max_count: int = MAX_BATCH,
                  max_bytes: int = MAX_BATCH_BYTES) -> list[Mutation]:
    """The next pending mutations in order; a single oversized mutation still goes alone."""
    rows = session.scalars(select(OutboxEntry).where(OutboxEntry.state == OutboxState.PENDING)
                           .order_by(OutboxEntry.mutation_id).limit(max_count))
    batch: list[Mutation] = []
    size = ENVELOPE_BYTES
    for row in rows:
        cost = len(row.payload.encode("utf-8")) + PER_MUTATION_BYTES
        if batch and size + cost > max_bytes:
            break
        batch.append(Mutation(mutation_id=row.mutation_id, kind=row.kind,  # type: ignore[arg-type]
                              entity_uuid=row.entity_uuid, payload=json.loads(row.payload),
                              sha256=row.sha256))
        size += cost
    return batch


def _row_outcome(result: MutationResult | None) -> tuple[OutboxState, str | None]:
    """(outbox state, last_error). applied/duplicate → acked, keeping any note the platform adds
    ("faltan adjuntos…": its missing_attachments keep the expediente `faltan_anexos`). A duplicate
    flagged as a different sha256 under the same mutation_id is NOT on the server as we have it:
    it is shown as rejected, never acked."""
    if result is None:
        return OutboxState.ACKED, None
    if result.status == "rejected":
        return OutboxState.REJECTED, result.error or "Rechazado por la plataforma."
    if result.status == "duplicate" and result.error == DUPLICATE_SHA256_MISMATCH:
        return OutboxState.REJECTED, ("Conflicto: la plataforma ya recibió otro contenido con "
                                      "este mismo número de envío. Avise a soporte.")
    return OutboxState.ACKED, result.error


def mark_results(session: Session, batch: list[Mutation], response: PushResponse) -> PushOutcome:
    """Mark every sent row up to last_mutation_id, and its expediente's sync_state."""
    by_id = {r.mutation_id: r for r in response.results}
    ids = [m.mutation_id for m in batch if m.mutation_id <= response.last_mutation_id]
    outcome = PushOutcome(batches=1)
    touched: dict[str, EnvioState] = {}
    rows = session.scalars(select(OutboxEntry).where(OutboxEntry.mutation_id.in_(ids),
                                                     OutboxEntry.state == OutboxState.PENDING))
    for row in rows:
        result = by_id.get(row.mutation_id)
        row.state, row.last_error = _row_outcome(result)
        row.attempts += 1
        row.next_attempt_at = None
        if row.state == OutboxState.ACKED:
            outcome.acked += 1
            touched.setdefault(row.entity_uuid, EnvioState.SINCRONIZADO)
            if result is not None and result.missing_attachments:
                forget_uploads(session, row.entity_uuid, result.missing_attachments)
        else:
            outcome.rejected += 1
            touched[row.entity_uuid] = EnvioState.RECHAZADO
    _mark_expedientes(session, touched)
    return outcome


def _mark_expedientes(session: Session, touched: dict[str, EnvioState]) -> None:
    still_pending = set(session.scalars(select(OutboxEntry.entity_uuid).where(
        OutboxEntry.entity_uuid.in_(list(touched)), OutboxEntry.state == OutboxState.PENDING)))
    rejected = [u for u, s in touched.items() if s == EnvioState.RECHAZADO]
    synced = [u for u, s in touched.items()
              if s == EnvioState.SINCRONIZADO and u not in still_pending]
    settle_synced(session, synced)
    if rejected:
        session.execute(update(Expediente).where(Expediente.uuid.in_(rejected))
                        .values(sync_state=EnvioState.RECHAZADO))


def note_failed_attempt(ctx: AppContext, batch: list[Mutation], message: str) -> None:
    ids = [m.mutation_id for m in batch]
    with ctx.write() as session:
        session.execute(update(OutboxEntry).where(
            OutboxEntry.mutation_id.in_(ids), OutboxEntry.state == OutboxState.PENDING)
            .values(attempts=OutboxEntry.attempts + 1, last_error=message))


def _send(ctx: AppContext, client: PlatformClient, machine_id: str, batch: list[Mutation],
          pending_after: int, head: Head | None) -> PushResponse:
    audit_head = AuditHead(seq=head.seq, mac=head.mac) if head is not None else None
    body = PushRequest(machine_id=machine_id, app_version=APP_VERSION, mutations=batch,
                       pending=pending_after, audit_head=audit_head)
    try:
        response = client.post_json(PUSH_PATH, body, PushResponse)
    except Exception as exc:
        note_failed_attempt(ctx, batch, getattr(exc, "message", type(exc).__name__))
        raise
    if head is not None:
        with ctx.write() as session:
            note_platform_head(session, head)
    return response


def _head_unreported(ctx: AppContext) -> Head | None:
    """The chain head when the platform has not seen it yet (a login, a print: audit rows
    with no mutation); None when there is nothing new to anchor."""
    with ctx.read() as session:
        head = chain_head(session)
        known = read_head(session, PLATFORM_HEAD_SETTING)
    if head is None or (known is not None and known.seq >= head.seq):
        return None
    return head


def _anchor_only(ctx: AppContext, client: PlatformClient, machine_id: str) -> None:
    """An empty push that only carries the audit head, when it moved since the last push.
    Best effort: it never fails a run (the next run sends it again; pull reports the network)."""
    head = _head_unreported(ctx)
    if head is None:
        return
    try:
        _send(ctx, client, machine_id, [], 0, head)
    except SyncError as exc:
        log.info("audit head not delivered (%s); the next run retries", type(exc).__name__)


def _upload_before_push(ctx: AppContext, client: PlatformClient,
                        batch: list[Mutation]) -> UploadOutcome:
    """Scans go first, but a scan whose upload loses its connection (a proxy that answers and
    hangs up mid-body) never holds the records back: the push goes on, failing by itself if the
    link is really down, and the anexos step sends the scan again."""
    try:
        return upload_attachments(ctx, client, batch)
    except PlatformUnreachable as exc:
        log.warning("anexo upload before the push lost its connection (%s); pushing the "
                    "records anyway", exc.detail)
        return UploadOutcome()


def push_pending(ctx: AppContext, client: PlatformClient, machine_id: str,
                 max_batches: int = 1_000) -> PushOutcome:
    """Push until the outbox has nothing pending; raises OutOfSequence at a gap."""
    total = PushOutcome()
    for _ in range(max_batches):
        with ctx.write() as session:
            batch = pending_batch(session)
            pending_after = count_pending(session) - len(batch)
            head = chain_head(session)
        if not batch:
            _anchor_only(ctx, client, machine_id)
            break
        uploads = _upload_before_push(ctx, client, batch)
        total.attachments += len(uploads.delivered)
        total.attachments_failed += len(uploads.failed)
        response = _send(ctx, client, machine_id, batch, pending_after, head)
        with ctx.write() as session:
            outcome = mark_results(session, batch, response)
        total.acked += outcome.acked
        total.rejected += outcome.rejected
        total.batches += 1
        if response.last_mutation_id < batch[-1].mutation_id:
            log.warning("push stopped at a gap: platform last=%d, batch %d..%d",
                        response.last_mutation_id, batch[0].mutation_id, batch[-1].mutation_id)
            raise OutOfSequence(response.last_mutation_id, batch[0].mutation_id)
    return total
