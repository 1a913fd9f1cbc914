"""The sync run's restored-copy hook: ask the platform what it has seen from this machine, and
catch up when this data folder turns out to be an older copy (desktop/records/restored_copy.py).

A pending mutation whose id the platform already holds is a retry when the platform recorded the
same sha256 (it answers "duplicate" and the row is acked), and a capture made on the restored copy
when it recorded other content: from the first such id on, the pending mutations get new ids after
the platform's last. While the window is resyncing, the run pulls with include_own, which brings
back the records this machine sent after the copy was taken; then the block on capture is lifted.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.context import AppContext
from desktop.records.audit import Head, chain_head, note_platform_head
from desktop.records.restored_copy import (
    PlatformMarks,
    begin_resync,
    finish_resync,
    is_behind,
    is_resyncing,
)
from localdb.models import OutboxEntry
from localdb.states import OutboxState
from sync.http import PlatformClient, parse_model
from wire.protocol import MAX_STATE_IDS, SyncStateResponse

log = logging.getLogger(__name__)
STATE_PATH = "/v1/sync/state"


def catch_up_if_restored(ctx: AppContext, client: PlatformClient) -> bool:
    """Detect a restored copy and catch up; True while own records still have to be pulled."""
    state = _platform_state(client)
    if state is None:
        return False
    platform = PlatformMarks(state.last_mutation_id, state.folios, state.recibos)
    first_reused = _first_reused_id(ctx, client, state.last_mutation_id)
    with ctx.write() as session:
        _keep_audit_anchor(session, state)
        if first_reused is not None or is_behind(session, platform):
            moved = begin_resync(session, platform, first_reused)
            log.warning("restored copy detected: platform last=%d, %d pending mutation(s) moved",
                        platform.last_mutation_id, moved)
        return is_resyncing(session)


def _platform_state(client: PlatformClient,
                    params: dict[str, str] | None = None) -> SyncStateResponse | None:
    """The platform's answer; None from a platform older than GET /v1/sync/state (404)."""
    response = client.request("GET", STATE_PATH, params=params, accept=(404,))
    if response.status_code == 404:
        log.info("the platform has no %s; restored-copy check skipped", STATE_PATH)
        return None
    return parse_model(response, SyncStateResponse)


def _keep_audit_anchor(session: Session, state: SyncStateResponse) -> None:
    """Keep the platform's audit head locally: verify-audit checks the chain reaches it."""
    if state.audit_head is None:
        return
    note_platform_head(session, Head(state.audit_head.seq, state.audit_head.mac))
    head = chain_head(session)
    if head is None or head.seq < state.audit_head.seq:
        log.warning("audit log shorter than the platform's anchor: local head %s, platform %d",
                    head.seq if head else 0, state.audit_head.seq)


def own_records_pulled(ctx: AppContext) -> None:
    with ctx.write() as session:
        finish_resync(session)


def _first_reused_id(ctx: AppContext, client: PlatformClient, platform_last: int) -> int | None:
    """The lowest pending mutation id the platform recorded with another sha256, if any."""
    with ctx.read() as session:
        pending = dict(session.execute(
            select(OutboxEntry.mutation_id, OutboxEntry.sha256).where(
                OutboxEntry.state == OutboxState.PENDING, OutboxEntry.mutation_id <= platform_last)
            .order_by(OutboxEntry.mutation_id).limit(MAX_STATE_IDS)).tuples().all())
    if not pending:
        return None
    ids = ",".join(str(i) for i in pending)
    state = _platform_state(client, {"ids": ids})
    recorded = state.recorded if state is not None else {}
    reused = [i for i, sha in pending.items() if recorded.get(i) != sha]
    return min(reused) if reused else None
