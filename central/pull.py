"""GET /v1/sync/pull: the changes of the machine's office after `cursor`, in version order.

The counter is read first and only versions up to it are returned: every writer bumps the counter
while holding its row lock until commit, so all versions ≤ the value read are committed and
visible. The cursor advances past the machine's own records (it has them), even when a page holds
none of anybody else's. `include_own=true` returns them too: a window restored from a copy asks so
once, to get back what it captured and sent after the copy was taken (sync/restore.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.machine_report import note_seen, report_due, window_report
from central.models import Change, Platform, ScopeCounter
from wire.protocol import MAX_PULL_LIMIT, PullResponse
from wire.protocol import Change as WireChange
from wire.window_report import WindowReport

router = APIRouter()

# Change versions are BIGINT: a cursor past the largest one is refused (422), not a 500.
MAX_CURSOR = 2**63 - 1


@router.get("/v1/sync/pull", response_model=PullResponse)
def pull(
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
    report: Annotated[WindowReport | None, Depends(window_report)],
    cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_CURSOR)] = MAX_PULL_LIMIT,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
    include_own: bool = False,
) -> PullResponse | JSONResponse:
    with db.read() as session:
        current_epoch = session.get_one(Platform, 1).epoch
        if epoch is not None and epoch != current_epoch:
            return JSONResponse(
                {"detail": "La plataforma cambió de época: reinicie la sincronización.",
                 "epoch": current_epoch},
                status_code=410,
            )
        page = read_changes(session, machine, cursor, min(limit, MAX_PULL_LIMIT), include_own)
        due = report_due(session, machine.id, report)
    if due:  # last_seen and the window's report, written only when they move (machine_report)
        note_seen(db, machine.id, report)
    return PullResponse(
        changes=page.changes, next_cursor=page.next_cursor, has_more=page.has_more,
        epoch=current_epoch,
    )


@dataclass(frozen=True)
class Page:
    changes: list[WireChange]
    next_cursor: int
    has_more: bool


def read_changes(session: Session, machine: MachineIdentity, cursor: int, limit: int,
                 include_own: bool = False) -> Page:
    top = session.scalar(
        select(ScopeCounter.version).where(ScopeCounter.scope == machine.office)
    ) or 0
    query = select(Change).where(
        Change.scope == machine.office, Change.version > cursor, Change.version <= top)
    if not include_own:
        query = query.where(
            or_(Change.origin_machine.is_(None), Change.origin_machine != machine.id))
    rows = session.scalars(
        query.order_by(Change.version)
        .limit(limit + 1)
    ).all()
    changes = [
        WireChange(version=r.version, kind=r.kind, entity_uuid=r.entity_uuid, data=r.data)
        for r in rows[:limit]
    ]
    if len(rows) > limit:
        return Page(changes, changes[-1].version, True)
    return Page(changes, max(top, cursor), False)

