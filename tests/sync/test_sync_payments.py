"""A payment registered at the window reaches the real central exactly once, even offline or with
a lost answer, and the other window of the office learns about it by pull."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.models import Expediente as CentralExpediente
from central.models import MutationRecord
from desktop.context import AppContext
from desktop.records.payments import PAYMENT_KIND, payment_info, register_payment
from localdb.models import Expediente
from sync.engine import SyncEngine
from sync.run_steps import ONE_ATTEMPT
from tests.cajas import ensure_open_caja
from tests.sync.central_server import CentralServer, central_db_url
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import OPERADOR, capture_many, outbox_states, point_to
from wire.times import DEFAULT_ZONE, to_utc


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """These tests run against central on SQLite and on PostgreSQL."""
    with central_db_url(request.param, tmp_path / "central") as url:
        yield url


def _folio(ctx: AppContext, uuid: str) -> str:
    with ctx.write() as session:
        return session.get_one(Expediente, uuid).folio


def _central_payment(central: CentralServer, uuid: str) -> tuple[object, ...]:
    with central.db.read() as session:
        row = session.get_one(CentralExpediente, uuid)
        records = session.scalar(select(func.count()).select_from(MutationRecord).where(
            MutationRecord.kind == PAYMENT_KIND, MutationRecord.entity_uuid == uuid))
        return row.payment_method, row.payment_reference, row.paid_at, row.paid_by, records


def test_payment_registered_offline_reaches_the_platform_once(
        window: AppContext, central: CentralServer) -> None:
    [uuid] = capture_many(window, 1)
    engine = SyncEngine(window)
    assert engine.run_once(force=True).ok
    central.stop()  # the link goes down; the window keeps taking payments
    ensure_open_caja(window)
    paid = register_payment(window, OPERADOR, _folio(window, uuid), "transferencia", "RAST77")
    offline = engine.run_once(force=True)
    assert not offline.ok and offline.pending == 1
    assert outbox_states(window) == {"acked": 1, "pending": 1}

    central.start()
    report = engine.run_once(force=True)
    again = engine.run_once(force=True)

    assert report.ok and report.acked == 1 and again.ok and again.acked == 0
    assert paid.paid_at is not None  # the office's clock at the window, UTC at central
    assert _central_payment(central, uuid) == (
        "transferencia", "RAST77", to_utc(paid.paid_at, DEFAULT_ZONE), OPERADOR.username, 1)
    assert outbox_states(window) == {"acked": 2}
    with window.write() as session:
        assert session.get_one(Expediente, uuid).sync_state == "sincronizado"


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


def test_lost_answer_to_a_payment_is_retried_without_a_second_payment(
        window: AppContext, central: CentralServer, proxy: FaultProxy) -> None:
    [uuid] = capture_many(window, 1)
    ensure_open_caja(window)
    register_payment(window, OPERADOR, _folio(window, uuid), "efectivo")
    point_to(window, proxy.url)
    proxy.arm("drop_response")
    engine = SyncEngine(window, retry=ONE_ATTEMPT)  # the next run, not this one, retries
    assert not engine.run_once(force=True).ok and proxy.faults_fired == 1
    assert _central_payment(central, uuid)[-1] == 1  # the platform did commit

    report = engine.run_once(force=True)

    assert report.ok and report.acked == 2
    assert _central_payment(central, uuid)[0::4] == ("efectivo", 1)
    assert outbox_states(window) == {"acked": 2}


def test_the_other_window_sees_the_expediente_paid(
        window: AppContext, other_window: AppContext) -> None:
    [uuid] = capture_many(window, 1)
    folio = _folio(window, uuid)
    ensure_open_caja(window)
    register_payment(window, OPERADOR, folio, "tarjeta", "AUT 9")
    assert SyncEngine(window).run_once(force=True).ok

    report = SyncEngine(other_window).run_once(force=True)

    assert report.ok and report.pulled == 2
    seen = payment_info(other_window, folio)
    assert (seen.method, seen.reference, seen.paid_by) == ("tarjeta", "AUT 9", OPERADOR.username)
    assert isinstance(seen.paid_at, datetime) and not seen.payable
    assert outbox_states(other_window) == {}  # a pulled payment is not pushed back
