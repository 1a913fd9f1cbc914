"""GET /v1/sync/pull: office scope, version order, paging, epoch, back-office status changes."""

from __future__ import annotations

from typing import Any

import pytest

from central import admin
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central_harness import CentralServer
from wire.protocol import PullResponse


def _pull_all(machine: CounterMachine, cursor: int = 0,
              limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
    """Every change after `cursor`, page by page; and the final cursor."""
    changes: list[dict[str, Any]] = []
    while True:
        page = PullResponse.model_validate(machine.pull(cursor, limit).json())
        changes += [c.model_dump() for c in page.changes]
        cursor = page.next_cursor
        if not page.has_more:
            return changes, cursor


def test_records_of_other_windows_of_the_same_office(central_server: CentralServer) -> None:
    v1 = enroll(central_server, "OFI", "V01")
    v2 = enroll(central_server, "OFI", "V02")
    elsewhere = enroll(central_server, "OTRA", "V01")
    from_v1 = [v1.payload() for _ in range(3)]
    from_v2 = [v2.payload() for _ in range(2)]
    v1.push([mutation(i + 1, p) for i, p in enumerate(from_v1)])
    v2.push([mutation(i + 1, p) for i, p in enumerate(from_v2)])
    elsewhere.push([mutation(1, elsewhere.payload())])

    seen_by_v2, cursor_v2 = _pull_all(v2)
    seen_by_v1, _ = _pull_all(v1)
    seen_elsewhere, _ = _pull_all(elsewhere)

    assert [c["data"] for c in seen_by_v2] == from_v1
    assert {c["kind"] for c in seen_by_v2} == {"expediente.record"}
    assert [c["entity_uuid"] for c in seen_by_v1] == [p["uuid"] for p in from_v2]
    assert seen_elsewhere == []
    versions = [c["version"] for c in seen_by_v2 + seen_by_v1]
    assert sorted(versions) == list(range(1, 6))
    assert cursor_v2 == 5  # past its own records too


def test_paging_is_monotonic_and_resumable(central_server: CentralServer) -> None:
    capturer, reader = enroll(central_server, ventanilla="V01"), enroll(central_server,
                                                                        ventanilla="V02")
    payloads = [capturer.payload() for _ in range(7)]
    capturer.push([mutation(i + 1, p) for i, p in enumerate(payloads)])

    first = reader.pull(0, limit=3).json()
    rest, cursor = _pull_all(reader, first["next_cursor"], limit=3)
    empty = reader.pull(cursor).json()

    assert [c["version"] for c in first["changes"]] == [1, 2, 3]
    assert first["has_more"] is True and first["next_cursor"] == 3
    assert [c["version"] for c in rest] == [4, 5, 6, 7]
    assert [c["data"]["folio"] for c in first["changes"] + rest] == [p["folio"] for p in payloads]
    assert (empty["changes"], empty["next_cursor"], empty["has_more"]) == ([], 7, False)


def test_unknown_epoch_is_410_until_the_client_resets(central_server: CentralServer) -> None:
    machine = enroll(central_server)

    stale = machine.pull(0, epoch="not-the-epoch")
    new_epoch = admin.reset_epoch(central_server.db)
    old = machine.pull(0)
    fresh = machine.pull(0, epoch=new_epoch)

    assert stale.status_code == 410 and old.status_code == 410
    assert old.json()["epoch"] == new_epoch and isinstance(old.json()["detail"], str)
    assert fresh.status_code == 200 and fresh.json()["epoch"] == new_epoch


def test_set_status_reaches_every_window_of_the_office(central_server: CentralServer) -> None:
    v1, v2 = enroll(central_server, ventanilla="V01"), enroll(central_server, ventanilla="V02")
    payload = v1.payload()
    v1.push([mutation(1, payload)])
    _, cursor = _pull_all(v1)

    version = admin.set_status(central_server.db, payload["folio"], "validado",
                               note="Revisado", official_folio="CAT-2026-0042")
    changes, _ = _pull_all(v1, cursor)

    assert changes == [{
        "version": version, "kind": "expediente.status", "entity_uuid": payload["uuid"],
        "data": {"uuid": payload["uuid"], "folio": payload["folio"], "status": "validado",
                 "note": "Revisado", "official_folio": "CAT-2026-0042",
                 "changed_by": None, "changed_at": None},  # the back office, no window clock
    }]
    everything, _ = _pull_all(v2)
    assert [c["kind"] for c in everything] == ["expediente.record", "expediente.status"]


def test_void_reaches_the_other_windows(central_server: CentralServer) -> None:
    v1, v2 = enroll(central_server, ventanilla="V01"), enroll(central_server, ventanilla="V02")
    payload = v1.payload()
    v1.push([mutation(1, payload)])
    v2.push([mutation(1, {"uuid": payload["uuid"], "reason": "Error de captura",
                          "voided_by": "super", "voided_at": "2026-03-02T11:00:00"},
                      "expediente.void")])

    seen_by_v1, _ = _pull_all(v1)

    assert [(c["kind"], c["data"]["status"], c["data"]["note"]) for c in seen_by_v1] == [
        ("expediente.status", "anulado", "Error de captura")]


def test_pull_needs_a_machine_token(central_server: CentralServer) -> None:
    import requests

    response = requests.get(central_server.url + "/v1/sync/pull", timeout=10)
    assert response.status_code == 401


@pytest.mark.parametrize(("cursor", "reason"), [
    (str(10**30), "debe ser menor o igual a"),
    ("-1", "debe ser mayor o igual a 0"),
    ("diez", "debe ser un número entero"),
    ("1.5", "debe ser un número entero"),
])
def test_out_of_range_cursor_is_a_spanish_4xx_not_a_500(
    central_server: CentralServer, cursor: str, reason: str
) -> None:
    machine = enroll(central_server)
    response = machine.http.get(machine.base_url + "/v1/sync/pull", timeout=10,
                                params={"cursor": cursor, "epoch": machine.epoch})
    detail = response.json()["detail"]
    assert response.status_code == 422
    assert detail.startswith("Solicitud inválida en query.cursor: ") and reason in detail
