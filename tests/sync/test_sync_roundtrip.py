"""End to end against the real central on loopback: enroll, capture offline, sync, pull back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from central import admin
from central.models import Attachment as CentralAttachment
from central.models import MutationRecord
from desktop.context import AppContext
from localdb.models import Attachment, AuditEntry, Expediente, Tramite
from sync.engine import SyncEngine
from sync.machine_token import load_machine_token
from sync.observer import ConnectionState, SyncStatus
from tests.sync.central_server import OFFICE, CentralServer, central_db_url
from tests.sync.machines import (
    capture_many,
    local_hashes,
    outbox_states,
    publish_bundle,
    server_hashes,
    sync_state,
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """These tests run against central on SQLite and on PostgreSQL."""
    with central_db_url(request.param, tmp_path / "central") as url:
        yield url


class Recorder:
    def __init__(self) -> None:
        self.states: list[SyncStatus] = []

    def on_sync_state(self, state: SyncStatus) -> None:
        self.states.append(state)


def test_enrollment_stores_identity_token_and_audit(window: AppContext,
                                                    central: CentralServer) -> None:
    state = sync_state(window)
    assert not state.demo and state.server_url == central.url
    assert state.oficina == OFFICE and state.ventanilla == "V01"
    assert state.machine_id.startswith("M") and state.epoch and state.platform_public_key
    assert load_machine_token(window.data_dir)
    with window.write() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "sync.enrolado")).one()
    assert entry.entity == state.machine_id
    assert [m.id for m in admin.list_machines(central.db)] == [state.machine_id]


def test_200_offline_captures_reach_the_platform_exactly_once(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    central.stop()  # the platform goes away; the window keeps capturing
    uuids = capture_many(window, 200, tmp_path / "anexos", with_attachments=3)
    recorder = Recorder()
    engine = SyncEngine(window, recorder)
    offline = engine.run_once(force=True)
    assert not offline.ok and offline.state == ConnectionState.SIN_CONEXION
    assert "Sin conexión" in offline.message and offline.pending == 200
    assert outbox_states(window) == {"pending": 200}

    central.start()  # same port, same database
    report = engine.run_once(force=True)
    assert report.ok, report.message
    assert report.acked == 200 and report.pending == 0
    machine_id = sync_state(window).machine_id
    assert server_hashes(central.db, machine_id) == local_hashes(window)
    assert len(uuids) == len(set(server_hashes(central.db))) == 200
    assert outbox_states(window) == {"acked": 200}
    with window.write() as session:
        assert set(session.scalars(select(Expediente.sync_state))) == {"sincronizado"}
        hashes = set(session.scalars(select(Attachment.sha256)))
        assert all(session.scalars(select(Attachment.uploaded)))
    with central.db.read() as s:
        stored = {a.sha256: hashlib.sha256(a.content).hexdigest()
                  for a in s.scalars(select(CentralAttachment))}
        # uploaded before the mutations naming them: none was applied with "faltan adjuntos"
        notes = set(s.scalars(select(MutationRecord.error)))
    assert len(hashes) == 3 and hashes <= set(stored)
    assert all(key == digest for key, digest in stored.items()) and notes == {None}
    assert [s.state for s in recorder.states][-2:] == [ConnectionState.SINCRONIZANDO,
                                                       ConnectionState.CONECTADO]
    state = sync_state(window)
    assert state.last_success_at and state.last_error is None and state.backoff_attempts == 0


def test_status_set_on_the_platform_reaches_the_counter(
        window: AppContext, central: CentralServer) -> None:
    [uuid] = capture_many(window, 1)
    engine = SyncEngine(window)
    assert engine.run_once(force=True).ok
    with window.write() as session:
        folio = session.get_one(Expediente, uuid).folio
    admin.set_status(central.db, folio, "validado", note="Documentos completos",
                     official_folio="TES-2026-77")
    report = engine.run_once(force=True)
    assert report.ok and report.pulled == 1
    with window.write() as session:
        row = session.get_one(Expediente, uuid)
        assert (row.status, row.status_note, row.official_folio) == (
            "validado", "Documentos completos", "TES-2026-77")
    assert sync_state(window).pull_cursor >= 1


def test_records_of_another_window_arrive_by_pull(
        window: AppContext, other_window: AppContext) -> None:
    uuids = capture_many(other_window, 3, prefix="Ventanilla Dos")
    assert SyncEngine(other_window).run_once(force=True).ok
    report = SyncEngine(window).run_once(force=True)
    assert report.ok and report.pulled == 3
    origin = sync_state(other_window).machine_id
    with window.write() as session:
        rows = [session.get_one(Expediente, u) for u in uuids]
    assert {r.origin_machine for r in rows} == {origin}
    assert {r.sync_state for r in rows} == {"sincronizado"}
    assert outbox_states(window) == {}  # pulled records are not pushed back
    assert local_hashes(window) == local_hashes(other_window)


def test_published_bundle_reaches_the_counter(window: AppContext,
                                              central: CentralServer) -> None:
    publish_bundle(central.db, 2)
    engine = SyncEngine(window)
    report = engine.run_once(force=True)
    assert report.ok and report.config_version == 2
    assert sync_state(window).config_version == 2
    assert engine.run_once(force=True).config_version is None  # 304: nothing new

    publish_bundle(central.db, 3, extra_tramite="HMO-NUEVO-001")
    report = engine.run_once(force=True)
    assert report.ok and report.config_version == 3
    with window.write() as session:
        nuevo = session.scalars(select(Tramite).where(Tramite.homoclave == "HMO-NUEVO-001")).one()
    assert nuevo.active and nuevo.bundle_version == 3
    assert sync_state(window).config_etag
