"""A long pull's pages are fetched and parsed in a worker process (ARCHITECTURE §7,
sync.pull_worker): it stores what the thread stores, a page it cannot trust changes nothing, the
worker is gone when the pull ends (and when the window dies), a dead worker loses no page, and
a page crossing back keeps every change's data for what is set aside."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import sync.pull_worker
from desktop.clock import office_zone
from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SetAsideChange, SyncState
from sync.engine import SyncEngine
from sync.errors import (
    EpochChanged,
    GarbageResponse,
    MachineNotAuthorized,
    NotEnrolled,
    PlatformBusy,
    PlatformUnreachable,
    RequestRefused,
    SyncError,
    TlsFailure,
)
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull import apply_page, pull_changes
from sync.pull_fetch import PulledPage
from sync.pull_prepare import prepare_records
from sync.pull_worker import PageFetcher
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import capture_many, enrolled_context
from wire.protocol import Change, PullResponse

PAGE = 2  # changes per page: 7 records are four pages
WORKER_STARTED = "fetched in a worker process"


class _StandIn:
    """The same platform through an object that is not a PlatformClient: pages stay in the
    thread."""

    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    def get_json(self, path: str, model: type[PullResponse],
                 params: dict[str, Any]) -> PullResponse:
        return self.client.get_json(path, model, params)

    def get_json_if_changed(self, path: str, model: type[PullResponse], params: dict[str, Any],
                            etag: str) -> PullResponse | None:
        return self.client.get_json_if_changed(path, model, params, etag)


def _client(ctx: AppContext, url: str) -> PlatformClient:
    return PlatformClient(url, load_machine_token(ctx.data_dir))


def _rows(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.read() as session:
        return [tuple(row) for row in session.execute(
            text("SELECT * FROM expedientes ORDER BY uuid"))]


def _cursor(ctx: AppContext) -> int:
    with ctx.read() as session:
        return session.get_one(SyncState, 1).pull_cursor


@pytest.fixture
def seven_records(other_window: AppContext) -> AppContext:
    capture_many(other_window, 7)
    assert SyncEngine(other_window).run_once(force=True).ok
    return other_window


def test_a_long_pull_goes_through_a_worker_and_stores_what_the_thread_stores(
        tmp_path: Path, window: AppContext, seven_records: AppContext, central: CentralServer,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sync.pull_worker")
    with _client(window, central.url) as client:
        outcome = pull_changes(window, client, page_size=PAGE)
    assert outcome.changes == 7 and outcome.pages == 4 and outcome.set_aside == 0
    assert WORKER_STARTED in caplog.text
    assert multiprocessing.active_children() == []  # shut down with the pull
    third = enrolled_context(tmp_path / "v03", central, "V03")
    try:
        caplog.clear()
        with _client(third, central.url) as client:
            assert pull_changes(third, _StandIn(client), page_size=PAGE).changes == 7
        assert WORKER_STARTED not in caplog.text
        assert _rows(window) == _rows(third) and len(_rows(window)) == 7
        assert _cursor(window) == _cursor(third)
        with _client(third, central.url) as client:  # one page, the usual poll: no worker
            assert pull_changes(third, client).pages == 1
        assert WORKER_STARTED not in caplog.text
    finally:
        third.close()


def test_with_one_usable_core_every_page_stays_in_the_thread(
        window: AppContext, seven_records: AppContext, central: CentralServer,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO, logger="sync.pull_worker")
    monkeypatch.setattr(sync.pull_worker, "usable_cores", lambda: 1)
    with _client(window, central.url) as client:
        assert pull_changes(window, client, page_size=PAGE).changes == 7
    assert WORKER_STARTED not in caplog.text and len(_rows(window)) == 7


@pytest.mark.parametrize("fault", ["middlebox", "garbage"])
def test_a_page_the_worker_cannot_trust_changes_nothing(
        window: AppContext, seven_records: AppContext, central: CentralServer,
        fault: str) -> None:
    proxy = FaultProxy(central.port)
    try:
        proxy.arm(fault, prefix=b"GET /v1/sync/pull", skip=2)  # the third page, in the worker
        with _client(window, proxy.url) as client, pytest.raises(SyncError) as failed:
            pull_changes(window, client, page_size=PAGE)
        if fault == "middlebox":
            assert isinstance(failed.value, GarbageResponse), (vars(failed.value),
                                                               proxy.request_lines)
            assert "No se guardó nada de esa respuesta" in failed.value.message
        assert multiprocessing.active_children() == []
        assert len(_rows(window)) == 2 * PAGE  # the two pages before it, with their cursor
        before = _cursor(window)
        proxy.disarm()
        with _client(window, proxy.url) as client:
            assert pull_changes(window, client, page_size=PAGE).changes == 7 - 2 * PAGE
        assert _cursor(window) > before and len(_rows(window)) == 7
    finally:
        proxy.close()


def test_a_dead_worker_loses_no_page(window: AppContext, seven_records: AppContext,
                                     central: CentralServer) -> None:
    with window.read() as session:
        zone = office_zone(session)
    with (_client(window, central.url) as client,
          PageFetcher(client, False, zone, PAGE) as fetcher):
        first = fetcher.take(fetcher.ask(0, None, more=True), 0, None)  # in the worker
        assert len(first.page.changes) == PAGE
        for child in multiprocessing.active_children():
            os.kill(child.pid or 0, 9)
        time.sleep(0.2)
        again = fetcher.take(fetcher.ask(0, None, more=True), 0, None)  # in the thread
    assert [first.prepared.full(c) for c in first.page.changes] == again.page.changes
    assert first.prepared.rows == again.prepared.rows
    assert multiprocessing.active_children() == []


_KILLED_WINDOW = """
import os, signal, sys, multiprocessing
from pathlib import Path
from desktop.context import open_context
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull_worker import PageFetcher
ctx = open_context(Path(sys.argv[1]))
fetcher = PageFetcher(PlatformClient(sys.argv[2], load_machine_token(ctx.data_dir)), False,
                      "America/Hermosillo", 2)
fetcher.take(fetcher.ask(0, None, more=True), 0, None)
print(" ".join(str(c.pid) for c in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_worker_ends_when_the_window_is_killed(window: AppContext, seven_records: AppContext,
                                                    central: CentralServer) -> None:
    killed = subprocess.run([sys.executable, "-c", _KILLED_WINDOW, str(window.data_dir),
                             central.url], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr[-2000:]
    workers = [int(pid) for pid in killed.stdout.split()]
    assert workers
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.parametrize("error", [
    TlsFailure(), PlatformBusy(503, "7"), EpochChanged("e2"), EpochChanged(None),
    GarbageResponse("content-type 'text/html'"), PlatformUnreachable("ConnectionError", True),
    RequestRefused(422, "cursor fuera de rango"), MachineNotAuthorized("revocada"), NotEnrolled(),
])
def test_a_sync_error_crosses_from_the_worker_whole(error: SyncError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert again.args == error.args and vars(again) == vars(error)
    assert again.message == error.message


def _page(ctx: AppContext) -> tuple[PullResponse, str]:
    """Three records (the second of a trámite version this store lacks) and a status of the
    first, as the platform sends them."""
    capture_many(ctx, 1)
    with ctx.read() as session:
        template = json.loads(session.scalars(select(OutboxEntry.payload)).first() or "{}")
        zone = office_zone(session)
    records = [{**template, "uuid": f"0190a0a0-0000-7000-8000-00000000000{n}",
                "folio": f"HMO-V09-2026-{n:06d}", "nombre": f"Otra Persona {n}"}
               for n in (1, 2, 3)]
    records[1]["tramite_version"] = 99
    changes = [Change(version=n + 1, kind="expediente.record", entity_uuid=r["uuid"], data=r)
               for n, r in enumerate(records)]
    changes.append(Change(version=4, kind="expediente.status", entity_uuid=records[0]["uuid"],
                          data={"status": "en_revision", "note": "nota", "official_folio": None,
                                "changed_by": "revisor", "changed_at": "2026-03-03T09:15:00Z"}))
    return PullResponse(changes=changes, next_cursor=4, has_more=False, epoch="e1"), zone


def test_a_page_crosses_back_thin_and_keeps_every_change_s_data(demo_ctx: AppContext) -> None:
    page, zone = _page(demo_ctx)
    pulled = PulledPage(page, prepare_records(page.changes, zone))
    crossed = pickle.loads(pickle.dumps(pulled))
    assert crossed.prepared.rows == pulled.prepared.rows
    assert [crossed.prepared.full(c) for c in crossed.page.changes] == page.changes
    assert crossed.page.changes[0].data == {}  # a record whose row came along: data packed apart
    assert crossed.page.changes[3] == page.changes[3]
    with demo_ctx.write() as session:
        session.get_one(SyncState, 1).epoch = "e1"
    with demo_ctx.write() as session:
        assert apply_page(session, crossed.page, 0, "e1", prepared=crossed.prepared) == 4
    with demo_ctx.read() as session:
        aside = session.scalars(select(SetAsideChange)).all()
        assert [(a.version, a.data) for a in aside] == [(2, page.changes[1].data)]
        first = session.get_one(Expediente, page.changes[0].entity_uuid)
        assert first.status == "en_revision" and first.folio == "HMO-V09-2026-000001"


def test_a_thin_page_prepared_under_another_zone_is_parsed_again_in_full(
        demo_ctx: AppContext) -> None:
    page, zone = _page(demo_ctx)
    crossed = pickle.loads(pickle.dumps(PulledPage(page, prepare_records(page.changes,
                                                                         "Europe/Madrid"))))
    assert crossed.page.changes[0].data == {}
    expected = prepare_records(page.changes, zone).rows[1]
    with demo_ctx.write() as session:
        session.get_one(SyncState, 1).epoch = "e1"
    with demo_ctx.write() as session:
        assert apply_page(session, crossed.page, 0, "e1", prepared=crossed.prepared) == 4
    with demo_ctx.read() as session:
        first = session.get_one(Expediente, page.changes[0].entity_uuid)
        assert first.captured_at == expected["captured_at"] and first.folio == expected["folio"]
        assert first.nombre == expected["nombre"] and first.status == "en_revision"
