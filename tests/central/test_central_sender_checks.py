"""Central checks every mutation against its schema and its sender before applying it: a bad
amount, an unpublished trámite version, or a record claiming another office, machine or folio
prefix is rejected with a Spanish reason and never reaches the change log other windows pull."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from central.models import Change, Expediente
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central_harness import CentralServer
from wire.canonical import payload_sha256
from wire.protocol import PullResponse, SyncStateResponse


def _loose_sha256(payload: dict[str, Any]) -> str:
    """What a forger's own JSON hash gives for values canonical JSON refuses (NaN)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _rehash(payload: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`payload` with `changes`, its content_sha256 recomputed (a well-formed forgery)."""
    changed = {k: v for k, v in {**payload, **changes}.items() if k != "content_sha256"}
    try:
        content_sha256 = payload_sha256(changed)
    except TypeError:
        content_sha256 = _loose_sha256(changed)
    return {**changed, "content_sha256": content_sha256}


def _with_total(payload: dict[str, Any], total: Any) -> dict[str, Any]:
    cobros = [{**payload["cobros"][0], "importe": total}]
    return _rehash(payload, total=total, cobros=cobros)


def _change_count(server: CentralServer) -> int:
    with server.db.read() as session:
        return session.scalar(select(func.count()).select_from(Change)) or 0


def _pulled(machine: CounterMachine) -> PullResponse:
    response = machine.pull(0)
    assert response.status_code == 200
    return PullResponse.model_validate(response.json())


BAD_CREATES = {
    "total NaN (cadena)": (lambda m, o: _rehash(m.payload(), total="NaN"),
                           "contenido inválido: total: no tiene el formato esperado"),
    "importe NaN": (lambda m, o: _with_total(m.payload(), "NaN"),
                    "contenido inválido: cobros.0.importe"),
    "total NaN (número)": (lambda m, o: _with_total(m.payload(), float("nan")),
                           "el contenido tiene NaN o Infinity"),
    "total abc": (lambda m, o: _with_total(m.payload(), "abc"), "contenido inválido: cobros.0"),
    "total 1e30": (lambda m, o: _with_total(m.payload(), "1e30"), "contenido inválido: cobros.0"),
    "total 1e30 (número)": (lambda m, o: _with_total(m.payload(), 1e30),
                            "contenido inválido: cobros.0"),
    "total sobre el máximo": (lambda m, o: _with_total(m.payload(), "100000000.00"),
                              "contenido inválido: cobros.0"),
    "total negativo": (lambda m, o: _with_total(m.payload(), "-5.00"),
                       "contenido inválido: cobros.0"),
    "cobros que no suman": (lambda m, o: _rehash(m.payload(total="150.00"), total="15.00"),
                            "los cobros suman 150.00 y el total dice 15.00"),
    "versión de trámite inexistente": (lambda m, o: _rehash(m.payload(), tramite_version=9),
                                       "el trámite TES-PRED-001 versión 9 no está en ninguna "
                                       "configuración publicada"),
    "trámite inexistente": (lambda m, o: _rehash(m.payload(), tramite_homoclave="NO-EXISTE"),
                            "el trámite NO-EXISTE versión 1 no está"),
    "otra oficina": (lambda m, o: _rehash(m.payload(), oficina="NOG",
                                          folio="NOG-V01-2026-000001"),
                     "el expediente dice oficina NOG ventanilla V01, pero el equipo es de OFI V01"),
    "origen de otro equipo": (lambda m, o: _rehash(m.payload(), origin_machine=o.machine_id),
                              "el expediente dice venir del equipo"),
    "folio de otra ventanilla": (lambda m, o: _rehash(m.payload(), folio=o.payload()["folio"]),
                                 "no es de este equipo (se espera OFI-V01-AÑO-NNNNNN)"),
}


@pytest.mark.parametrize("case", list(BAD_CREATES))
def test_bad_create_is_rejected_and_never_reaches_other_windows(
        central_server: CentralServer, case: str) -> None:
    sender = enroll(central_server, ventanilla="V01")
    reader = enroll(central_server, ventanilla="V02")
    build, reason = BAD_CREATES[case]
    bad = build(sender, reader)
    good = sender.payload()

    body = sender.push([mutation(1, bad, sha256=_loose_sha256(bad)), mutation(2, good)]).json()

    assert body["last_mutation_id"] == 2
    [rejected, applied] = body["results"]
    assert (rejected["status"], applied["status"]) == ("rejected", "applied")
    assert reason in rejected["error"], rejected["error"]
    with central_server.db.read() as session:
        assert set(session.scalars(select(Expediente.uuid))) == {good["uuid"]}
    assert _change_count(central_server) == 1
    page = _pulled(reader)
    assert [c.entity_uuid for c in page.changes] == [good["uuid"]]
    assert not page.has_more


def test_a_machine_cannot_take_another_offices_folio(central_server: CentralServer) -> None:
    """The HMO machine forges NOG's next record; NOG's real one still gets its folio."""
    hmo = enroll(central_server, "HMO", "V01")
    nog = enroll(central_server, "NOG", "V01")
    real = nog.payload()
    forged = _rehash(hmo.payload(), oficina="NOG", origin_machine=nog.machine_id,
                     folio=real["folio"])

    attack = hmo.push([mutation(1, forged)]).json()
    honest = nog.push([mutation(1, real)]).json()

    assert attack["results"][0]["status"] == "rejected"
    assert honest["results"] == [{"mutation_id": 1, "status": "applied", "error": None,
                                  "missing_attachments": []}]
    with central_server.db.read() as session:
        row = session.scalars(select(Expediente).where(Expediente.folio == real["folio"])).one()
    assert (row.uuid, row.office, row.machine_id) == (real["uuid"], "NOG", nog.machine_id)


def test_void_amend_and_payment_only_for_the_senders_office(
        central_server: CentralServer) -> None:
    mine, foreign = enroll(central_server, "HMO", "V01"), enroll(central_server, "NOG", "V01")
    theirs = foreign.payload()
    foreign.push([mutation(1, theirs)])
    changes_before = _change_count(central_server)
    void = {"uuid": theirs["uuid"], "reason": "Captura duplicada", "voided_by": "x",
            "voided_at": "2026-03-02T11:00:00"}
    amend = {"uuid": theirs["uuid"], "changes": {"superficie": "1"}, "reason": "x",
             "amended_by": "x", "amended_at": "2026-03-02T11:00:00"}
    payment = {"uuid": theirs["uuid"], "folio": theirs["folio"], "method": "efectivo",
               "reference": None, "amount": theirs["total"], "paid_by": "x",
               "paid_at": "2026-03-02T11:00:00"}

    body = mine.push([mutation(1, void, "expediente.void"),
                      mutation(2, amend, "expediente.amend"),
                      mutation(3, payment, "expediente.payment")]).json()

    assert [(r["status"], r["error"]) for r in body["results"]] == [
        ("rejected", "expediente desconocido en la oficina")] * 3
    assert _change_count(central_server) == changes_before
    with central_server.db.read() as session:
        row = session.get_one(Expediente, theirs["uuid"])
    assert (row.status, row.paid_at) == ("recibido", None)


def test_payment_must_name_its_expedientes_folio_and_a_plain_amount(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    created = machine.payload(total="150.00")
    paid = {"uuid": created["uuid"], "folio": created["folio"], "method": "efectivo",
            "reference": None, "amount": "150.00", "paid_by": "op", "paid_at": "2026-03-02T11:00"}

    body = machine.push([
        mutation(1, created),
        mutation(2, {**paid, "folio": "OFI-V01-2026-999999"}, "expediente.payment"),
        mutation(3, {**paid, "amount": "1.5e2"}, "expediente.payment"),
        mutation(4, paid, "expediente.payment"),
    ]).json()

    results = [(r["status"], r["error"]) for r in body["results"]]
    assert results[1] == ("rejected", f"el pago dice folio OFI-V01-2026-999999, pero el "
                                      f"expediente es {created['folio']}")
    assert results[2][0] == "rejected" and results[2][1].startswith("contenido inválido: amount")
    assert results[3] == ("applied", None)


def test_sync_state_tells_a_machine_what_the_platform_has_seen(
        central_server: CentralServer) -> None:
    machine, other = enroll(central_server, ventanilla="V01"), enroll(central_server,
                                                                       ventanilla="V02")
    first = machine.payload(folio="OFI-V01-2025-000040")
    later = [machine.payload(folio=f"OFI-V01-2026-{n:06d}") for n in (7, 12, 9)]
    machine.push([mutation(i, p) for i, p in enumerate([first, *later], 1)])
    other.push([mutation(1, other.payload(folio="OFI-V02-2026-000099"))])

    answer = machine.http.get(f"{machine.base_url}/v1/sync/state", params={"ids": "2,4,77"},
                              timeout=10)
    fresh = other.http.get(f"{other.base_url}/v1/sync/state", timeout=10)
    bad = machine.http.get(f"{machine.base_url}/v1/sync/state", params={"ids": "1,x"},
                           timeout=10)
    anonymous = machine.http.get(f"{machine.base_url}/v1/sync/state", timeout=10,
                                 headers={"Authorization": ""})

    state = SyncStateResponse.model_validate(answer.json())
    assert state.last_mutation_id == 4
    assert state.folios == {2025: 40, 2026: 12}
    assert state.recorded == {2: payload_sha256(later[0]), 4: payload_sha256(later[2])}
    assert SyncStateResponse.model_validate(fresh.json()).folios == {2026: 99}
    assert bad.status_code == 422 and "ids" in bad.json()["detail"]
    assert anonymous.status_code == 401


def test_pull_with_include_own_returns_the_machines_own_records(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    mine = machine.payload()
    machine.push([mutation(1, mine)])

    usual = _pulled(machine)
    own = machine.http.get(f"{machine.base_url}/v1/sync/pull", timeout=10,
                           params={"cursor": 0, "include_own": "true"})

    assert usual.changes == [] and usual.next_cursor == 1
    assert [c["entity_uuid"] for c in own.json()["changes"]] == [mine["uuid"]]
