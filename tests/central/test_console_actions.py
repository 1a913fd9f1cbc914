"""Console actions over HTTP, on SQLite and PostgreSQL: what the admin sees after each one, and
what it does to the windows (a revoked machine's token stops working; an enroll code from the
console enrolls a window), to users (a reset password must be changed first) and sessions
(logout and idle expiry end them)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from central import users
from central.console.config_diff import diff_bundles
from central.console.sessions import IDLE_EXPIRY
from central.models import AuditEvent, ConsoleSession, utc_now
from tests.central.central_client import enroll_at
from tests.central.console_client import PASSWORD, ConsoleClient, Seeded, seed
from tests.central_harness import CentralServer
from tests.impact_bundles import crafted_v2


@pytest.fixture
def seeded(central_server: CentralServer) -> Iterator[Seeded]:
    yield seed(central_server)


def test_revoking_a_machine_stops_its_token(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    assert seeded.machine.pull(0).status_code == 200

    done = client.post(f"/consola/equipos/{seeded.machine.machine_id}/revocar")
    page = client.get("/consola/oficinas?ok=revocado").text

    assert done.status_code == 303 and "Equipo revocado" in page and "Revocado" in page
    assert seeded.machine.pull(0).status_code == 401
    assert seeded.machine.post("/v1/auth/login", {"username": "oper", "password": PASSWORD}
                               ).status_code == 401


def test_an_enroll_code_from_the_console_enrolls_a_window(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")

    created = client.post("/consola/oficinas", {"clave": "norte", "nombre": "Oficina Norte"})
    shown = client.post("/consola/oficinas/NORTE/codigo", {"ventanilla": "v02", "horas": "2"})
    code = re.search(r'id="codigo">([A-Z0-9-]{14})<', shown.text)

    assert created.status_code == 303 and "NORTE · Oficina Norte" in client.get(
        "/consola/oficinas").text
    assert shown.status_code == 200 and code is not None and "NORTE" in shown.text
    machine = enroll_at(seeded.server.url, code.group(1))
    assert (machine.office, machine.ventanilla) == ("NORTE", "V02")


def test_a_reset_password_must_be_changed_before_anything_else(seeded: Seeded) -> None:
    admin = ConsoleClient(seeded.server.url)
    admin.login("admin1")
    assert admin.post("/consola/usuarios/audi/contrasena",
                      {"contrasena": "temporal-99"}).status_code == 303

    audi = ConsoleClient(seeded.server.url)
    assert audi.login("audi").status_code == 401  # the old password is gone
    assert audi.login("audi", "temporal-99").status_code == 303
    assert audi.get("/consola/bitacora").headers["location"] == "/consola/contrasena"
    mismatch = audi.post("/consola/contrasena", {"actual": "temporal-99", "nueva": "nueva-clave-1",
                                                 "confirmacion": "otra-clave-1"})
    assert mismatch.status_code == 422 and "no coinciden" in mismatch.text
    changed = audi.post("/consola/contrasena", {"actual": "temporal-99",
                                                "nueva": "nueva-clave-1",
                                                "confirmacion": "nueva-clave-1"})
    assert changed.status_code == 303
    assert audi.get("/consola/bitacora").status_code == 200
    assert not users.get_user(seeded.db, "audi").must_change_password


def test_logout_and_idle_expiry_end_the_session(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("audi")
    assert client.get("/consola/usuarios").status_code == 200
    with seeded.db.write() as session:
        session.execute(update(ConsoleSession).values(
            last_seen=utc_now() - IDLE_EXPIRY - timedelta(seconds=1)))
    assert client.get("/consola/usuarios").status_code == 303  # to the login

    client.login("audi")
    assert client.post("/consola/salir").status_code == 303
    assert client.get("/consola/usuarios").status_code == 303
    with seeded.db.read() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-3:] == ["sesion.entrar", "sesion.entrar", "sesion.salir"]


def test_the_impact_of_a_bundle_against_the_one_in_force() -> None:
    campo = {"clave": "nombre"}
    current = {"version": 3, "uma_diaria": "108.57", "tramites": [
        {"homoclave": "A", "nombre": "Uno", "campos": [campo, {"clave": "curp"}]},
        {"homoclave": "B", "nombre": "Dos", "campos": [campo]},
        {"homoclave": "C", "nombre": "Tres", "campos": [campo]}]}
    new = {"version": 4, "uma_diaria": "113.14", "tramites": [
        {"homoclave": "A", "nombre": "Uno", "campos": [campo, {"clave": "rfc"}]},
        {"homoclave": "C", "nombre": "Tres", "campos": [campo]},
        {"homoclave": "D", "nombre": "Cuatro", "campos": []}]}

    diff = diff_bundles(current, new)

    assert (diff.current_version, diff.new_version) == (3, 4)
    assert diff.added == [("D", "Cuatro")] and diff.removed == [("B", "Dos")]
    assert [(c.homoclave, c.campos_added, c.campos_removed) for c in diff.changed] == [
        ("A", ["rfc"], ["curp"])]
    assert diff.other_keys == ["uma_diaria"]
    first = diff_bundles(None, new)
    assert first.current_version == 0 and len(first.added) == 3 and first.other_keys == []


def test_the_review_page_shows_the_windows_impact_report(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    page = client.post("/consola/configuracion/revisar",
                       {"contenido": json.dumps(crafted_v2(3))}).text
    assert 'id="reporte"' in page
    text = html.unescape(page)
    assert "Configuración versión 3: 1 trámite nuevo, 2 cambiados, 1 retirado" in text
    assert "UMA diaria: $117.31 → $120.00" in text
