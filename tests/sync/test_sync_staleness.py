"""A window that has not reached the platform for too long (ARCHITECTURE §7 "Staleness"), with
the real central on loopback: the banner after `aviso_dias`, capture refused after
`bloqueo_dias` until a sync or a supervisor's 24-hour extension, the demo office exempt, and
what `central machines` shows of each window.

Oracle: the capture service's answer, the stored audit log, and central's `machines` rows.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

import central.__main__ as central_cli
from central import admin
from central.console.machines_view import offices_with_windows
from central.models import Machine, utc_now
from desktop.context import AppContext
from desktop.errors import AccountLocked, AuthError, PermissionDenied, VentanillaError
from desktop.records.extension import grant_extension
from desktop.records.staleness import StaleStatus, banner_text, stale_status, status_line
from localdb.models import AuditEntry
from sync.engine import SyncEngine
from sync.http import APP_VERSION
from sync.machine_token import load_machine_token
from sync.platform_login import platform_check
from sync.status import count_pending
from tests.demo_office import open_demo_office
from tests.staleness_helpers import set_last_contact
from tests.sync.central_server import CentralServer, demo_payload
from tests.sync.machines import capture_many, sync_state
from wire.canonical import canonical_json
from wire.staleness import Staleness

GOOD = "secreto-123"
REFUSED = r"^No se puede capturar: esta ventanilla no se ha comunicado con la plataforma"


@pytest.fixture
def online(window: AppContext, central: CentralServer) -> AppContext:
    window.platform_login = platform_check
    admin.add_user(central.db, "caro", "supervisor", "Carolina Ruiz", GOOD)
    admin.add_user(central.db, "ana", "operador", "Ana Lucía Valenzuela", GOOD)
    return window


def status(ctx: AppContext, now: datetime | None = None) -> StaleStatus:
    with ctx.read() as session:
        return stale_status(session, now=now)


def sync(ctx: AppContext) -> None:
    assert SyncEngine(ctx).run_once(force=True).ok


def extension_audits(ctx: AppContext) -> list[AuditEntry]:
    with ctx.read() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "sync.prorroga_concedida")))


def test_a_stale_window_refuses_capture_and_accepts_it_again_after_a_sync(
        window: AppContext) -> None:
    capture_many(window, 1)  # fresh from enrollment: capture works
    set_last_contact(window, days_ago=7.1)

    with pytest.raises(VentanillaError, match=REFUSED) as refused:
        capture_many(window, 1)
    assert "Sincronizar ahora" in refused.value.message and "prórroga" in refused.value.message
    assert "hace 7 días" in refused.value.message

    sync(window)
    assert status(window).level is Staleness.AL_DIA
    capture_many(window, 1)


def test_the_banner_counts_the_days_after_the_first_threshold(window: AppContext) -> None:
    set_last_contact(window, days_ago=2.9)
    assert not status(window).shows_banner and banner_text(status(window)) == ""

    set_last_contact(window, days_ago=4.2)
    text = banner_text(status(window))
    assert text.startswith("Esta ventanilla no se ha comunicado con la plataforma desde hace 4 "
                           "días")
    assert "a los 7 días" in text
    capture_many(window, 1)  # a warning only: capture still works

    set_last_contact(window, days_ago=9)
    assert "La captura está bloqueada" in banner_text(status(window))
    assert status_line(status(window)) == banner_text(status(window))  # `main.py status`
    set_last_contact(window, days_ago=1.2)
    assert status_line(status(window)).startswith("al día (1 día(s) desde la última")


def test_the_bundle_sets_the_thresholds_per_office(window: AppContext,
                                                   central: CentralServer) -> None:
    payload = demo_payload()
    payload["version"] = 2
    payload["sin_conexion"] = {"aviso_dias": 10, "bloqueo_dias": 20,
                               "por_oficina": {"HMO": {"aviso_dias": 1, "bloqueo_dias": 2}}}
    admin.publish_config(central.db, canonical_json(payload))
    sync(window)
    assert sync_state(window).config_version == 2

    set_last_contact(window, days_ago=1.5)
    assert status(window).level is Staleness.AVISO
    set_last_contact(window, days_ago=2.5)
    with pytest.raises(VentanillaError, match=REFUSED):
        capture_many(window, 1)
    with central.db.write() as session:  # central flags it by the same office thresholds
        session.execute(update(Machine).values(last_seen=utc_now() - timedelta(days=2, hours=1)))
    assert [m.stale for m in admin.list_machines(central.db)] == [Staleness.BLOQUEO]
    with central.db.read() as session:  # and so does the console's Oficinas y equipos
        [office] = [o for o in offices_with_windows(session) if o.windows]
    assert office.windows[0].stale_reasons[0] == "sin comunicación hace 2 días (captura bloqueada)"
    assert office.windows[0].config_applied == 2


def test_a_supervisor_grants_24_hours_with_their_password_and_it_is_audited(
        online: AppContext) -> None:
    set_last_contact(online, days_ago=8)
    with pytest.raises(AuthError, match="incorrectos"):
        grant_extension(online, "caro", "equivocada")
    with pytest.raises(PermissionDenied, match="conceder prórrogas"):
        grant_extension(online, "ana", GOOD)  # an operador cannot grant it
    with pytest.raises(VentanillaError, match=REFUSED):
        capture_many(online, 1)

    before = utc_now().replace(microsecond=0)
    extension = grant_extension(online, "caro", GOOD)
    assert extension.granted_by == "caro"
    assert extension.until - extension.granted_at == timedelta(hours=24)
    assert before <= extension.granted_at <= utc_now()
    capture_many(online, 1)  # the extension lets capture go on
    assert "Prórroga concedida por caro hasta el" in banner_text(status(online))

    [entry] = extension_audits(online)
    assert entry.actor == "caro" and entry.detail["dias_sin_comunicacion"] == 8
    assert entry.detail["hasta"] == extension.until.isoformat()
    after = status(online, now=extension.until + timedelta(seconds=1))
    assert after.extension is None and after.blocks_capture  # 24 hours, not more


def test_the_extension_lockout_is_the_logins(online: AppContext) -> None:
    set_last_contact(online, days_ago=8)
    grant_extension(online, "caro", GOOD)  # cached now: the lockout is counted here
    for _ in range(5):
        with pytest.raises(AuthError):
            grant_extension(online, "caro", "equivocada")
    with pytest.raises(AccountLocked):
        grant_extension(online, "caro", GOOD)
    assert len(extension_audits(online)) == 1


def test_no_extension_when_the_window_is_not_stale(online: AppContext) -> None:
    with pytest.raises(VentanillaError, match="no necesita prórroga"):
        grant_extension(online, "caro", GOOD)
    assert extension_audits(online) == []


def test_the_demo_office_is_exempt(tmp_path: Path) -> None:
    ctx = open_demo_office(tmp_path / "demo")
    try:
        set_last_contact(ctx, days_ago=60)
        assert status(ctx).exempt and banner_text(status(ctx)) == ""
        capture_many(ctx, 1)
    finally:
        ctx.close()


def test_clock_going_back_neither_unlocks_nor_locks(window: AppContext,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    contact = set_last_contact(window, days_ago=6.5)
    capture_many(window, 1)  # allowed (aviso): its audit entry is written at the real time
    back = status(window, now=contact + timedelta(days=1))
    # The clock set back to one day after the contact: the entry written since says otherwise.
    assert back.days == 6 and back.level is Staleness.AVISO
    assert status(window, now=utc_now() + timedelta(days=1)).blocks_capture

    set_last_contact(window, 0, at=utc_now() + timedelta(days=3))  # a contact "in the future"
    with caplog.at_level(logging.WARNING, logger="desktop.records.staleness"):
        ahead = status(window)
    assert ahead.days == 0 and not ahead.shows_banner
    assert "after the clock" in caplog.text
    capture_many(window, 1)


def test_central_machines_shows_what_the_window_reported(
        window: AppContext, central: CentralServer, capsys: pytest.CaptureFixture[str]) -> None:
    capture_many(window, 2)
    sync(window)
    capture_many(window, 1)  # one pending, reported on the next sync's pull…
    with window.read() as session:
        pending = count_pending(session)
    sync(window)
    [row] = admin.list_machines(central.db)
    assert row.app_version == APP_VERSION
    assert row.config_applied == sync_state(window).config_version == 1
    assert row.pending == 0 and pending == 1  # …after its push: nothing left to send
    assert row.stale is Staleness.AL_DIA and row.last_seen is not None

    with central.db.write() as session:
        session.execute(update(Machine).values(last_seen=utc_now() - timedelta(days=4)))
    assert central_cli.main(["machines", "--db", central.db_url]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split()[:8] == ["EQUIPO", "OFICINA", "VENT.", "ÚLT.MUT", "CONFIG", "APP",
                                  "PEND.", "VISTO"]
    cells = line.split()
    assert cells[4:7] == ["1", APP_VERSION, "0"] and cells[-1] == "AVISO"


def test_central_refuses_a_malformed_report(window: AppContext, central: CentralServer) -> None:
    token = load_machine_token(window.data_dir)
    answer = requests.get(f"{central.url}/v1/sync/pull", timeout=10, headers={
        "Authorization": f"Bearer {token}", "X-Ventanilla-App": "0.1.0",
        "X-Ventanilla-Config": "-3", "X-Ventanilla-Pendientes": "2"})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("Informe del equipo inválido")


def test_a_poll_with_nothing_new_writes_nothing(window: AppContext,
                                                central: CentralServer) -> None:
    token = load_machine_token(window.data_dir)
    report = {"X-Ventanilla-App": "0.1.0", "X-Ventanilla-Config": "1",
              "X-Ventanilla-Pendientes": "0"}

    def poll(pending: str = "0") -> None:
        answer = requests.get(f"{central.url}/v1/sync/pull", timeout=10, headers={
            "Authorization": f"Bearer {token}", **report, "X-Ventanilla-Pendientes": pending})
        assert answer.status_code == 200

    def row() -> tuple[object, ...]:
        with central.db.read() as session:
            m = session.get_one(Machine, sync_state(window).machine_id)
            return m.last_seen, m.pending, m.config_applied, m.app_version

    poll()
    marker = utc_now().replace(microsecond=0) - timedelta(seconds=10)
    with central.db.write() as session:
        session.execute(update(Machine).values(last_seen=marker))
    poll()
    poll()
    assert row() == (marker, 0, 1, "0.1.0")  # the same report within a minute: no write
    poll(pending="3")
    last_seen, pending, *_ = row()
    assert pending == 3 and last_seen != marker  # something changed: written, last_seen too
