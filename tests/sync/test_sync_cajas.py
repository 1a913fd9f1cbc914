"""A caja's recibos, a cancelled recibo and its corte reach the real central exactly once, even
when the answer to the push is lost; central keeps the corte of a caja only from its own window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select

from central.models import Corte, MutationRecord, Recibo
from central.models import Expediente as CentralExpediente
from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.corte import close_caja
from desktop.records.payments import payment_info, register_payment
from desktop.records.recibos import cancel_recibo
from localdb.models import Expediente, OutboxEntry
from sync.engine import SyncEngine
from sync.run_steps import ONE_ATTEMPT
from tests.cajas import ensure_open_caja
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import OPERADOR, capture_many, outbox_states, point_to

SUPERVISOR = CurrentUser("supervisor", "Rosa Elena Duarte", Role.SUPERVISOR)


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


def _folio(ctx: AppContext, uuid: str) -> str:
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def _cash_day(window: AppContext) -> tuple[str, list[str], str]:
    """Two payments in efectivo, the first recibo cancelled, then the corte: (caja, uuids, the
    cancelled recibo)."""
    uuids = capture_many(window, 2)
    caja = ensure_open_caja(window, "300.00")
    paid = [register_payment(window, OPERADOR, _folio(window, u), "efectivo") for u in uuids]
    cancel_recibo(window, SUPERVISOR, paid[0].folio, "Cobro duplicado")
    close_caja(window, OPERADOR, {"billete_500": 2, "moneda_0.50": 1}, SUPERVISOR)
    assert paid[0].recibo_folio is not None
    return caja.uuid, uuids, paid[0].recibo_folio


def _records(central: CentralServer, kind: str) -> int:
    with central.db.read() as session:
        return session.scalar(select(func.count()).select_from(MutationRecord)
                              .where(MutationRecord.kind == kind)) or 0


def test_corte_and_cancelled_recibo_reach_central_once_after_a_lost_answer(
        window: AppContext, central: CentralServer, proxy: FaultProxy) -> None:
    caja, uuids, cancelled = _cash_day(window)
    point_to(window, proxy.url)
    proxy.arm("drop_response")
    engine = SyncEngine(window, retry=ONE_ATTEMPT)
    assert not engine.run_once(force=True).ok and proxy.faults_fired == 1
    assert _records(central, "caja.corte") == 1  # the platform did commit

    report = engine.run_once(force=True)

    assert report.ok and outbox_states(window) == {"acked": 6}
    for kind, count in (("caja.corte", 1), ("recibo.cancel", 1), ("expediente.payment", 2)):
        assert _records(central, kind) == count
    with central.db.read() as session:
        [corte] = session.scalars(select(Corte)).all()
        recibos = {r.folio: r for r in session.scalars(select(Recibo))}
        first = session.get_one(CentralExpediente, uuids[0])
        second = session.get_one(CentralExpediente, uuids[1])
        total = second.total
    assert (corte.caja_uuid, corte.fondo, corte.counted) == (caja, "300.00", "1000.50")
    assert corte.expected == f"{300 + float(total):.2f}" and corte.signed_by == "supervisor"
    assert [r["folio"] for r in corte.payload["recibos"] if r["cancelled"]] == [cancelled]
    assert recibos[cancelled].cancel_reason == "Cobro duplicado"
    assert len(recibos) == 2 and all(r.caja_uuid == caja for r in recibos.values())
    assert first.paid_at is None and second.paid_at is not None


def test_a_window_cannot_report_another_windows_corte(
        window: AppContext, other_window: AppContext, central: CentralServer) -> None:
    _cash_day(window)
    with window.read() as session:
        corte = session.scalars(select(OutboxEntry).where(OutboxEntry.kind == "caja.corte")).one()
        forged = OutboxEntry(kind=corte.kind, entity_uuid=corte.entity_uuid,
                             payload=corte.payload, sha256=corte.sha256,
                             created_at=corte.created_at)
    with other_window.write() as session:
        session.add(forged)

    report = SyncEngine(other_window).run_once(force=True)

    assert report.rejected == 1 and outbox_states(other_window) == {"rejected": 1}
    with other_window.read() as session:
        error = session.scalars(select(OutboxEntry.last_error)).one()
    assert error is not None and "pero el equipo es de" in error and "V02" in error
    assert SyncEngine(window).run_once(force=True).ok
    with central.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Corte)) == 1


def test_the_other_window_learns_the_recibo_was_cancelled(
        window: AppContext, other_window: AppContext) -> None:
    [uuid] = capture_many(window, 1)
    folio = _folio(window, uuid)
    ensure_open_caja(window)
    register_payment(window, OPERADOR, folio, "efectivo")
    assert SyncEngine(window).run_once(force=True).ok
    assert SyncEngine(other_window).run_once(force=True).ok
    assert payment_info(other_window, folio).paid

    cancel_recibo(window, SUPERVISOR, folio, "Cobro duplicado")
    assert SyncEngine(window).run_once(force=True).ok
    report = SyncEngine(other_window).run_once(force=True)

    assert report.ok and report.pulled == 1
    seen = payment_info(other_window, folio)
    assert not seen.paid and seen.payable


def test_the_corte_and_the_cancellation_reach_central_in_utc(
        window: AppContext, central: CentralServer, monkeypatch: pytest.MonkeyPatch) -> None:
    opened, cancelled_at, closed = (datetime(2026, 7, 16, 1, 0), datetime(2026, 7, 16, 2, 0),
                                    datetime(2026, 7, 16, 6, 30))  # naive UTC, as stored
    for module, instant in (("cajas", opened), ("recibos", cancelled_at), ("corte", closed)):
        monkeypatch.setattr(f"desktop.records.{module}.utc_now", lambda i=instant: i,
                            raising=False)
    _caja, _uuids, recibo = _cash_day(window)
    assert SyncEngine(window, retry=ONE_ATTEMPT).run_once(force=True).ok
    with central.db.read() as session:
        [corte] = session.scalars(select(Corte)).all()
        assert (corte.opened_at, corte.closed_at) == (opened, closed)
        assert session.get_one(Recibo, recibo).cancelled_at == cancelled_at
    assert corte.payload["opened_at"].startswith("2026-07-16T01:00:00")
