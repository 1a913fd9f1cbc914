"""Sync that cannot lose scans or stall: anexos confirmed by the platform's receipt only, pulled
changes that cannot be applied set aside (the cursor moves on), and runs whose steps retry and
keep going under faults. Real central on loopback, real SQLite files, the TCP fault proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from central import admin
from central.changes import PendingChange, append_changes
from central.models import Attachment as CentralAttachment
from central.models import Change as CentralChange
from desktop.capture.blobs import read_blob
from desktop.context import AppContext
from localdb.migrate import downgrade, upgrade_to_head
from localdb.models import Attachment, Expediente, Tramite
from sync.engine import SyncEngine
from sync.status import sync_status
from tests.sync.central_server import OFFICE, CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import capture_many, outbox_states, point_to, server_count, sync_state

ANEXO_REQUESTS = (b"HEAD /v1/attachments/", b"PUT /v1/attachments/")


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


def _scan(window: AppContext, uuid: str) -> tuple[str, bytes]:
    with window.write() as session:
        sha = session.scalars(select(Attachment.sha256).where(
            Attachment.expediente_uuid == uuid)).one()
    return sha, read_blob(window.blobs, sha)


def _on_central(central: CentralServer, sha: str) -> bytes | None:
    with central.db.read() as session:
        return session.scalar(select(CentralAttachment.content).where(
            CentralAttachment.sha256 == sha))


def _sync_state_of(window: AppContext, uuid: str) -> str:
    with window.write() as session:
        return session.get_one(Expediente, uuid).sync_state


def test_a_middlebox_200_html_never_counts_as_an_uploaded_scan(
        window: AppContext, central: CentralServer, proxy: FaultProxy, tmp_path: Path) -> None:
    [uuid] = capture_many(window, 1, tmp_path / "anexos", with_attachments=1)
    sha, content = _scan(window, uuid)
    point_to(window, proxy.url)
    proxy.arm("middlebox", ANEXO_REQUESTS, count=1_000)  # a proxy answers every anexo request
    engine = SyncEngine(window)

    blocked = engine.run_once(force=True)

    assert proxy.faults_fired >= 2 and _on_central(central, sha) is None
    assert server_count(central.db) == 1  # the captured data did go through …
    assert outbox_states(window) == {"acked": 1}
    assert _sync_state_of(window, uuid) == "faltan_anexos"  # … but it is not called synced
    assert not blocked.ok and blocked.failed_steps == ("anexos",)
    assert blocked.message.startswith("No se pudo subir anexos.")
    assert blocked.missing_anexos == 1
    with window.write() as session:
        assert sync_status(session)["missing_anexos"] == 1

    proxy.disarm()
    report = engine.run_once(force=True)

    assert report.ok and report.missing_anexos == 0, report.message
    assert _on_central(central, sha) == content
    assert _sync_state_of(window, uuid) == "sincronizado"


def test_an_expediente_whose_anexos_were_all_confirmed_before_a_kill_is_settled(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """A run killed after the platform's receipts were marked but before the expediente was
    settled leaves it `faltan_anexos` with every anexo confirmed (the soak found 9 so): the
    next run settles it, it is not stranded."""
    [uuid] = capture_many(window, 1, tmp_path / "anexos", with_attachments=1)
    sha, content = _scan(window, uuid)
    assert SyncEngine(window).run_once(force=True).ok  # delivers the scan and settles
    with window.write() as session:  # as the kill left it: receipt marked, not settled
        session.execute(update(Expediente).where(Expediente.uuid == uuid)
                        .values(sync_state="faltan_anexos"))
        assert session.scalar(select(Attachment.uploaded).where(
            Attachment.expediente_uuid == uuid)) is True

    report = SyncEngine(window).run_once(force=True)

    assert report.ok and report.missing_anexos == 0, report.message
    assert _on_central(central, sha) == content
    assert _sync_state_of(window, uuid) == "sincronizado"


def test_one_middlebox_answer_is_retried_within_the_run(
        window: AppContext, central: CentralServer, proxy: FaultProxy, tmp_path: Path) -> None:
    [uuid] = capture_many(window, 1, tmp_path / "anexos", with_attachments=1)
    sha, content = _scan(window, uuid)
    point_to(window, proxy.url)
    proxy.arm("middlebox", (b"PUT /v1/attachments/",), count=1)

    report = SyncEngine(window).run_once(force=True)

    assert proxy.faults_fired == 1
    assert report.ok and report.failed_steps == (), report.message
    assert _on_central(central, sha) == content
    assert _sync_state_of(window, uuid) == "sincronizado"


def test_a_scan_believed_uploaded_but_missing_on_central_is_sent_again(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """What earlier versions left behind: uploaded=True locally, nothing on the platform. The
    platform's push answer names the scan; the window re-sends it before calling it synced."""
    [uuid] = capture_many(window, 1, tmp_path / "anexos", with_attachments=1)
    sha, content = _scan(window, uuid)
    with window.write() as session:
        session.execute(update(Attachment).values(uploaded=True))

    report = SyncEngine(window).run_once(force=True)

    assert report.ok and report.acked == 1, report.message
    assert _on_central(central, sha) == content
    assert _sync_state_of(window, uuid) == "sincronizado"


def _record_of_other_window(central: CentralServer, other_window: AppContext) -> dict[str, Any]:
    capture_many(other_window, 1, prefix="Otra")
    assert SyncEngine(other_window).run_once(force=True).ok
    with central.db.read() as session:
        return dict(session.scalars(select(CentralChange.data).where(
            CentralChange.kind == "expediente.record")).one())


def _append(central: CentralServer, *changes: PendingChange) -> None:
    with central.db.write() as session:
        append_changes(session, OFFICE, list(changes))


def test_a_change_that_cannot_be_applied_is_set_aside_and_pull_goes_on(
        window: AppContext, other_window: AppContext, central: CentralServer) -> None:
    record = _record_of_other_window(central, other_window)
    future = {**record, "uuid": "0b7c2a7e-0000-4000-8000-000000000099",
              "folio": "HMO-V02-2026-999999", "tramite_version": 99}
    status = {"uuid": future["uuid"], "folio": future["folio"], "status": "en_revision",
              "note": "En revisión", "official_folio": None}
    _append(central,
            PendingChange("expediente.record", future["uuid"], future),
            PendingChange("expediente.status", future["uuid"], status),
            PendingChange("expediente.record", "basura", {"uuid": "basura", "total": "x"}))
    admin.set_status(central.db, record["folio"], "validado", "Listo")  # a later change

    report = SyncEngine(window).run_once(force=True)

    assert report.ok and report.set_aside == 3, report.message
    assert "3 cambio(s) recibido(s) apartado(s)" in report.message
    with window.write() as session:
        assert session.get_one(Expediente, record["uuid"]).status == "validado"
        assert session.get(Expediente, future["uuid"]) is None
        shown = sync_status(session)
    assert sync_state(window).pull_cursor == shown["pull_cursor"] > 0
    assert shown["set_aside_changes"] == 3
    reasons = [item["reason"] for item in shown["set_aside"]]
    assert "versión 99" in reasons[0]
    assert reasons[1] == "Espera a que se aplique un cambio anterior del mismo expediente."
    assert "no puede usar" in reasons[2]

    _add_tramite_version(window, record["tramite_homoclave"], 99)  # e.g. after an upgrade
    again = SyncEngine(window).run_once(force=True)

    assert again.ok and again.set_aside == 1
    with window.write() as session:
        assert session.get_one(Expediente, future["uuid"]).status == "en_revision"


def _add_tramite_version(ctx: AppContext, homoclave: str, version: int) -> None:
    with ctx.write() as session:
        current = session.scalars(select(Tramite).where(Tramite.homoclave == homoclave)).first()
        assert current is not None
        copy = {c.name: getattr(current, c.name) for c in Tramite.__table__.columns
                if c.name != "id"}
        session.add(Tramite(**{**copy, "version": version, "active": False}))


def test_a_step_that_keeps_failing_does_not_stop_the_others(
        window: AppContext, other_window: AppContext, central: CentralServer,
        proxy: FaultProxy) -> None:
    capture_many(other_window, 2, prefix="Otra")
    assert SyncEngine(other_window).run_once(force=True).ok
    capture_many(window, 3)
    point_to(window, proxy.url)
    proxy.arm("drop_response", b"GET /v1/config", count=1_000)

    report = SyncEngine(window).run_once(force=True)

    assert proxy.seen(b"GET /v1/config") == 3  # the step's three attempts
    assert not report.ok and report.failed_steps == ("config",)
    assert report.message.startswith("No se pudo descargar la configuración.")
    assert report.acked == 3 and report.pulled == 2
    assert server_count(central.db) == 5 and outbox_states(window) == {"acked": 3}
    assert sync_state(window).backoff_attempts == 1


def test_single_faults_in_every_step_are_retried_within_the_run(
        window: AppContext, central: CentralServer, proxy: FaultProxy) -> None:
    point_to(window, proxy.url)
    engine = SyncEngine(window)
    for n, prefix in enumerate((b"GET /v1/config", b"POST /v1/sync/push", b"GET /v1/sync/pull")):
        capture_many(window, 1, prefix=f"Ronda {n}")
        proxy.arm("reset_mid_body", prefix, count=1)
        before = proxy.faults_fired
        report = engine.run_once(force=True)
        assert proxy.faults_fired == before + 1
        assert report.ok and report.failed_steps == (), report.message
    assert server_count(central.db) == 3 and outbox_states(window) == {"acked": 3}


def test_upgrading_re_verifies_scans_marked_uploaded_by_older_versions(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """Revision 0006: a scan an older version marked uploaded (perhaps on a proxy's word) is
    checked again with the platform, and its expediente is not synced until confirmed."""
    [uuid] = capture_many(window, 1, tmp_path / "anexos", with_attachments=1)
    sha, content = _scan(window, uuid)
    downgrade(window.engine, "0005")
    with window.engine.begin() as conn:  # what an older version wrote after a proxy's 200
        conn.exec_driver_sql("UPDATE attachments SET uploaded = 1")
        conn.exec_driver_sql("UPDATE expedientes SET sync_state = 'sincronizado'")
        conn.exec_driver_sql("UPDATE outbox SET state = 'acked'")

    upgrade_to_head(window.engine, window.db_path, window.keys.database)

    assert _sync_state_of(window, uuid) == "faltan_anexos"
    report = SyncEngine(window).run_once(force=True)
    assert report.ok and report.missing_anexos == 0, report.message
    assert _on_central(central, sha) == content
    assert _sync_state_of(window, uuid) == "sincronizado"
