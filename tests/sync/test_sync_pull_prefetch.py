"""The pull fetches page k+1 while page k is applied (ARCHITECTURE §7): pages are still applied in
order, each with its cursor, and a failed fetch of page k+1 loses nothing of page k. The records
parsed in the fetch thread are the rows the store would write, used only under the same zone."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import JSON, select

from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SyncState
from sync.errors import PlatformUnreachable
from sync.pull import pull_changes
from sync.pull_page import load_plan
from sync.pull_prepare import JSON_COLUMNS, new_row, prepare_records
from sync.pull_records import parse_record
from tests.sync.machines import capture_many
from wire.protocol import Change, PullResponse

EPOCH = "e1"
WHEN = "2026-03-03T09:15:00Z"


class _Pages:
    """A platform's pull answers by cursor; `slow` delays one cursor's answer, `broken` fails it."""

    def __init__(self, pages: dict[int, PullResponse], slow: int | None = None,
                 broken: int | None = None) -> None:
        self.pages, self.slow, self.broken = pages, slow, broken
        self.asked: list[tuple[int, str]] = []

    def get_json_if_changed(self, _path: str, _model: type[PullResponse], params: dict[str, Any],
                            _etag: str) -> PullResponse:
        cursor = int(params["cursor"])
        self.asked.append((cursor, threading.current_thread().name))
        if cursor == self.slow:
            time.sleep(0.3)
        if cursor == self.broken:
            raise PlatformUnreachable("conexión perdida")
        return self.pages[cursor]

    def get_json(self, path: str, model: type[PullResponse],
                 params: dict[str, Any]) -> PullResponse:
        return self.get_json_if_changed(path, model, params, "")


def _status(status: str) -> dict[str, Any]:
    return {"status": status, "note": f"nota {status}", "official_folio": None,
            "changed_by": "revisor", "changed_at": WHEN}


def _three_pages(ctx: AppContext) -> tuple[dict[int, PullResponse], list[str]]:
    """Page 1 brings two records; page 2 a status of the first; page 3 a later status of it."""
    capture_many(ctx, 1)
    with ctx.write() as session:
        template = json.loads(session.scalars(select(OutboxEntry.payload)).first() or "{}")
        session.get_one(SyncState, 1).epoch = EPOCH
    records = [{**template, "uuid": str(uuid.uuid4()), "folio": f"HMO-V09-2026-{n:06d}",
                "nombre": f"Otra Persona {n}"} for n in (1, 2)]
    changes = [Change(version=1, kind="expediente.record", entity_uuid=records[0]["uuid"],
                      data=records[0]),
               Change(version=2, kind="expediente.record", entity_uuid=records[1]["uuid"],
                      data=records[1]),
               Change(version=3, kind="expediente.status", entity_uuid=records[0]["uuid"],
                      data=_status("en_revision")),
               Change(version=4, kind="expediente.status", entity_uuid=records[0]["uuid"],
                      data=_status("resuelto"))]
    pages = {0: PullResponse(changes=changes[:2], next_cursor=2, has_more=True, epoch=EPOCH),
             2: PullResponse(changes=changes[2:3], next_cursor=3, has_more=True, epoch=EPOCH),
             3: PullResponse(changes=changes[3:], next_cursor=4, has_more=False, epoch=EPOCH)}
    return pages, [r["uuid"] for r in records]


def _pull_cursor(ctx: AppContext) -> int:
    with ctx.read() as session:
        return session.get_one(SyncState, 1).pull_cursor


def test_prefetched_pages_are_applied_in_order(demo_ctx: AppContext) -> None:
    pages, (first, second) = _three_pages(demo_ctx)
    platform = _Pages(pages, slow=3)  # the last page arrives late: it must still come last
    outcome = pull_changes(demo_ctx, platform, max_pages=10)  # type: ignore[arg-type]
    assert [cursor for cursor, _ in platform.asked] == [0, 2, 3]
    assert all(name.startswith("pull-fetch") for _, name in platform.asked)
    assert outcome.changes == 4 and outcome.pages == 3 and outcome.set_aside == 0
    with demo_ctx.read() as session:
        assert session.get_one(Expediente, first).status == "resuelto"  # page 3 after page 2
        assert session.get_one(Expediente, second).status == "capturado"
    assert _pull_cursor(demo_ctx) == 4


def test_a_failed_fetch_of_the_next_page_keeps_the_page_before(demo_ctx: AppContext) -> None:
    pages, (first, second) = _three_pages(demo_ctx)
    platform = _Pages(pages, broken=3)
    with pytest.raises(PlatformUnreachable):
        pull_changes(demo_ctx, platform, max_pages=10)  # type: ignore[arg-type]
    with demo_ctx.read() as session:  # pages 1 and 2 saved with their cursor, page 3 not
        assert session.get_one(Expediente, first).status == "en_revision"
        assert session.get(Expediente, second) is not None
    assert _pull_cursor(demo_ctx) == 3
    platform.broken = None
    assert pull_changes(demo_ctx, platform, max_pages=10).changes == 1  # type: ignore[arg-type]
    assert _pull_cursor(demo_ctx) == 4


def test_a_page_dropped_because_the_cursor_moved_drops_what_was_fetched_after_it(
        demo_ctx: AppContext) -> None:
    pages, _ = _three_pages(demo_ctx)
    platform = _Pages(pages, slow=0)

    def another_process_pulls() -> None:  # moves the saved cursor while page 1 is in flight
        time.sleep(0.1)
        with demo_ctx.write() as session:
            session.get_one(SyncState, 1).pull_cursor = 3

    mover = threading.Thread(target=another_process_pulls)
    mover.start()
    outcome = pull_changes(demo_ctx, platform, max_pages=10)  # type: ignore[arg-type]
    mover.join()
    # Page 1 (asked after 0) and the page prefetched after it are dropped; the pull goes on
    # from the saved cursor, 3.
    assert [cursor for cursor, _ in platform.asked][-1] == 3
    assert outcome.changes == 1 and _pull_cursor(demo_ctx) == 4


def test_prepared_rows_hold_the_json_text_the_store_writes(demo_ctx: AppContext) -> None:
    pages, _ = _three_pages(demo_ctx)
    change = pages[0].changes[0]
    encode = JSON().bind_processor(demo_ctx.engine.dialect)  # the store's own serialiser
    assert encode is not None
    _, values = parse_record(change, "America/Hermosillo")
    row = new_row(change, "America/Hermosillo")
    assert {c: row[c] for c in JSON_COLUMNS} == {c: encode(values[c]) for c in JSON_COLUMNS}
    compact = {c: json.dumps(values[c], ensure_ascii=False, separators=(",", ":"))
               for c in JSON_COLUMNS}
    assert {c: row[c] for c in JSON_COLUMNS} == compact


def test_rows_prepared_under_another_zone_are_not_used(demo_ctx: AppContext) -> None:
    pages, _ = _three_pages(demo_ctx)
    changes = pages[0].changes
    with demo_ctx.read() as session:
        zone = load_plan(session, changes).zone
        assert load_plan(session, changes, prepare_records(changes, zone)).prepared
        assert not load_plan(session, changes, prepare_records(changes, "Europe/Madrid")).prepared
