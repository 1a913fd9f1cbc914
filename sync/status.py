"""Where sync stands, for `status --json`, the status bar and support: read-only queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.clock import office_zone, shown
from desktop.records.counts import count_in
from localdb.models import Expediente, OutboxEntry, SyncState
from localdb.states import EnvioState, OutboxState
from sync.set_aside import count_set_aside, set_aside_changes


def count_missing_anexos(session: Session) -> int:
    return count_in(session, sync_states=(EnvioState.FALTAN_ANEXOS,))


def count_pending(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry)
                          .where(OutboxEntry.state == OutboxState.PENDING)) or 0


def count_rejected(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry)
                          .where(OutboxEntry.state == OutboxState.REJECTED)) or 0


def rejected_mutations(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Mutations the platform refused, newest first, with its reason (for the supervisor)."""
    rows = session.execute(
        select(OutboxEntry, Expediente.folio)
        .outerjoin(Expediente, Expediente.uuid == OutboxEntry.entity_uuid)
        .where(OutboxEntry.state == OutboxState.REJECTED)
        .order_by(OutboxEntry.mutation_id.desc()).limit(limit))
    return [{"mutation_id": r.mutation_id, "kind": r.kind, "entity_uuid": r.entity_uuid,
             "folio": folio, "reason": r.last_error} for r, folio in rows]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def sync_status(session: Session) -> dict[str, Any]:
    """Pending and rejected mutations (the newest 20 with the platform's reason), expedientes
    whose anexos are not confirmed, pulled changes set aside (the oldest 20 with the reason),
    last success/error, cursor, epoch, config, server."""
    state = session.get(SyncState, 1)
    base: dict[str, Any] = {
        "pending_mutations": count_pending(session),
        "rejected_mutations": count_rejected(session),
        "rejected": rejected_mutations(session, limit=20),
        "missing_anexos": count_missing_anexos(session),
        "set_aside_changes": count_set_aside(session),
        "set_aside": set_aside_changes(session, limit=20),
    }
    if state is None:
        return {**base, "enrolled": False}
    zone = office_zone(session)  # times on the office's wall clock, with their offset
    return {
        **base,
        "enrolled": not state.demo and bool(state.server_url),
        "server_url": state.server_url,
        "machine_id": state.machine_id,
        "last_success_at": _iso(shown(state.last_success_at, zone)),
        "last_error": state.last_error,
        "last_error_at": _iso(shown(state.last_error_at, zone)),
        "pull_cursor": state.pull_cursor,
        "epoch": state.epoch,
        "config_version": state.config_version,
        "backoff_attempts": state.backoff_attempts,
        "next_attempt_at": _iso(shown(state.next_attempt_at, zone)),
    }
