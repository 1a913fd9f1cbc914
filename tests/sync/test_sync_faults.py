"""Faults between the window and the platform: lost answers, resets, garbage, epoch resets,
poison records. The oracle: every captured expediente is on the platform exactly once with the
same hash, the outbox drains, and a bad answer writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from central import admin
from desktop.context import AppContext
from desktop.demo import DEMO_BUNDLE_PATH
from localdb.models import Expediente, OutboxEntry, SyncState, Tramite
from sync.commands import sync_once_command
from sync.engine import SyncEngine
from sync.enroll import enroll
from sync.errors import GarbageResponse
from sync.machine_token import TOKEN_NAME
from sync.observer import ConnectionState
from sync.run_steps import ONE_ATTEMPT
from sync.status import sync_status
from tests.demo_office import open_demo_office
from tests.sync.central_server import CentralServer
from tests.sync.fake_platform import (
    FakePlatform,
    Responder,
    always_gone,
    captive_portal,
    wrong_json,
)
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import (
    ADMIN,
    capture_many,
    local_hashes,
    outbox_states,
    point_to,
    server_count,
    server_hashes,
    sync_state,
)
from wire.canonical import payload_sha256


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


@pytest.mark.parametrize("fault", ["drop_response", "reset_mid_body"])
def test_lost_push_answer_is_retried_without_duplicates(
        window: AppContext, central: CentralServer, proxy: FaultProxy, fault: str) -> None:
    capture_many(window, 20)
    point_to(window, proxy.url)
    proxy.arm(fault)
    engine = SyncEngine(window, retry=ONE_ATTEMPT)  # the next run, not this one, retries
    lost = engine.run_once(force=True)
    assert not lost.ok and lost.state == ConnectionState.SIN_CONEXION
    assert proxy.faults_fired == 1
    assert server_count(central.db) == 20  # the platform did commit
    assert outbox_states(window) == {"pending": 20}  # ... but we never heard it

    report = engine.run_once(force=True)
    assert report.ok and report.acked == 20
    assert server_hashes(central.db) == local_hashes(window)
    assert server_count(central.db) == 20
    assert outbox_states(window) == {"acked": 20}


def _poison(ctx: AppContext, uuid: str) -> None:
    """Alter the queued payload after capture so the platform must refuse it (hash mismatch)."""
    with ctx.write() as session:
        row = session.scalars(select(OutboxEntry).where(OutboxEntry.entity_uuid == uuid)).one()
        payload = json.loads(row.payload)
        payload["nombre"] = "Alterado Después"
        row.payload = json.dumps(payload)
        row.sha256 = payload_sha256(payload)


def test_rejected_mutation_shows_the_reason_and_does_not_block(
        window: AppContext, central: CentralServer) -> None:
    uuids = capture_many(window, 5)
    _poison(window, uuids[1])
    report = SyncEngine(window).run_once(force=True)
    assert report.ok and report.acked == 4 and report.rejected == 1
    with window.write() as session:
        rejected = session.scalars(select(OutboxEntry).where(
            OutboxEntry.state == "rejected")).one()
        assert rejected.entity_uuid == uuids[1]
        assert "content_sha256" in (rejected.last_error or "")
        assert session.get_one(Expediente, uuids[1]).sync_state == "rechazado"
        assert session.get_one(Expediente, uuids[2]).sync_state == "sincronizado"
    assert set(server_hashes(central.db)) == set(uuids) - {uuids[1]}


def test_sync_once_and_status_show_the_platforms_reason(
        window: AppContext, central: CentralServer, capsys: pytest.CaptureFixture[str]) -> None:
    uuids = capture_many(window, 3)
    _poison(window, uuids[1])
    assert sync_once_command(window) == 0
    with window.write() as session:
        folio = session.get_one(Expediente, uuids[1]).folio
        [shown] = sync_status(session)["rejected"]
    reason = "content_sha256 no coincide con el contenido del expediente"
    assert (f"Rechazado por la plataforma: {folio} (expediente.create): {reason}"
            in capsys.readouterr().err)
    assert (shown["folio"], shown["entity_uuid"], shown["reason"]) == (folio, uuids[1], reason)


def test_rejection_survives_a_lost_answer(window: AppContext, central: CentralServer,
                                          proxy: FaultProxy) -> None:
    """The retry of a batch whose answer was lost must still report the poison as rejected."""
    uuids = capture_many(window, 3)
    _poison(window, uuids[0])
    point_to(window, proxy.url)
    proxy.arm("drop_response")
    engine = SyncEngine(window, retry=ONE_ATTEMPT)  # the next run, not this one, retries
    assert not engine.run_once(force=True).ok
    report = engine.run_once(force=True)
    assert report.ok and report.rejected == 1
    assert outbox_states(window) == {"acked": 2, "rejected": 1}
    with window.write() as session:
        rejected = session.scalars(select(OutboxEntry).where(
            OutboxEntry.state == "rejected")).one()
        assert rejected.entity_uuid == uuids[0]
        assert "content_sha256" in (rejected.last_error or "")  # the server's recorded reason
    assert set(server_hashes(central.db)) == set(uuids[1:])


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakePlatform]:
    responder: Responder = request.param
    platform = FakePlatform(responder)
    yield platform
    platform.close()


def _snapshot(ctx: AppContext) -> tuple[object, ...]:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        tramites = len(session.scalars(select(Tramite)).all())
        fields = (state.pull_cursor, state.epoch, state.config_version, state.config_etag)
    return (*fields, tramites, json.dumps(local_hashes(ctx), sort_keys=True))


@pytest.mark.parametrize("fake", [captive_portal, wrong_json], indirect=True)
def test_garbage_answer_writes_nothing(window: AppContext, fake: FakePlatform) -> None:
    capture_many(window, 3)
    before = _snapshot(window)
    point_to(window, fake.url)
    report = SyncEngine(window).run_once(force=True)
    assert not report.ok and "no se reconoce" in report.message
    assert report.state == ConnectionState.SIN_CONEXION
    assert _snapshot(window) == before
    assert outbox_states(window) == {"pending": 3}
    state = sync_state(window)
    assert state.last_error == report.message and state.backoff_attempts == 1


@pytest.mark.parametrize("fake", [captive_portal, wrong_json], indirect=True)
def test_enrolling_against_garbage_changes_nothing(tmp_path: Path, fake: FakePlatform) -> None:
    ctx = open_demo_office(tmp_path / "nuevo")
    try:
        with pytest.raises(GarbageResponse) as refused:
            enroll(ctx, ADMIN, fake.url, "ABCD-EFGH-JKLM")
        assert "no se reconoce" in refused.value.message
        state = sync_state(ctx)
        assert state.demo and state.server_url is None
        from desktop.access.credentials import CredentialStore

        assert CredentialStore(ctx.data_dir).get(TOKEN_NAME) is None
    finally:
        ctx.close()


def test_epoch_reset_restarts_the_cursor_once(window: AppContext, other_window: AppContext,
                                              central: CentralServer) -> None:
    capture_many(other_window, 3)
    assert SyncEngine(other_window).run_once(force=True).ok
    engine = SyncEngine(window)
    assert engine.run_once(force=True).pulled == 3
    old_cursor = sync_state(window).pull_cursor
    new_epoch = admin.reset_epoch(central.db)

    report = engine.run_once(force=True)
    assert report.ok and report.pulled == 3  # re-read from 0 …
    state = sync_state(window)
    assert state.epoch == new_epoch and state.pull_cursor == old_cursor
    with window.write() as session:  # … without duplicating anything
        assert len(session.scalars(select(Expediente)).all()) == 3


@pytest.mark.parametrize("fake", [always_gone], indirect=True)
def test_a_platform_that_always_answers_410_does_not_loop(window: AppContext,
                                                          fake: FakePlatform) -> None:
    point_to(window, fake.url)
    report = SyncEngine(window).run_once(force=True)
    assert not report.ok
    assert fake.count("GET /v1/sync/pull") == 2  # the original and one retry from 0
    assert sync_state(window).pull_cursor == 0


def test_bundle_not_signed_by_the_pinned_key_is_refused(window: AppContext) -> None:
    epoch = sync_state(window).epoch
    demo_envelope = DEMO_BUNDLE_PATH.read_bytes()  # signed with the demo key, not the platform's

    def answer(_method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/v1/config"):
            return 200, {"Content-Type": "application/json", "ETag": '"9-x"'}, demo_envelope
        if path.startswith("/v1/sync/state"):  # nothing sent from this machine yet
            return 200, {"Content-Type": "application/json"}, b'{"last_mutation_id":0,"folios":{}}'
        body = {"changes": [], "next_cursor": 0, "has_more": False, "epoch": epoch}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    platform = FakePlatform(answer)
    try:
        before = _snapshot(window)
        point_to(window, platform.url)
        report = SyncEngine(window).run_once(force=True)
    finally:
        platform.close()
    assert not report.ok and report.state == ConnectionState.ERROR
    assert "firma" in report.message
    assert _snapshot(window) == before
