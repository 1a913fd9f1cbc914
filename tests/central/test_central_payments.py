"""expediente.payment on the platform: stored once, retried as duplicates, a second or wrong
payment refused, pulled by the other windows of the office, and added to older databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from central import admin, migrate
from central.db import Database
from central.models import Expediente, MutationRecord
from central.premigration import BASELINE_REVISION
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central.test_central_cli import Cli
from tests.central_harness import CentralServer
from wire.protocol import PullResponse

PAID_AT = "2026-03-02T11:15:00"


def _payment(created: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"uuid": created["uuid"], "folio": created["folio"], "method": "tarjeta",
            "reference": "AUT 448812", "amount": created["total"], "paid_by": "operador1",
            "paid_at": PAID_AT, **changes}


def _paid(server: CentralServer, uuid: str) -> tuple[Any, ...]:
    with server.db.read() as session:
        row = session.get_one(Expediente, uuid)
        return row.payment_method, row.payment_reference, row.paid_at, row.paid_by, row.status


def _results(response: Any) -> list[tuple[str, str | None]]:
    return [(r["status"], r["error"]) for r in response.json()["results"]]


def test_payment_is_stored_once(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    created = machine.payload(total="1234.50")
    batch = [mutation(1, created), mutation(2, _payment(created), "expediente.payment")]

    first, retry = machine.push(batch), machine.push(batch)
    again = machine.push([mutation(3, _payment(created), "expediente.payment")])

    assert _results(first) == [("applied", None), ("applied", None)]
    assert _results(retry) == [("duplicate", None), ("duplicate", None)]
    assert _results(again) == [("duplicate", "el pago ya estaba registrado")]
    # A naive paid_at (a window older than UTC storage) is the office's clock: stored in UTC.
    assert _paid(central_server, created["uuid"]) == (
        "tarjeta", "AUT 448812", datetime(2026, 3, 2, 17, 15), "operador1", "recibido")
    with central_server.db.read() as session:
        kinds = list(session.scalars(select(MutationRecord.kind)
                                     .order_by(MutationRecord.mutation_id)))
    assert kinds == ["expediente.create", "expediente.payment", "expediente.payment"]


def test_bad_payments_are_rejected_and_advance(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    created = machine.payload(total="150.00")
    other_office = enroll(central_server, "OTRA", "V01")
    foreign = other_office.payload()
    other_office.push([mutation(1, foreign)])
    batch = [
        mutation(1, created),
        mutation(2, _payment(created, amount="100.00"), "expediente.payment"),
        mutation(3, _payment(created, method=""), "expediente.payment"),
        mutation(4, _payment(foreign), "expediente.payment"),
        mutation(5, _payment(created, reference="R" * 65), "expediente.payment"),
        mutation(6, _payment(created, reference=None, method="efectivo"),
                 "expediente.payment"),
        mutation(7, _payment(created), "expediente.payment"),
    ]

    response = machine.push(batch)

    statuses = _results(response)
    assert [s for s, _ in statuses] == ["applied", "rejected", "rejected", "rejected",
                                        "rejected", "applied", "rejected"]
    assert statuses[1][1] == "el importe pagado 100.00 no es el total 150.00"
    assert statuses[2][1].startswith("contenido inválido: method")
    assert statuses[3][1] == "expediente desconocido en la oficina"
    assert statuses[6][1] == "el expediente ya tiene otro pago registrado"
    assert response.json()["last_mutation_id"] == 7
    assert _paid(central_server, created["uuid"])[:2] == ("efectivo", None)


def test_payment_of_an_expediente_voided_by_the_platform_is_kept(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    created = machine.payload()
    machine.push([mutation(1, created)])
    admin.set_status(central_server.db, created["folio"], "anulado", note="Duplicado")

    response = machine.push([mutation(2, _payment(created), "expediente.payment")])

    assert _results(response) == [
        ("applied", "aplicado; el expediente está anulado en la plataforma")]
    assert _paid(central_server, created["uuid"])[0] == "tarjeta"


def _pulled(machine: CounterMachine) -> list[tuple[str, dict[str, Any]]]:
    page = PullResponse.model_validate(machine.pull(0).json())
    return [(c.kind, c.data) for c in page.changes]


def test_payment_reaches_the_other_windows_of_the_office(central_server: CentralServer) -> None:
    v1, v2 = enroll(central_server, ventanilla="V01"), enroll(central_server, ventanilla="V02")
    created = v1.payload()
    payment = _payment(created)
    v1.push([mutation(1, created), mutation(2, payment, "expediente.payment")])

    assert _pulled(v2) == [("expediente.record", created), ("expediente.payment", payment)]
    assert _pulled(v1) == []  # a window does not pull back its own writes


def test_init_adds_the_payment_columns_to_an_older_database(
        central_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(central_db_url, capsys)
    assert cli("init")[0] == 0
    db = Database(central_db_url)
    try:
        migrate.downgrade(db, BASELINE_REVISION)  # the tables a pre-migration init made
        with db.engine.begin() as conn:  # a database from before payments (and migrations)
            for column in ("payment_method", "payment_reference", "paid_at", "paid_by"):
                conn.exec_driver_sql(f'ALTER TABLE expedientes DROP COLUMN "{column}"')
            conn.exec_driver_sql("DROP TABLE alembic_version")
        assert "ya inicializada" in cli("init")[1]
        with db.read() as session:
            assert session.scalars(select(Expediente)).all() == []  # every column is back
    finally:
        db.dispose()


def test_verification_page_says_whether_the_platform_has_the_payment(
        central_server: CentralServer) -> None:
    import requests

    from tests.central.test_central_verify_page import _qr_url

    machine = enroll(central_server)
    created = machine.payload(total="1250.50")
    url = _qr_url(machine, created["folio"], "1250.50", "2026-03-02", created["content_sha256"])
    machine.push([mutation(1, created)])
    unpaid = requests.get(url, timeout=10).text
    machine.push([mutation(2, _payment(created, method="efectivo", reference=None),
                           "expediente.payment")])
    paid = requests.get(url, timeout=10).text

    assert "Sin pago registrado en la plataforma." in unpaid
    # Shown on the office's clock (no bundle names a zone: Mexico City, UTC-6).
    assert "Pagado el 02/03/2026 11:15 (UTC-6) (efectivo)" in paid and "Sin pago" not in paid
