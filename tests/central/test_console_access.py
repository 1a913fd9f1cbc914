"""Every console route checks the role in the server: each route is called with no session and
with a session of each role, and answers what that person may see (200/303), may not (403), or
must log in for (303 to the login for a page, 401 for a form)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.central.console_client import PEOPLE, ConsoleClient, Seeded, seed
from tests.central_harness import CentralServer

OK, REDIRECT, FORBIDDEN, UNAUTH, INVALID = 200, 303, 403, 401, 422
ALL = ("admin1", "audi", "tesoreria", "agua", "oper")


@pytest.fixture
def seeded(central_server: CentralServer) -> Iterator[Seeded]:
    yield seed(central_server)


def routes(s: Seeded) -> list[tuple[str, str, dict[str, str], dict[str, int]]]:
    """(method, path, form, expected status by user; missing users: 403)."""
    readers = {"admin1": OK, "audi": OK, "tesoreria": OK, "agua": OK}
    oversight = {"admin1": OK, "audi": OK}
    tm = f"/consola/expedientes/{s.tm_folio}"
    return [
        ("GET", "/consola/", {}, {u: REDIRECT for u in ALL}),
        ("GET", "/consola/contrasena", {}, {u: OK for u in ALL}),
        ("GET", "/consola/expedientes", {}, readers),
        ("GET", tm, {}, {**readers, "agua": 404}),  # not AGUAH's: as if it did not exist
        ("GET", f"{tm}/anexos/{'0' * 64}", {}, {**readers, "agua": 404, "tesoreria": 404,
                                                 "admin1": 404, "audi": 404}),
        ("POST", f"{tm}/estado", {"estado": "en_revision"},
         # admin1 moves it; tesorería then asks for the same move: refused by the rule (422)
         {"admin1": REDIRECT, "tesoreria": INVALID, "agua": 404}),
        ("GET", "/consola/oficinas", {}, oversight),
        ("POST", "/consola/oficinas", {"clave": "", "nombre": ""}, {"admin1": INVALID}),
        ("POST", "/consola/oficinas/HMO/codigo", {"ventanilla": ""}, {"admin1": INVALID}),
        ("POST", "/consola/equipos/NOPE/revocar", {}, {"admin1": INVALID}),
        ("GET", "/consola/usuarios", {}, oversight),
        ("POST", "/consola/usuarios", {"usuario": ""}, {"admin1": INVALID}),
        ("POST", "/consola/usuarios/nadie/desactivar", {}, {"admin1": INVALID}),
        ("POST", "/consola/usuarios/nadie/reactivar", {}, {"admin1": INVALID}),
        ("POST", "/consola/usuarios/nadie/contrasena", {}, {"admin1": INVALID}),
        ("POST", "/consola/usuarios/nadie/rol", {"rol": "auditor"}, {"admin1": INVALID}),
        ("POST", "/consola/usuarios/nadie/oficina", {}, {"admin1": INVALID}),
        ("GET", "/consola/configuracion", {}, oversight),
        ("POST", "/consola/configuracion/revisar", {"contenido": ""}, {"admin1": INVALID}),
        ("POST", "/consola/configuracion/publicar", {"contenido": "{}"}, {"admin1": INVALID}),
        ("GET", "/consola/bitacora", {}, oversight),
        ("POST", "/consola/salir", {}, {u: REDIRECT for u in ALL}),  # last: ends the sessions
    ]


def test_every_route_checks_the_role(seeded: Seeded) -> None:
    clients = {}
    for username in PEOPLE:
        clients[username] = ConsoleClient(seeded.server.url)
        assert clients[username].login(username).status_code == 303
    anonymous = ConsoleClient(seeded.server.url)
    seen: list[tuple[str, str, str, int, int]] = []
    for method, path, form, expected in routes(seeded):
        if method == "GET":
            response = anonymous.get(path)
            want_anon = REDIRECT
            assert response.status_code != REDIRECT or response.headers["location"].startswith(
                "/consola/entrar?siguiente=")
        else:
            response = anonymous.post(path, form)
            want_anon = UNAUTH
        seen.append((method, path, "—", want_anon, response.status_code))
        for username in ALL:
            client = clients[username]
            got = client.get(path) if method == "GET" else client.post(path, form)
            seen.append((method, path, username, expected.get(username, FORBIDDEN),
                         got.status_code))
    wrong = [row for row in seen if row[3] != row[4]]
    assert wrong == [], wrong


def test_a_form_without_its_csrf_token_is_refused(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")

    forged = client.post("/consola/oficinas", {"clave": "X", "nombre": "Falsa"}, csrf=False)
    other = client.post("/consola/oficinas", {"clave": "X", "nombre": "Falsa", "csrf": "adivina"},
                        csrf=False)
    login_forged = ConsoleClient(seeded.server.url).post(
        "/consola/entrar", {"usuario": "admin1", "contrasena": "clave-segura-1"}, csrf=False)

    assert [forged.status_code, other.status_code, login_forged.status_code] == [403] * 3
    assert "El formulario no trae la clave de su sesión" in forged.text
    assert "X · Falsa" not in client.get("/consola/oficinas").text
