"""Set-based sync (issue 15): a pulled page applied with a few batched statements leaves the same
store as applying it change by change, set-asides included; a batched write the store refuses
falls back to change by change; the pipelined push stays exactly-once when an answer is lost."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

import sync.pull
import sync.push
from central.models import Machine, MutationRecord
from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SetAsideChange, SyncState
from sync import pull_page
from sync.engine import SyncEngine
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull import apply_page, pull_changes
from sync.run_steps import ONE_ATTEMPT
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import (
    capture_many,
    local_hashes,
    outbox_states,
    point_to,
    server_count,
    server_hashes,
)
from wire.protocol import Change, PullResponse

WHEN = "2026-03-03T09:15:00"


class _RolledBack(Exception):
    pass


def _record(template: dict[str, Any], n: int, **changes: Any) -> dict[str, Any]:
    data = {**template, "uuid": str(uuid.uuid4()), "folio": f"HMO-V09-2026-{n:06d}",
            "nombre": f"Otra Persona {n}", **changes}
    return data


def _status(status: str, folio: str | None = None) -> dict[str, Any]:
    return {"status": status, "note": f"nota {status}", "official_folio": folio,
            "changed_by": "revisor", "changed_at": WHEN}


def _payment(uuid_: str, folio: str, method: str = "efectivo") -> dict[str, Any]:
    return {"uuid": uuid_, "folio": folio, "method": method, "reference": None,
            "amount": "150.00", "paid_by": "cajero", "paid_at": WHEN}


def _mixed_page(ctx: AppContext) -> PullResponse:
    """New, updated and bad changes, and changes that must wait behind a bad one."""
    a, b = capture_many(ctx, 2)
    with ctx.read() as session:
        template = json.loads(session.scalars(select(OutboxEntry.payload)).first() or "{}")
        folio_a = session.get_one(Expediente, a).folio
        folio_b = session.get_one(Expediente, b).folio
    new = _record(template, 1)
    missing = _record(template, 2, tramite_version=99)
    clash = _record(template, 3, folio=folio_a)
    broken = {k: v for k, v in _record(template, 4).items() if k != "folio"}
    user = {"username": "alguien", "full_name": "Alguien", "role": "operador", "office": "HMO",
            "active": True, "changed_at": WHEN}
    changes = [
        ("expediente.record", new["uuid"], new),
        ("expediente.status", new["uuid"], _status("en_revision", "OF-1")),
        ("expediente.payment", new["uuid"], _payment(new["uuid"], new["folio"])),
        ("expediente.status", a, _status("validado")),
        ("expediente.payment", b, _payment(b, folio_b)),
        ("expediente.payment", b, _payment(b, folio_b, "tarjeta")),  # already paid: skipped
        ("expediente.status", str(uuid.uuid4()), _status("resuelto")),  # not here: skipped
        ("expediente.status", a, _status("en_marte")),  # unknown status: set aside
        ("expediente.status", a, _status("resuelto")),  # waits behind it
        ("expediente.record", missing["uuid"], missing),  # trámite version absent: aside
        ("expediente.status", missing["uuid"], _status("resuelto")),  # waits
        ("expediente.record", clash["uuid"], clash),  # folio of another: skipped
        ("expediente.record", broken["uuid"], broken),  # malformed: aside
        ("expediente.cita", a, {"fecha": "2026-12-01"}),  # unknown kind: skipped
        ("expediente.record", new["uuid"], new),  # again: skipped
        ("user.changed", str(uuid.uuid4()), user),  # a user this window does not cache
        ("expediente.status", new["uuid"], _status("resuelto")),  # keeps OF-1
    ]
    with ctx.write() as session:
        session.get_one(SyncState, 1).epoch = "e1"
    return PullResponse(changes=[Change(version=v, kind=k, entity_uuid=e, data=d)
                                 for v, (k, e, d) in enumerate(changes, 1)],
                        next_cursor=len(changes), has_more=False, epoch="e1")


def _store(ctx: AppContext, page: PullResponse, set_based: bool) -> tuple[Any, ...]:
    """The store after applying `page`, then rolled back (each mode starts from the same one)."""
    found: tuple[Any, ...] = ()
    try:
        with ctx.write() as session:
            cursor = session.get_one(SyncState, 1).pull_cursor
            assert apply_page(session, page, cursor, "e1", set_based=set_based) == len(
                page.changes)
            rows = session.scalars(select(Expediente).order_by(Expediente.uuid)).all()
            expedientes = [{c.key: getattr(r, c.key) for c in Expediente.__mapper__.column_attrs}
                           for r in rows]
            aside = session.execute(select(
                SetAsideChange.version, SetAsideChange.entity_uuid, SetAsideChange.reason)
                .order_by(SetAsideChange.version)).all()
            # the instants as stored (text): a pulled row's as the ORM writes them, so the
            # list's keyset order and equality hold across captured and pulled rows
            stored = [tuple(r) for r in session.execute(text(
                "SELECT uuid, captured_at, status_at, paid_at FROM expedientes ORDER BY uuid"))]
            found = (expedientes, [tuple(r) for r in aside],
                     session.get_one(SyncState, 1).pull_cursor, stored)
            raise _RolledBack
    except _RolledBack:
        pass
    return found


def test_a_mixed_page_set_based_leaves_the_same_store(demo_ctx: AppContext,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    page = _mixed_page(demo_ctx)
    one_by_one = _store(demo_ctx, page, set_based=False)

    def fell_back(*_args: Any) -> None:
        raise AssertionError("the set-based write was refused")

    with monkeypatch.context() as patch:  # the batched write itself must succeed
        patch.setattr(sync.pull, "_apply_one_by_one", fell_back)
        set_based = _store(demo_ctx, page, set_based=True)

    expedientes, aside, cursor, _ = one_by_one
    assert len(expedientes) == 3 and cursor == len(page.changes)
    assert [v for v, _, _ in aside] == [8, 9, 10, 11, 13, 14]  # 14: behind 8
    new = next(e for e in expedientes if e["folio"] == "HMO-V09-2026-000001")
    assert (new["status"], new["official_folio"], new["payment_method"]) == (
        "resuelto", "OF-1", "efectivo")
    assert set_based == one_by_one

    def refused(*_args: Any) -> None:
        raise IntegrityError("INSERT …", {}, Exception("refused"))

    monkeypatch.setattr(pull_page, "write_plan", refused)
    assert _store(demo_ctx, page, set_based=True) == one_by_one  # fell back, change by change


def test_a_quiet_poll_is_answered_304_and_writes_nothing(
        window: AppContext, other_window: AppContext, central: CentralServer) -> None:
    capture_many(other_window, 2)
    assert SyncEngine(other_window).run_once(force=True).ok
    statuses: list[int] = []
    with PlatformClient(central.url, load_machine_token(window.data_dir)) as client:
        client._http.hooks["response"].append(lambda r, **_: statuses.append(r.status_code))
        first = pull_changes(window, client)
        with window.read() as session:
            state = session.get_one(SyncState, 1)
            cursor, epoch = state.pull_cursor, state.epoch
        again = pull_changes(window, client)
    assert epoch and first.changes == 2 and again.pages == 1 and again.changes == 0
    assert statuses == [200, 304]
    with window.read() as session:
        assert session.get_one(SyncState, 1).pull_cursor == cursor


@pytest.fixture
def proxy(central: CentralServer) -> Any:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


@pytest.mark.parametrize("fault", ["drop_response", "reset_mid_body"])
def test_a_lost_answer_in_the_push_pipeline_is_exactly_once(
        window: AppContext, central: CentralServer, proxy: FaultProxy, fault: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync.push, "batch_size", lambda _url: 5)
    capture_many(window, 12)
    point_to(window, proxy.url)
    proxy.arm(fault, skip=1)  # the second batch: central commits it, its answer is lost
    engine = SyncEngine(window, retry=ONE_ATTEMPT)
    assert not engine.run_once(force=True).ok
    assert server_count(central.db) == 10  # batches 1 and 2 committed, batch 3 never sent
    assert proxy.seen(b"POST /v1/sync/push") == 2
    assert outbox_states(window) == {"acked": 5, "pending": 7}

    report = engine.run_once(force=True)
    assert report.ok and report.acked == 7
    assert outbox_states(window) == {"acked": 12}
    assert server_hashes(central.db) == local_hashes(window)
    with central.db.read() as session:
        recorded = session.scalar(select(func.count()).select_from(MutationRecord))
        last = session.scalar(select(func.max(Machine.last_mutation_id)))
    assert recorded == 12 and last == 12  # each mutation applied once, in order
