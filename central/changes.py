"""Writers append pull changes here; versions come from the scope's counter row.

`UPDATE scope_counters SET version = version + n … RETURNING version` locks the counter row until
the writer commits, so a later version can never be visible before an earlier one. Writers bump
the counter last (after their other row locks) to keep one lock order: machine → expediente →
counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from central.bulk_insert import insert_rows
from central.models import Change, ScopeCounter, table_of, utc_now


@dataclass(frozen=True)
class PendingChange:
    kind: str
    entity_uuid: str
    data: dict[str, Any]
    origin_machine: str | None = None


def ensure_scope(session: Session, scope: str) -> None:
    if session.get(ScopeCounter, scope) is None:
        session.add(ScopeCounter(scope=scope, version=0))
        session.flush()


def append_changes(session: Session, scope: str, changes: list[PendingChange]) -> int:
    """Write `changes` with consecutive versions; returns the scope's new version (0 if none).
    The counter row is bumped first and made only when the bump found none (an office's first
    change): no look-up before every batch."""
    if not changes:
        return 0
    last = _bump(session, scope, len(changes))
    if last is None:
        ensure_scope(session, scope)
        last = _bump(session, scope, len(changes))
    assert last is not None
    first = last - len(changes) + 1
    now = utc_now()
    insert_rows(
        session, table_of(Change),
        [
            {
                "scope": scope, "version": first + i, "kind": c.kind,
                "entity_uuid": c.entity_uuid, "origin_machine": c.origin_machine,
                "data": c.data, "created_at": now,
            }
            for i, c in enumerate(changes)
        ],
    )
    return last


def _bump(session: Session, scope: str, count: int) -> int | None:
    """The scope's counter moved on by `count` (its row locked until commit); None: no row."""
    counters = table_of(ScopeCounter).c
    last = session.execute(
        update(table_of(ScopeCounter))
        .where(counters.scope == scope)
        .values(version=counters.version + count)
        .returning(counters.version)
    ).scalar_one_or_none()
    return None if last is None else int(last)
