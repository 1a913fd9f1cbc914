"""GET /v1/sync/pull: the changes of the machine's office after `cursor`, in version order.

The counter is read first and only versions up to it are returned: every writer bumps the counter
while holding its row lock until commit, so all versions ≤ the value read are committed and
visible. The cursor advances past the machine's own records (it has them), even when a page holds
none of anybody else's. `include_own=true` returns them too: a window restored from a copy asks so
once, to get back what it captured and sent after the copy was taken (sync/restore.py).

A poll is conditional (ARCHITECTURE §7): a window that sends `If-None-Match: poll_tag(epoch,
cursor)` gets `304 Not Modified` when its office has nothing after the cursor, answered from one
primary-key read of the office's counter. Most polls are answered before they reach this route,
by the same rules (`is_quiet`, `page_end`) in central.poll_front; it passes on the rest. The poll
writes nothing: `last_seen` is noted in memory and written in batches (central.seen).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.machine_report import note_report, window_report
from central.models import Change, Platform, ScopeCounter
from wire.protocol import MAX_PULL_LIMIT, PullResponse, poll_tag
from wire.window_report import WindowReport

router = APIRouter()

# Change versions are BIGINT: a cursor past the largest one is refused (422), not a 500.
MAX_CURSOR = 2**63 - 1


@router.get("/v1/sync/pull", response_model=PullResponse)
def pull(
    request: Request,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
    report: Annotated[WindowReport | None, Depends(window_report)],
    cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_CURSOR)] = MAX_PULL_LIMIT,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
    include_own: bool = False,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    request.app.state.seen.note(machine.id)
    if report is not None:  # written only when it says something new (central/machine_report.py)
        note_report(db, machine.id, report)
    if (not include_own and epoch is not None and if_none_match == poll_tag(epoch, cursor)
            and nothing_after(db, machine.office, epoch, cursor)):
        return Response(status_code=304, headers={"ETag": if_none_match})
    with db.read() as session:
        current_epoch = session.get_one(Platform, 1).epoch
        if epoch is not None and epoch != current_epoch:
            return JSONResponse(
                {"detail": "La plataforma cambió de época: reinicie la sincronización.",
                 "epoch": current_epoch},
                status_code=410,
            )
        page = read_changes(session, machine, cursor, min(limit, MAX_PULL_LIMIT), include_own)
    headers = {} if page.has_more else {"ETag": poll_tag(current_epoch, page.next_cursor)}
    return Response(page_json(page, current_epoch), media_type="application/json",
                    headers=headers)


def nothing_after(db: Database, office: str, epoch: str, cursor: int) -> bool:
    """True when the office has no change after `cursor` in `epoch`: one primary-key read of the
    office's counter (every writer bumps it in its transaction, so a commit shows here at once,
    whichever process made it), no page, no write."""
    with db.read() as session:
        row = session.execute(
            select(Platform.epoch, ScopeCounter.version)
            .select_from(Platform)
            .outerjoin(ScopeCounter, ScopeCounter.scope == office)
            .where(Platform.id == 1)
        ).one()
    return is_quiet(row.epoch, row.version or 0, epoch, cursor)


def is_quiet(current_epoch: str, office_version: int, epoch: str, cursor: int) -> bool:
    """The 304 rule: the window's epoch is the platform's and its office's counter is at or
    below the window's cursor (also applied in front of the app: central.poll_front)."""
    return current_epoch == epoch and office_version <= cursor


@dataclass(frozen=True)
class PageChange:
    version: int
    kind: str
    entity_uuid: str
    data: str  # the JSON text central stored


@dataclass(frozen=True)
class Page:
    changes: list[PageChange]
    next_cursor: int
    has_more: bool


def read_changes(session: Session, machine: MachineIdentity, cursor: int, limit: int,
                 include_own: bool = False) -> Page:
    top = session.scalar(
        select(ScopeCounter.version).where(ScopeCounter.scope == machine.office)
    ) or 0
    # The data as the text central stored (validated when it was written): no decoding here,
    # and page_json writes it as it is.
    query = select(Change.version, Change.kind, Change.entity_uuid,
                   cast(Change.data, Text).label("data")).where(
        Change.scope == machine.office, Change.version > cursor, Change.version <= top)
    if not include_own:
        query = query.where(
            or_(Change.origin_machine.is_(None), Change.origin_machine != machine.id))
    rows = session.execute(query.order_by(Change.version).limit(limit + 1)).all()
    changes = [PageChange(r.version, r.kind, r.entity_uuid, r.data) for r in rows[:limit]]
    next_cursor, has_more = page_end([r.version for r in rows], limit, top, cursor)
    return Page(changes, next_cursor, has_more)


def page_end(versions: list[int], limit: int, top: int, cursor: int) -> tuple[int, bool]:
    """`next_cursor` and `has_more` of a page read as up to `limit + 1` rows after `cursor` up
    to the office's counter `top`: past the last row sent when there are more, else past `top`
    (the machine's own changes, skipped, included)."""
    if len(versions) > limit:
        return versions[limit - 1], True
    return max(top, cursor), False


def page_json(page: Page, epoch: str) -> bytes:
    """The PullResponse as JSON, written directly: each change's data is the JSON text central
    stored, spliced in as it is (no decode and encode again, no second validation against the
    response model; the window validates every page it receives)."""
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    changes = ",".join(
        f'{{"version":{c.version},"kind":{text(c.kind)},"entity_uuid":{text(c.entity_uuid)},'
        f'"data":{c.data}}}' for c in page.changes)
    tail = json.dumps({"next_cursor": page.next_cursor, "has_more": page.has_more,
                       "epoch": epoch}, separators=(",", ":"))
    return f'{{"changes":[{changes}],{tail[1:]}'.encode()
