"""Push the outbox (ARCHITECTURE §7): pending mutations in mutation_id order, ≤ 1,000 and ≤ 1 MB
a batch (fewer for an older platform that refuses that many, sync.push_size), read and encoded
set-based (sync.push_batch).

The platform applies each mutation_id at most once, so resending after a lost response is safe:
it answers "duplicate" and we ack. Rows are marked in ONE local transaction per answer, which
commits without waiting for the disk (see _mark).

A bounded pipeline of two: while the platform applies batch k, this machine marks the answer of
batch k-1 and reads and compresses batch k+1. Never two batches in flight: the platform applies a
machine's mutation_ids only in order (a later batch arriving first would find a gap), and batch
k+1 is sent only after batch k's answer showed no gap.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from desktop.context import AppContext
from desktop.records.audit import (
    PLATFORM_HEAD_SETTING,
    Head,
    chain_head,
    note_platform_head,
    read_head,
)
from desktop.records.refolio import Refolios, refolio_refused_creates
from localdb.bound_list import NO_SYNC, each
from localdb.models import Expediente, OutboxEntry
from localdb.states import EnvioState, OutboxState
from sync.attachments import (
    UploadOutcome,
    forget_uploads,
    settle_synced,
    upload_attachments,
)
from sync.errors import GarbageResponse, OutOfSequence, PlatformUnreachable, SyncError
from sync.http import PlatformClient
from sync.push_batch import Batch, read_batch, request_body
from sync.push_size import batch_size, fall_back, too_many
from wire.protocol import (
    DUPLICATE_SHA256_MISMATCH,
    FOLIO_TAKEN,
    MutationResult,
    PushResponse,
)

log = logging.getLogger(__name__)
PUSH_PATH = "/v1/sync/push"


@dataclass
class PushOutcome:
    acked: int = 0
    rejected: int = 0
    batches: int = 0
    attachments: int = 0
    attachments_failed: int = 0  # not confirmed before the push; the anexos step retries them
    refolioed: list[tuple[str, str]] = field(default_factory=list)  # (acuse's folio, new folio)


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


def _answered(batch: Batch, response: PushResponse) -> list[int]:
    return [i for i in batch.ids if i <= response.last_mutation_id]


def _folio_taken(ids: list[int], response: PushResponse) -> list[int]:
    """The creates refused because the platform holds their folio for another expediente."""
    by_id = {r.mutation_id: r for r in response.results if r.status == "rejected"}
    return [i for i in ids if (r := by_id.get(i)) is not None
            and (r.error or "").endswith(FOLIO_TAKEN)]


def mark_results(session: Session, batch: Batch, response: PushResponse) -> PushOutcome:
    """Mark every sent row up to last_mutation_id, and its expediente's sync_state."""
    by_id = {r.mutation_id: r for r in response.results}
    ids = _answered(batch, response)
    outcome = PushOutcome(batches=1)
    touched: dict[str, EnvioState] = {}
    rows = session.execute(select(OutboxEntry.mutation_id, OutboxEntry.entity_uuid).where(
        OutboxEntry.mutation_id.in_(each(ids)), OutboxEntry.state == OutboxState.PENDING)).all()
    groups: dict[tuple[OutboxState, str | None], list[int]] = {}
    taken = _folio_taken(ids, response)
    refolios = refolio_refused_creates(session, taken) if taken else Refolios()
    outcome.refolioed = refolios.folios
    for row in rows:
        if row.mutation_id in refolios.settled:
            continue  # given a new folio and queued again (desktop/records/refolio.py)
        result = by_id.get(row.mutation_id)
        state, error = _row_outcome(result)
        groups.setdefault((state, error), []).append(row.mutation_id)
        if state == OutboxState.ACKED:
            outcome.acked += 1
            touched.setdefault(row.entity_uuid, EnvioState.SINCRONIZADO)
            if result is not None and result.missing_attachments:
                forget_uploads(session, row.entity_uuid, result.missing_attachments)
        else:
            outcome.rejected += 1
            touched[row.entity_uuid] = EnvioState.RECHAZADO
    for (state, error), group in groups.items():
        # An acknowledged payload is emptied by the trigger of localdb/counters.py, which
        # deletes and re-inserts the row so its pages come back (emptied here, in place, they
        # would stay a tenth full).
        session.execute(update(OutboxEntry).where(OutboxEntry.mutation_id.in_(each(group))).values(
            state=state, last_error=error, attempts=OutboxEntry.attempts + 1,
            next_attempt_at=None), execution_options=NO_SYNC)
    _mark_expedientes(session, touched)
    if batch.head is not None:
        note_platform_head(session, batch.head)
    return outcome


# Which of these expedientes still have a mutation waiting. Through the partial index of pending
# rows by entity: left to itself SQLite walks every pending row by state (the whole outbox on a
# first push), and the index is usable only with the literal state its WHERE names.
_STILL_PENDING = text(
    "SELECT entity_uuid FROM outbox INDEXED BY ix_outbox_pending "
    f"WHERE state = '{OutboxState.PENDING.value}' "
    "AND entity_uuid IN (SELECT value FROM json_each(:uuids))"
)


def _mark_expedientes(session: Session, touched: dict[str, EnvioState]) -> None:
    still_pending = set(session.scalars(_STILL_PENDING, {"uuids": json.dumps(list(touched))}))
    rejected = [u for u, s in touched.items() if s == EnvioState.RECHAZADO]
    synced = [u for u, s in touched.items()
              if s == EnvioState.SINCRONIZADO and u not in still_pending]
    settle_synced(session, synced)
    if rejected:
        session.execute(update(Expediente).where(Expediente.uuid.in_(each(rejected)))
                        .values(sync_state=EnvioState.RECHAZADO), execution_options=NO_SYNC)


def note_failed_attempt(ctx: AppContext, ids: list[int], message: str) -> None:
    with ctx.write() as session:
        session.execute(update(OutboxEntry).where(
            OutboxEntry.mutation_id.in_(ids), OutboxEntry.state == OutboxState.PENDING)
            .values(attempts=OutboxEntry.attempts + 1, last_error=message))


def _post(client: PlatformClient, body: bytes) -> PushResponse:
    return client.post_gzip_json(PUSH_PATH, body, PushResponse)


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
        _post(client, request_body(machine_id, [], 0, head))
    except SyncError as exc:
        log.info("audit head not delivered (%s); the next run retries", type(exc).__name__)
        return
    with ctx.write() as session:
        note_platform_head(session, head)


def _upload_before_push(ctx: AppContext, client: PlatformClient, batch: Batch) -> UploadOutcome:
    """Scans go first, but a scan whose upload loses its connection (a proxy that answers and
    hangs up mid-body) never holds the records back: the push goes on, failing by itself if the
    link is really down, and the anexos step sends the scan again."""
    if not batch.with_anexos:
        return UploadOutcome()
    try:
        return upload_attachments(ctx, client, batch.with_anexos)
    except PlatformUnreachable as exc:
        log.warning("anexo upload before the push lost its connection (%s); pushing the "
                    "records anyway", exc.detail)
        return UploadOutcome()


def _next_batch(ctx: AppContext, machine_id: str, after: int, size: int) -> Batch | None:
    with ctx.read() as session:
        return read_batch(session, machine_id, after, max_count=size)


def _answer(ctx: AppContext, batch: Batch, sent: Future[PushResponse]) -> PushResponse | None:
    """The platform's answer; None when it refused the batch as too many mutations (an older
    platform, sync.push_size): nothing was applied, the rows go again in smaller batches."""
    try:
        response = sent.result()
        check_answer(batch, response)
        return response
    except Exception as exc:
        if too_many(exc, len(batch.sent)):
            return None
        note_failed_attempt(ctx, batch.ids, getattr(exc, "message", type(exc).__name__))
        raise


def check_answer(batch: Batch, response: PushResponse) -> None:
    """GarbageResponse unless the answer is one to this batch: a result for every mutation it
    says it has (central answers each one up to its last), none for a mutation not sent. A row
    is never marked without its own verdict: an empty or replayed answer would otherwise ack
    records the platform never saw, and their payloads would be emptied."""
    sent = set(batch.ids)
    answered = {r.mutation_id for r in response.results}
    unsent = answered - sent
    unanswered = set(_answered(batch, response)) - answered
    if unsent or unanswered:
        raise GarbageResponse(f"push answer: {len(unanswered)} sent mutations without a result, "
                              f"{len(unsent)} results for mutations not sent")


def _mark(ctx: AppContext, batch: Batch, response: PushResponse, total: PushOutcome) -> None:
    """The marks commit without waiting for the disk (synchronous=NORMAL) unless a folio is
    given again: lost on a power cut, they only make the rows pending again, and resending them
    gets the same verdicts — "duplicate" for what the platform applied, the recorded rejection
    for what it refused, with `missing_attachments` on every answer (central/push_apply.py) — so
    marking them again repairs the loss. A refolio is not repaired that way: it hands out a
    folio and queues a new mutation the next batch may carry, so it commits FULL. Under WAL a
    later FULL commit (a capture, the next refolio, a pull page) flushes these marks with it,
    in order."""
    durable = bool(_folio_taken(_answered(batch, response), response))
    with ctx.write(durable=durable) as session:
        outcome = mark_results(session, batch, response)
    total.acked += outcome.acked
    total.rejected += outcome.rejected
    total.refolioed += outcome.refolioed
    total.batches += 1


def push_pending(ctx: AppContext, client: PlatformClient, machine_id: str,
                 max_batches: int = 1_000) -> PushOutcome:
    """Push until the outbox has nothing pending; raises OutOfSequence at a gap."""
    total = PushOutcome()
    size = batch_size(client.base_url)
    batch = _next_batch(ctx, machine_id, 0, size)
    if batch is None:
        _anchor_only(ctx, client, machine_id)
        return total
    answered: tuple[Batch, PushResponse] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as sender:
        for _ in range(max_batches):
            uploads = _upload_before_push(ctx, client, batch)
            total.attachments += len(uploads.delivered)
            total.attachments_failed += len(uploads.failed)
            in_flight = sender.submit(_post, client, batch.body)
            if answered is not None:  # while the platform applies `batch`
                _mark(ctx, *answered, total)
                answered = None
            following = _next_batch(ctx, machine_id, batch.last_id, size)
            response = _answer(ctx, batch, in_flight)
            if response is None:  # too many for this platform: the same rows, fewer at a time
                size = fall_back(client.base_url, len(batch.sent))
                following = _next_batch(ctx, machine_id, batch.ids[0] - 1, size)
            else:
                answered = (batch, response)
                if response.last_mutation_id < batch.last_id:
                    _mark(ctx, batch, response, total)
                    log.warning("push stopped at a gap: platform last=%d, batch %d..%d",
                                response.last_mutation_id, batch.ids[0], batch.last_id)
                    raise OutOfSequence(response.last_mutation_id, batch.ids[0])
            if following is None:
                break
            batch = following
    if answered is not None:
        _mark(ctx, *answered, total)
    return total
