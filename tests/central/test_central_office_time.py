"""Central stores instants in UTC and shows them on the office's clock (the published bundle's
zona_horaria), and keeps a back-capture's paper folio and date (import-archivo)."""

from __future__ import annotations

import json
from datetime import date, datetime

import requests
from sqlalchemy import select

from central import admin
from central.models import Expediente
from central.office_clock import local_text
from tests.central.central_client import enroll, mutation
from tests.central.test_central_verify_page import _qr_url
from tests.central_harness import CentralServer
from wire.canonical import payload_sha256


def test_one_summer_instant_on_each_office_clock() -> None:
    instant = datetime(2026, 7, 16, 6, 30)  # stored: naive UTC
    assert local_text(instant, "America/Hermosillo") == "15/07/2026 23:30 (UTC-7)"
    assert local_text(instant, "America/Mexico_City") == "16/07/2026 00:30 (UTC-6)"


def test_the_verify_page_shows_the_office_clock_and_the_paper_of_a_back_capture(
    central_server: CentralServer,
) -> None:
    admin.publish_config(central_server.db, json.dumps({
        "version": 2, "zona_horaria": "America/Hermosillo", "tramites": [
            {"homoclave": "TES-PRED-001", "version": 1, "nombre": "Constancia"}]}).encode())
    machine = enroll(central_server)
    payload = machine.payload(total="80.00")
    del payload["content_sha256"]
    payload |= {"captured_at": "2026-07-16T06:30:00Z", "archivo_folio": "PRED-1998-0042",
                "archivo_fecha": "1998-05-04"}
    payload["content_sha256"] = payload_sha256(payload)
    url = _qr_url(machine, payload["folio"], "80.00", "2026-07-15", payload["content_sha256"])
    assert machine.push([mutation(1, payload)]).json()["results"][0]["status"] == "applied"

    page = requests.get(url, timeout=10).text
    assert "15/07/2026 23:30 (UTC-7)" in page
    assert "Captura de archivo — folio original PRED-1998-0042 del 04/05/1998" in page
    with central_server.db.read() as session:
        row = session.scalars(select(Expediente)).one()
        assert (row.archivo_folio, row.archivo_fecha) == ("PRED-1998-0042", date(1998, 5, 4))
