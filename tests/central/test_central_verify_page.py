"""The public receipt verification page a QR opens: /v/{machine_id}/{folio}?t&d&h&s."""

from __future__ import annotations

import base64
import json

import requests

from central import admin
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central_harness import CentralServer
from wire.receipts import receipt_message


def _qr_url(machine: CounterMachine, folio: str, total: str, date: str, sha256: str) -> str:
    signature = machine.receipt_key.sign(receipt_message(folio, total, date, sha256))
    s = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return f"{machine.base_url}/v/{machine.machine_id}/{folio}?t={total}&d={date}&h={sha256}&s={s}"


def test_authentic_receipt_shows_the_record_and_its_status(
    central_server: CentralServer,
) -> None:
    machine = enroll(central_server)
    payload = machine.payload(total="1250.50")
    url = _qr_url(machine, payload["folio"], "1250.50", "2026-03-02", payload["content_sha256"])

    before_sync = requests.get(url, timeout=10)
    admin.publish_config(central_server.db, json.dumps({"version": 2, "tramites": [
        {"homoclave": "TES-PRED-001", "version": 1,
         "nombre": "Constancia de no adeudo predial"}]}).encode())
    machine.push([mutation(1, payload)])
    admin.set_status(central_server.db, payload["folio"], "resuelto",
                     official_folio="CAT-2026-0099")
    after_sync = requests.get(url, timeout=10)

    assert before_sync.status_code == 200
    assert before_sync.headers["content-type"].startswith("text/html")
    assert "Comprobante auténtico" in before_sync.text
    assert "Aún no llega a la plataforma" in before_sync.text
    page = after_sync.text
    assert "Comprobante auténtico" in page and payload["folio"] in page
    assert "$ 1250.50" in page and "2026-03-02" in page
    assert "TES-PRED-001 — Constancia de no adeudo predial" in page
    assert "Resuelto" in page and "CAT-2026-0099" in page
    assert "no coinciden" not in page


def test_tampered_total_or_unknown_machine_is_not_valid(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    payload = machine.payload(total="80.00")
    url = _qr_url(machine, payload["folio"], "80.00", "2026-03-02", payload["content_sha256"])

    tampered = requests.get(url.replace("t=80.00", "t=8.00"), timeout=10)
    foreign = requests.get(url.replace(machine.machine_id, "MFFFFFFFFFFFF"), timeout=10)
    unsigned = requests.get(url.split("&s=")[0], timeout=10)
    mangled = requests.get(url + "%%%", timeout=10)

    for response in (tampered, foreign, unsigned, mangled):
        assert response.status_code == 200
        assert "Comprobante NO válido" in response.text
        assert "Comprobante auténtico" not in response.text


def test_signed_receipt_that_differs_from_the_record_is_flagged(
    central_server: CentralServer,
) -> None:
    machine = enroll(central_server)
    payload = machine.payload(total="80.00")
    machine.push([mutation(1, payload)])
    url = _qr_url(machine, payload["folio"], "90.00", "2026-03-02", payload["content_sha256"])

    page = requests.get(url, timeout=10).text

    assert "Comprobante auténtico" in page and "no coinciden con el expediente" in page
