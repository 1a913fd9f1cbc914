"""POST /v1/sync/push: apply, duplicate, rejected-and-advance, gap, limits, token binding."""

from __future__ import annotations

import gzip
import hashlib
import json

from sqlalchemy import select

from central import admin
from central.models import Amendment, Expediente, MutationRecord
from tests.central.central_client import enroll, mutation
from tests.central_harness import CentralServer
from wire.canonical import payload_sha256
from wire.protocol import MAX_BATCH, PushResponse


def _stored(server: CentralServer) -> dict[str, tuple[str, str]]:
    with server.db.read() as session:
        rows = session.execute(select(Expediente.folio, Expediente.uuid, Expediente.status))
        return {r.folio: (r.uuid, r.status) for r in rows}


def test_push_applies_then_answers_duplicates(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    payloads = [machine.payload() for _ in range(3)]
    batch = [mutation(i + 1, p) for i, p in enumerate(payloads)]

    first = PushResponse.model_validate(machine.push(batch, pending=0).json())
    retry = PushResponse.model_validate(machine.push(batch).json())

    assert first.last_mutation_id == 3
    assert [(r.mutation_id, r.status, r.error) for r in first.results] == [
        (1, "applied", None), (2, "applied", None), (3, "applied", None)]
    assert retry.last_mutation_id == 3
    assert [r.status for r in retry.results] == ["duplicate"] * 3
    assert all(r.error is None for r in retry.results)
    stored = _stored(central_server)
    assert {p["folio"]: (p["uuid"], "recibido") for p in payloads} == stored
    [row] = admin.list_machines(central_server.db)
    assert (row.last_mutation_id, row.pending, row.app_version) == (3, 0, "0.1.0")


def test_duplicate_with_different_sha256_is_flagged(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    original = machine.payload()
    machine.push([mutation(1, original)])
    altered = {**original, "total": "999.00"}

    response = machine.push([mutation(1, altered)]).json()

    assert response["results"] == [
        {"mutation_id": 1, "status": "duplicate",
         "error": "sha256 distinto del registrado para esta mutación", "missing_attachments": []}]
    assert _stored(central_server)[original["folio"]] == (original["uuid"], "recibido")


def test_permanent_errors_are_rejected_and_advance(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    good = machine.payload()
    taken_folio = machine.payload(folio=good["folio"])
    bad_schema = {k: v for k, v in machine.payload().items() if k != "tramite_homoclave"}
    bad_schema["content_sha256"] = payload_sha256(
        {k: v for k, v in bad_schema.items() if k != "content_sha256"})
    tampered = machine.payload()
    batch = [
        mutation(1, good),
        mutation(2, taken_folio),                                 # folio of another uuid
        mutation(3, bad_schema),                                  # payload schema
        {**mutation(4, machine.payload()), "kind": "expediente.teleport"},  # unknown kind
        mutation(5, tampered, sha256="0" * 64),                   # sha256 ≠ content
        mutation(6, {**tampered, "total": "1.00"}),               # content_sha256 ≠ content
        mutation(7, {"uuid": "no-such", "reason": "x"}, kind="expediente.void"),
        mutation(8, tampered),                                    # still applies after all that
    ]

    body = machine.push(batch).json()

    assert body["last_mutation_id"] == 8
    statuses = [(r["mutation_id"], r["status"]) for r in body["results"]]
    assert statuses == [(1, "applied")] + [(i, "rejected") for i in range(2, 8)] + [
        (8, "applied")]
    errors = {r["mutation_id"]: r["error"] for r in body["results"]}
    assert "ya está registrado con otro expediente" in errors[2]
    assert errors[3].startswith("contenido inválido: tramite_homoclave")
    assert errors[4].startswith("mutación inválida: kind")
    assert errors[5].startswith("sha256 no coincide")
    assert errors[6].startswith("content_sha256 no coincide")
    assert errors[7].startswith("contenido inválido: uuid: no tiene el formato esperado")
    assert set(_stored(central_server)) == {good["folio"], tampered["folio"]}
    with central_server.db.read() as session:
        log = session.execute(select(MutationRecord.mutation_id, MutationRecord.status)
                              .order_by(MutationRecord.mutation_id)).all()
    assert [tuple(r) for r in log] == statuses
    # A retry (the answer was lost) never applies twice and still reports the rejections.
    retry = machine.push(batch).json()
    assert [(r["status"], r["error"]) for r in retry["results"]] == [("duplicate", None)] + [
        ("rejected", errors[i]) for i in range(2, 8)] + [("duplicate", None)]


def test_gap_stops_the_batch(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    p1, p2, p4 = machine.payload(), machine.payload(), machine.payload()

    body = machine.push([mutation(1, p1), mutation(2, p2), mutation(4, p4)]).json()
    then = machine.push([mutation(3, machine.payload()), mutation(4, p4)]).json()

    assert body["last_mutation_id"] == 2
    assert [r["mutation_id"] for r in body["results"]] == [1, 2]
    assert then["last_mutation_id"] == 4
    assert [r["status"] for r in then["results"]] == ["applied", "applied"]
    assert p4["folio"] in _stored(central_server)


def test_token_is_bound_to_its_machine(central_server: CentralServer) -> None:
    mine, other = enroll(central_server, ventanilla="V01"), enroll(central_server, ventanilla="V02")

    response = mine.push([mutation(1, mine.payload())], machine_id=other.machine_id)

    assert response.status_code == 403
    assert response.json()["detail"] == "El token pertenece a otro equipo."
    assert _stored(central_server) == {}


def test_plain_and_gzip_bodies_and_limits(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    plain = machine.push([mutation(1, machine.payload())], compress=False)
    too_many = machine.push([mutation(i, {"uuid": str(i)}) for i in range(2, MAX_BATCH + 3)])
    big = machine.payload()
    big["answers"]["notas"] = "x" * 1_100_000
    too_big = machine.push([mutation(2, big)])
    bomb = gzip.compress(b'{"machine_id": "' + b" " * 5_000_000 + b'"}')
    bombed = machine.http.post(machine.base_url + "/v1/sync/push", data=bomb, timeout=10,
                               headers={"Content-Encoding": "gzip"})
    broken = machine.http.post(machine.base_url + "/v1/sync/push", data=b"\x1f\x8bnope",
                               headers={"Content-Encoding": "gzip"}, timeout=10)
    garbage = machine.http.post(machine.base_url + "/v1/sync/push", data=b"[1, 2", timeout=10)

    assert plain.status_code == 200 and plain.json()["last_mutation_id"] == 1
    assert [r.status_code for r in (too_many, too_big, bombed)] == [413, 413, 413]
    assert broken.status_code == 400 and garbage.status_code == 400
    assert garbage.json()["detail"] == "El cuerpo no es JSON válido."
    assert admin.list_machines(central_server.db)[0].last_mutation_id == 1


def test_void_and_amend(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    created = machine.payload()
    void = {"uuid": created["uuid"], "reason": "Captura duplicada", "voided_by": "super",
            "voided_at": "2026-03-02T11:00:00"}
    amend = {"uuid": created["uuid"], "changes": {"superficie": "125"},
             "reason": "Dato corregido", "amended_by": "super", "amended_at": "2026-03-02T10:45"}

    body = machine.push([mutation(1, created), mutation(2, amend, "expediente.amend"),
                         mutation(3, void, "expediente.void")]).json()

    assert [r["status"] for r in body["results"]] == ["applied"] * 3
    assert _stored(central_server)[created["folio"]] == (created["uuid"], "anulado")
    with central_server.db.read() as session:
        [amendment] = session.scalars(select(Amendment)).all()
        assert amendment.payload["changes"] == {"superficie": "125"}


def test_missing_attachment_is_applied_with_a_warning(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    content = b"%PDF-1.4 escritura"
    digest = hashlib.sha256(content).hexdigest()
    ref = {"sha256": digest, "filename": "escritura.pdf", "mime": "application/pdf",
           "size": len(content)}

    missing = machine.push([mutation(1, machine.payload(attachments=[ref]))]).json()
    machine.http.put(f"{machine.base_url}/v1/attachments/{digest}", data=content, timeout=10)
    present = machine.push([mutation(2, machine.payload(attachments=[ref]))]).json()

    assert missing["results"][0]["status"] == "applied"
    assert missing["results"][0]["error"].startswith("aplicado; faltan adjuntos por subir:")
    assert missing["results"][0]["missing_attachments"] == [digest]
    assert present["results"][0] == {"mutation_id": 2, "status": "applied", "error": None,
                                     "missing_attachments": []}


def test_resent_expediente_still_lists_its_missing_attachments(
    central_server: CentralServer,
) -> None:
    """A window that lost the answer naming the missing scans learns them again on the retry."""
    machine = enroll(central_server)
    content = b"%PDF-1.4 acta"
    digest = hashlib.sha256(content).hexdigest()
    ref = {"sha256": digest, "filename": "acta.pdf", "mime": "application/pdf",
           "size": len(content)}
    payload = machine.payload(attachments=[ref])
    machine.push([mutation(1, payload)])

    again = machine.push([mutation(1, payload)]).json()
    machine.http.put(f"{machine.base_url}/v1/attachments/{digest}", data=content, timeout=10)
    after_upload = machine.push([mutation(1, payload)]).json()

    assert again["results"][0]["status"] == "duplicate"
    assert again["results"][0]["missing_attachments"] == [digest]
    assert after_upload["results"][0]["missing_attachments"] == []


def test_push_body_must_name_a_machine(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    response = machine.http.post(machine.base_url + "/v1/sync/push", timeout=10,
                                 data=json.dumps({"mutations": []}))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Envío inválido: machine_id")


def test_values_the_database_cannot_hold_are_rejected_not_retried_forever(
    central_server: CentralServer,
) -> None:
    machine = enroll(central_server)
    nul = machine.payload()
    nul["nombre"] = "Ana\x00"
    nul["content_sha256"] = payload_sha256({k: v for k, v in nul.items() if k != "content_sha256"})
    long_folio = machine.payload(folio="F" * 65)
    fine = machine.payload()
    void = {"uuid": fine["uuid"], "reason": "mal\x00"}
    batch = [mutation(1, nul), mutation(2, long_folio), mutation(3, fine),
             mutation(4, void, "expediente.void"),
             {**mutation(5, machine.payload()), "kind": "expediente.\x00"}]

    response = machine.push(batch)
    login = machine.post("/v1/auth/login", {"username": "x\x00", "password": "12345678"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "rejected", "rejected", "applied", "rejected", "rejected"]
    assert "caracteres nulos" in results[0]["error"]
    assert results[1]["error"].startswith("contenido inválido: folio")  # wire: at most 64
    assert set(_stored(central_server)) == {fine["folio"]}
    assert login.status_code in (401, 422)


def test_nan_in_a_payload_is_rejected_not_a_server_error(central_server: CentralServer) -> None:
    """json.loads accepts NaN; canonical JSON cannot hash it, so the mutation is refused."""
    machine = enroll(central_server)
    payload = {**machine.payload(), "answers": {"superficie": float("nan")}}
    response = machine.push([mutation(1, payload, sha256="0" * 64), mutation(2, machine.payload())])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "NaN" in results[0]["error"]


def test_a_lone_surrogate_in_a_payload_is_rejected_not_a_server_error(
        central_server: CentralServer) -> None:
    """JSON may escape half a UTF-16 pair ("\\ud800"); Python's parser accepts it, but it has no
    UTF-8 form to hash or store: that mutation is refused, the next one applied, and sending
    the batch again gives the same answers (the machine's queue is never stuck on it)."""
    machine = enroll(central_server)
    payload = {**machine.payload(), "nombre": "Ana \ud800 Pérez"}
    batch = [mutation(1, payload, sha256="0" * 64), mutation(2, machine.payload())]
    for _ in range(2):
        response = machine.push(batch)
        assert response.status_code == 200
        results = response.json()["results"]
        assert results[0]["status"] == "rejected"
        assert "sustituto" in results[0]["error"]
    assert [r["status"] for r in results] == ["rejected", "duplicate"]

