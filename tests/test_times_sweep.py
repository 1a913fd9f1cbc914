"""The time rule (ARCHITECTURE §6) in the code that came from the branches written before it:
cajas, recibos and cortes, the cierre del día, staleness, logins, the review queue's dates,
borradores moved, diagnostics, the configuration history and the restored copy's stamps. Each
instant is stored in UTC and shown on the office's wall clock (the demo bundle's Hermosillo,
UTC-7 all year), and an office date's bounds are its midnights there.

The machine's own clock is set to Tokyo (UTC+9) so that a value written with the machine's local
clock, or a date taken from it, can not pass for either."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser, Role
from desktop.access.users import list_users
from desktop.bundles.history import config_overview
from desktop.capture.draft_move import move_draft, plan_move
from desktop.context import AppContext
from desktop.records import restored_copy
from desktop.records.audit import UTC_FROM_SETTING, append_audit
from desktop.records.cajas import current_caja, open_caja
from desktop.records.cierre import cierre_data
from desktop.records.corte import close_caja, closed_cajas, corte_document, corte_state
from desktop.records.payments import register_payment
from desktop.records.review_queue import QueueFilter, count_queue, page_queue
from desktop.records.staleness import (
    CONTACT_SETTING,
    banner_text,
    clock_now,
    effective_now,
    record_contact,
    stale_status,
    write_setting,
)
from desktop.support.diagnostics import collect
from desktop.support.scrub import Scrubber
from localdb.models import Expediente, Setting, SyncState
from sync.config import _published_at
from tests.document_fixtures import pdf_text
from tests.raw_store import raw_store
from tests.sync.machines import capture_many
from tests.test_draft_move import _old_draft
from ui.users_view import user_cells

OPERADOR = CurrentUser("operador", "Operador", Role.OPERADOR)
SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez", Role.SUPERVISOR)
ADMIN = CurrentUser("admin", "Administrador", Role.ADMIN)
# Wednesday 15 July 2026 in Hermosillo (UTC-7), as the store keeps it (naive UTC):
AT_18 = datetime(2026, 7, 16, 1, 0)  # 18:00 there
AT_19 = datetime(2026, 7, 16, 2, 0)  # 19:00 there
AT_23_30 = datetime(2026, 7, 16, 6, 30)  # 23:30 there, already Thursday in UTC
NEXT_00_30 = datetime(2026, 7, 16, 7, 30)  # 00:30 on Thursday 16 there
WEDNESDAY, THURSDAY = date(2026, 7, 15), date(2026, 7, 16)


@pytest.fixture(autouse=True)
def tokyo_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local clock nine hours ahead of UTC, sixteen of the office."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _clock(monkeypatch: pytest.MonkeyPatch, instant: datetime, *modules: str) -> None:
    for module in modules:  # raising=False: code on the machine's clock fails on the values
        monkeypatch.setattr(f"{module}.utc_now", lambda: instant, raising=False)


def _stored(ctx: AppContext, sql: str) -> str:
    raw = raw_store(ctx.data_dir)
    try:
        return str(raw.execute(sql).fetchone()[0])
    finally:
        raw.close()


def _capture_at(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, instant: datetime) -> str:
    _clock(monkeypatch, instant, "desktop.capture.service")
    [uuid] = capture_many(ctx, 1)
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def test_a_caja_and_its_corte_are_stored_in_utc_and_shown_on_the_office_clock(
        demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    folio = _capture_at(demo_ctx, monkeypatch, AT_18)
    _clock(monkeypatch, AT_18, "desktop.records.cajas")
    open_caja(demo_ctx, OPERADOR, "500.00")
    assert _stored(demo_ctx, "SELECT opened_at FROM cajas").startswith("2026-07-16 01:00:00")
    info = current_caja(demo_ctx)
    assert info is not None and "el 15/07/2026 18:00" in info.describe()
    assert f"{corte_state(demo_ctx).opened_at:%d/%m/%Y %H:%M}" == "15/07/2026 18:00"

    _clock(monkeypatch, AT_19, "desktop.records.payments")
    register_payment(demo_ctx, OPERADOR, folio, "efectivo")
    _clock(monkeypatch, AT_23_30, "desktop.records.corte")
    uuid = close_caja(demo_ctx, OPERADOR, {"billete_500": 1}, SUPERVISOR)
    assert _stored(demo_ctx, "SELECT closed_at FROM cajas").startswith("2026-07-16 06:30:00")
    [summary] = closed_cajas(demo_ctx)
    assert f"{summary.closed_at:%d/%m/%Y %H:%M}" == "15/07/2026 23:30"

    text = " ".join(pdf_text(corte_document(demo_ctx, OPERADOR, uuid)).split())
    assert "Abierta 15 de julio de 2026, 18:00 (UTC-7)" in text
    assert "Cerrada 15 de julio de 2026, 23:30 (UTC-7)" in text
    assert " 19:00 " in text  # the recibo's hour, in the office


def test_a_recibo_cancelled_is_stored_in_utc(demo_ctx: AppContext,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.records.recibos import cancel_recibo
    folio = _capture_at(demo_ctx, monkeypatch, AT_18)
    open_caja(demo_ctx, OPERADOR, "0")
    register_payment(demo_ctx, OPERADOR, folio, "efectivo")
    _clock(monkeypatch, AT_23_30, "desktop.records.recibos")
    cancel_recibo(demo_ctx, SUPERVISOR, folio, "Cobro equivocado")
    assert _stored(demo_ctx, "SELECT cancelled_at FROM recibos").startswith(
        "2026-07-16 06:30:00")


def test_the_cierre_of_an_office_day_takes_its_local_midnights(
        demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    late = _capture_at(demo_ctx, monkeypatch, AT_23_30)  # Wednesday there, Thursday in UTC
    early = _capture_at(demo_ctx, monkeypatch, NEXT_00_30)  # Thursday there
    _clock(monkeypatch, AT_18, "desktop.records.cajas")
    open_caja(demo_ctx, OPERADOR, "0")
    _clock(monkeypatch, AT_23_30, "desktop.records.cierre")

    wednesday = cierre_data(demo_ctx, SUPERVISOR, WEDNESDAY)
    [v01] = wednesday.ventanillas
    assert sum(n for _t, n in v01.captures) == 1
    assert v01.open_cajas == ["abierta por operador el 15/07/2026 18:00"]
    assert f"{wednesday.made_at:%d/%m/%Y %H:%M}" == "15/07/2026 23:30"
    [v01] = cierre_data(demo_ctx, SUPERVISOR, THURSDAY).ventanillas
    assert sum(n for _t, n in v01.captures) == 1
    with demo_ctx.read() as session:  # and they are the ones the queue's dates pick
        only_wednesday = QueueFilter(desde=WEDNESDAY, hasta=WEDNESDAY)
        [row] = page_queue(session, only_wednesday)
        assert row.folio == late and f"{row.captured_at:%d/%m/%Y %H:%M}" == "15/07/2026 23:30"
        assert count_queue(session, only_wednesday) == 1
        [row] = page_queue(session, QueueFilter(desde=THURSDAY))
        assert row.folio == early
        assert count_queue(session, QueueFilter(hasta=WEDNESDAY)) == 1


def _not_demo(ctx: AppContext) -> None:
    with ctx.write() as session:
        session.get_one(SyncState, 1).demo = False


def test_staleness_counts_in_utc_and_the_banner_shows_the_office_clock(
        demo_ctx: AppContext) -> None:
    assert abs(clock_now() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=1)
    _not_demo(demo_ctx)
    with demo_ctx.write() as session:
        record_contact(session, AT_23_30)
    with demo_ctx.read() as session:
        status = stale_status(session, now=AT_23_30 + timedelta(days=8))
    assert status.days == 8 and status.last_contact == AT_23_30
    assert "(última sincronización: 15/07/2026 23:30)" in banner_text(status)
    with demo_ctx.write() as session:  # an older release wrote the machine's clock, no offset
        write_setting(session, CONTACT_SETTING, {"at": "2026-07-16T15:30:00", "audit_seq": 0})
    with demo_ctx.read() as session:
        assert stale_status(session, now=AT_23_30).last_contact == AT_23_30


def test_audit_rows_before_utc_from_are_read_as_the_machines_clock(
        demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    # A row at 10:00 on Tokyo's clock, as an older release wrote it (before `audit.utc_from`).
    _clock(monkeypatch, datetime(2026, 7, 16, 10, 0), "desktop.records.audit")
    with demo_ctx.write() as session:
        entry = append_audit(session, "operador", "prueba")
        session.merge(Setting(key=UTC_FROM_SETTING, value=str(entry.id + 1)))
    with demo_ctx.read() as session:
        floor = effective_now(session, datetime(2026, 7, 15, 12, 0), entry.id - 1)
    assert floor == datetime(2026, 7, 16, 1, 0)  # 10:00 in Tokyo is 01:00 UTC


def test_a_login_is_stored_in_utc_and_listed_on_the_office_clock(
        demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _clock(monkeypatch, AT_23_30, "desktop.access.auth")
    login(demo_ctx, "operador", "operador123")
    assert _stored(demo_ctx, "SELECT last_login_at FROM users WHERE username = 'operador'"
                   ).startswith("2026-07-16 06:30:00")
    operador = {u.username: u for u in list_users(demo_ctx, ADMIN)}["operador"]
    assert user_cells(operador, datetime.now(UTC))[3] == "15/07/2026 23:30"


def test_a_moved_borrador_is_stamped_in_utc(demo_ctx: AppContext, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    uuid = _old_draft(demo_ctx, tmp_path)
    _clock(monkeypatch, AT_23_30, "desktop.capture.draft_move")
    move_draft(demo_ctx, OPERADOR, plan_move(demo_ctx, OPERADOR, uuid))
    assert _stored(demo_ctx, "SELECT updated_at FROM drafts").startswith("2026-07-16 06:30:00")


def test_diagnostics_say_their_instants_are_utc(demo_ctx: AppContext,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _clock(monkeypatch, AT_23_30, "desktop.support.diagnostics")
    with demo_ctx.read() as session:
        report = collect(session, Scrubber(set()))
    assert report["generado"] == "2026-07-16T06:30:00+00:00"


def test_the_configuration_history_shows_the_office_clock(demo_ctx: AppContext) -> None:
    assert _published_at("2026-07-16T06:30:00Z") == AT_23_30  # stored UTC, like applied_at
    raw = raw_store(demo_ctx.data_dir)
    raw.execute("UPDATE config_bundles SET applied_at = '2026-07-16 06:30:00.000000', "
                "published_at = '2026-07-16 01:00:00.000000'")
    raw.commit()
    raw.close()
    current = config_overview(demo_ctx, ADMIN).current
    assert current is not None and current.published_at is not None
    assert f"{current.applied_at:%d/%m/%Y %H:%M}" == "15/07/2026 23:30"
    assert f"{current.published_at:%d/%m/%Y %H:%M}" == "15/07/2026 18:00"


def test_the_restored_copy_stamps_are_utc_and_shown_on_the_office_clock(
        demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _clock(monkeypatch, AT_23_30, "desktop.records.restored_copy")
    assert restored_copy._now() == "2026-07-16 06:30:00+00:00"
    with demo_ctx.write() as session:
        restored_copy._save(session, {"detectado_at": "2026-07-16 06:30:00+00:00",
                                      "resincronizado_at": "2026-07-16 10:00:00",  # Tokyo's clock
                                      "envios_renumerados": 0})
        summary = restored_copy.restore_summary(session)
    assert summary == ("detectada el 15/07/2026 23:30 y resincronizada el 15/07/2026 18:00 "
                       "(0 envío(s) renumerado(s))")
