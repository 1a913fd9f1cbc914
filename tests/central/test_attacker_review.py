"""The platform as an attacker sees it (adversarial review): malformed, oversized or odd input to
every route is refused with a Spanish message and the right status, changes nothing, and never
answers a bare "Internal Server Error" nor a framework's English phrase."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import select

from central import admin, users
from central.bundles import latest_version
from central.gzip_body import GzipRequestBody
from central.models import Change, EnrollCode, Expediente, Machine, Office, utc_now
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central.console_client import PASSWORD, ConsoleClient, Seeded, seed
from tests.central_harness import CentralServer
from wire.canonical import payload_sha256
from wire.receipts import receipt_message

ENGLISH = ("Internal Server Error", "Not Found", "Method Not Allowed", "There was an error",
           "Traceback", "sqlalchemy", "Content Too Large")


@pytest.fixture
def seeded(central_server: CentralServer) -> Iterator[Seeded]:
    yield seed(central_server)


def _spanish(response: requests.Response, status: int) -> str:
    """The answer's Spanish detail; fails on another status or any English or internal text."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert not any(word in response.text for word in ENGLISH), response.text[:300]
    if "json" in response.headers.get("content-type", ""):
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail
        return detail
    return response.text


def _fresh(machine: CounterMachine) -> requests.Session:
    """A session of its own per request: a refused request must not poison a kept-alive one."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {machine.token}"
    return http


def test_sync_state_ids_that_are_not_plain_digits_are_refused(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    url = central_server.url + "/v1/sync/state"

    for ids in ("²", "1,²", "٣", "9" * 25, "99999999999999999999"):
        answer = _fresh(machine).get(url, params={"ids": ids}, timeout=20)
        assert "ids" in _spanish(answer, 422)
    assert _fresh(machine).get(url, params={"ids": "1,2"}, timeout=20).status_code == 200


def test_deeply_nested_push_is_refused_and_changes_nothing(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    deep = b"[" * 100_000 + b"]" * 100_000
    bodies = (
        b'{"machine_id":"' + machine.machine_id.encode() + b'","mutations":' + deep + b"}",
        b'{"machine_id":"' + machine.machine_id.encode() + b'","mutations":[{"mutation_id":1,'
        b'"kind":"expediente.create","entity_uuid":"x","sha256":"x","payload":' + deep + b"}]}",
    )
    for body in bodies:
        answer = _fresh(machine).post(central_server.url + "/v1/sync/push", data=body,
                                      headers={"Content-Type": "application/json"}, timeout=30)
        _spanish(answer, 422)

    assert admin.list_machines(central_server.db)[0].last_mutation_id == 0
    assert machine.push([mutation(1, machine.payload())]).json()["results"][0]["status"] == (
        "applied")


def test_deeply_nested_json_to_enroll_and_login_is_a_spanish_422(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    code = central_server.enroll_code("OFI", "V02")
    deep = b"[" * 100_000 + b"]" * 100_000
    json_headers = {"Content-Type": "application/json"}

    enrolled = requests.post(central_server.url + "/v1/enroll", data=b'{"code":' + deep + b"}",
                             headers=json_headers, timeout=30)
    login = _fresh(machine).post(central_server.url + "/v1/auth/login",
                                 data=b'{"username":' + deep + b"}", headers=json_headers,
                                 timeout=30)

    _spanish(enrolled, 422)
    _spanish(login, 422)
    assert len(admin.list_machines(central_server.db)) == 1
    assert requests.post(central_server.url + "/v1/enroll", json={"code": code},
                         timeout=30).status_code == 200


def test_unknown_routes_and_methods_answer_in_spanish(central_server: CentralServer) -> None:
    machine = enroll(central_server)

    _spanish(_fresh(machine).get(central_server.url + "/v1/nada", timeout=20), 404)
    _spanish(requests.get(central_server.url + "/v/../../etc/passwd", timeout=20), 404)
    _spanish(_fresh(machine).get(central_server.url + "/v1/sync/push", timeout=20), 405)
    _spanish(requests.delete(central_server.url + "/v1/enroll", timeout=20), 405)
    _spanish(requests.get(central_server.url + "/consola/static/..%2fauth.py", timeout=20), 404)


def test_console_dates_and_pages_out_of_range_are_not_a_server_error(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")

    for path in ("/consola/expedientes", "/consola/bitacora"):
        for params in ({"pagina": "9" * 30}, {"pagina": "-99999999999999999999"},
                       {"hasta": "9999-12-31"}, {"desde": "9999-12-31", "hasta": "0001-01-01"}):
            fresh = ConsoleClient(seeded.server.url)
            fresh.http.cookies.update(client.http.cookies)
            answer = fresh.get(path, params=params)
            assert answer.status_code == 200, (path, params, answer.status_code)
            assert "Internal Server Error" not in answer.text


def _expediente_with_scan(seeded: Seeded, filename: str) -> tuple[str, str]:
    """An expediente of Tesorería pushed with one scan named `filename`; (folio, sha256)."""
    machine, blob = seeded.machine, f"%PDF-1.4 {filename}".encode()
    sha = hashlib.sha256(blob).hexdigest()
    assert machine.http.put(f"{machine.base_url}/v1/attachments/{sha}", data=blob,
                            timeout=20).status_code == 201
    payload = machine.payload(attachments=[{"sha256": sha, "filename": filename,
                                            "mime": "application/pdf", "size": len(blob)}])
    payload["tramite_homoclave"] = "HMO-TM-001"
    del payload["content_sha256"]
    payload["content_sha256"] = payload_sha256(payload)
    answer = machine.push([mutation(3, payload)]).json()
    assert answer["results"][0]["status"] == "applied", answer
    return str(payload["folio"]), sha


def test_a_scan_named_with_any_characters_downloads(seeded: Seeded) -> None:
    folio, sha = _expediente_with_scan(seeded, 'acta—niño 文件"\r\nX-Inyectado: 1.pdf')
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")

    answer = client.get(f"/consola/expedientes/{quote(folio)}/anexos/{sha}")

    assert answer.status_code == 200, answer.text[:200]
    assert answer.content.startswith(b"%PDF-1.4")
    assert "X-Inyectado" not in answer.headers
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition
    assert quote("acta—niño 文件", safe="") in disposition


def _chunked(size: int) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), `size` bytes of one JSON string."""
    yield b'{"code":"'
    for _ in range(size // 65_536):
        yield b"A" * 65_536
    yield b'"}'


def test_a_chunked_body_past_the_limit_is_413_before_it_is_read_whole(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    size = 3 * 1_048_576

    enrolled = requests.post(central_server.url + "/v1/enroll", data=_chunked(size),
                             headers={"Content-Type": "application/json"}, timeout=30)
    login = requests.post(central_server.url + "/consola/entrar", data=_chunked(size),
                          headers={"Content-Type": "application/x-www-form-urlencoded"},
                          timeout=30)
    pushed = _fresh(machine).post(central_server.url + "/v1/sync/push", data=_chunked(size),
                                  headers={"Content-Type": "application/json"}, timeout=30)

    assert "grande" in _spanish(enrolled, 413)
    # The form parser's own cap on one field (1 MB) may come first: refused either way.
    assert "grande" in _spanish(login, 413 if login.status_code == 413 else 422)
    _spanish(pushed, 413)
    assert len(admin.list_machines(central_server.db)) == 1


def test_changing_ones_password_ends_ones_other_sessions(seeded: Seeded) -> None:
    """Someone who learned the old password and opened a session loses it when the owner
    changes the password; the owner's own session goes on."""
    intruder, owner = ConsoleClient(seeded.server.url), ConsoleClient(seeded.server.url)
    assert intruder.login("audi").status_code == 303
    assert owner.login("audi").status_code == 303
    owner.get("/consola/contrasena")

    changed = owner.post("/consola/contrasena", {"actual": PASSWORD, "nueva": "otra-clave-9",
                                                 "confirmacion": "otra-clave-9"})

    assert changed.status_code == 303
    assert owner.get("/consola/bitacora").status_code == 200
    assert intruder.get("/consola/bitacora").headers["location"].startswith("/consola/entrar")


def test_a_password_changed_at_a_window_ends_the_users_console_sessions(seeded: Seeded) -> None:
    console = ConsoleClient(seeded.server.url)
    assert console.login("oper").status_code == 303
    assert console.get("/consola/contrasena").status_code == 200

    changed = seeded.machine.post("/v1/auth/password", {
        "username": "oper", "password": PASSWORD, "new_password": "otra-clave-9"})

    assert changed.status_code == 200
    assert console.get("/consola/contrasena").headers["location"].startswith("/consola/entrar")


def test_console_pages_are_not_framed_sniffed_or_cached(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    login_page = client.get("/consola/entrar")
    client.login("admin1")
    folio = seeded.tm_folio

    for answer in (login_page, client.get("/consola/expedientes"),
                   client.get(f"/consola/expedientes/{folio}"), client.get("/consola/usuarios")):
        assert answer.status_code == 200
        assert answer.headers["X-Frame-Options"] == "DENY"
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in answer.headers["Cache-Control"]


def test_push_counters_out_of_range_are_refused_and_change_nothing(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    huge = 2**70
    bodies = [{"pending": huge}, {"pending": -3},
              {"audit_head": {"seq": huge, "mac": "a" * 64}}]

    for extra in bodies:
        body = {"machine_id": machine.machine_id, "app_version": "0.1.0",
                "mutations": [mutation(1, machine.payload())], **extra}
        _fresh(machine).post(central_server.url + "/v1/sync/push", json=body, timeout=30)
        answer = _fresh(machine).post(central_server.url + "/v1/sync/push", json=body,
                                      timeout=30)
        _spanish(answer, 422)

    row = admin.list_machines(central_server.db)[0]
    assert row.last_mutation_id == 0 and row.pending is None


def test_a_catalogo_over_a_megabyte_is_reviewed_and_published(seeded: Seeded) -> None:
    """The page promises up to 5 MB; publishing posts the content back form-encoded (about
    three bytes per quote or brace), which must not be cut at the sync API's 1 MB."""
    tramites = [{"homoclave": f"HMO-GRANDE-{i:05d}", "version": 1,
                 "nombre": f"Trámite «{i}» de prueba: {'x' * 200}"} for i in range(5000)]
    raw = json.dumps({"format": "ventanilla-bundle/1", "version": 3, "tramites": tramites})
    assert 1_048_576 < len(raw.encode()) < 5 * 1_048_576
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    client.get("/consola/configuracion")

    reviewed = client.http.post(seeded.server.url + "/consola/configuracion/revisar",
                                data={"csrf": client.csrf},
                                files={"archivo": ("catalogo.json", raw.encode())}, timeout=60)
    published = client.post("/consola/configuracion/publicar", {"contenido": raw})

    assert reviewed.status_code == 200, reviewed.text[:300]
    assert published.status_code == 303, published.text[:300]
    assert published.headers["location"] == "/consola/configuracion?ok=3"


def test_the_console_takes_no_gzip_body(central_server: CentralServer) -> None:
    """Only the sync API inflates, and only for a machine (or an enroll): an anonymous gzip body
    to the console would otherwise be inflated before its session is even looked at."""
    bomb = gzip.compress(b"contenido=" + b"A" * 8_000_000)
    for path in ("/consola/entrar", "/consola/configuracion/publicar", "/consola/salir"):
        answer = requests.post(central_server.url + path, data=bomb, timeout=20, headers={
            "Content-Encoding": "gzip",
            "Content-Type": "application/x-www-form-urlencoded"})
        assert "comprimidos" in _spanish(answer, 415)


def test_a_json_route_refuses_a_body_declared_as_something_else(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    code = central_server.enroll_code("OFI", "V02")
    push = json.dumps({"machine_id": machine.machine_id, "app_version": "0.1.0",
                       "mutations": [mutation(1, machine.payload())]})
    login = json.dumps({"username": "nadie", "password": "x" * 8})

    for content_type in ("text/plain", "application/x-www-form-urlencoded", "text/html",
                         "application/xml"):
        headers = {"Content-Type": content_type}
        answers = (
            _fresh(machine).post(central_server.url + "/v1/sync/push", data=push,
                                 headers=headers, timeout=20),
            requests.post(central_server.url + "/v1/enroll", data=json.dumps({"code": code}),
                          headers=headers, timeout=20),
            _fresh(machine).post(central_server.url + "/v1/auth/login", data=login,
                                 headers=headers, timeout=20),
        )
        for answer in answers:
            assert "JSON" in _spanish(answer, 415)

    assert admin.list_machines(central_server.db)[0].last_mutation_id == 0
    assert len(admin.list_machines(central_server.db)) == 1
    with_charset = {"Content-Type": "application/json; charset=utf-8"}
    assert _fresh(machine).post(central_server.url + "/v1/sync/push", data=push,
                                headers=with_charset, timeout=20).status_code == 200
    assert requests.post(central_server.url + "/v1/enroll", data=json.dumps({"code": code}),
                         headers=with_charset, timeout=20).status_code == 200


def test_a_status_note_or_official_folio_windows_would_refuse_is_refused(
        seeded: Seeded) -> None:
    """The windows take a note of up to 2,000 characters and an official folio of up to 64
    (wire.payloads.StatusChange): more would be set aside at every window's pull forever."""
    client = ConsoleClient(seeded.server.url)
    client.login("tesoreria")
    folio = seeded.tm_folio
    client.get(f"/consola/expedientes/{folio}")

    returned = client.post(f"/consola/expedientes/{folio}/estado",
                           {"estado": "devuelto", "nota": "x" * 2001})
    resolved = client.post(f"/consola/expedientes/{folio}/estado",
                           {"estado": "resuelto", "folio_oficial": "F" * 65})

    assert "2000" in _spanish(returned, 422)
    assert "64" in _spanish(resolved, 422)
    with seeded.db.read() as session:
        row = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        assert (row.status, row.note, row.official_folio) == ("recibido", None, None)
        assert not session.scalars(select(Change).where(
            Change.entity_uuid == row.uuid, Change.kind == "expediente.status")).all()


@pytest.mark.parametrize("field,value", [("nombre", "N" * 201), ("dependencia", "D" * 33)])
def test_a_user_the_columns_or_windows_cannot_hold_is_refused_in_spanish(
        seeded: Seeded, field: str, value: str) -> None:
    """A full name over 200 characters would be set aside by every window's pull (wire
    UserChange) on SQLite, and a database error on PostgreSQL; a dependencia over 32 too."""
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    client.get("/consola/usuarios")
    form = {"usuario": "largo", "nombre": "Persona larga", "rol": "dependencia",
            "dependencia": "TM", "contrasena": "clave-segura-9", field: value}

    created = client.post("/consola/usuarios", form)

    assert "200" in _spanish(created, 422) or "32" in created.text
    with pytest.raises(users.UserError):
        users.get_user(seeded.db, "largo")


def test_office_and_window_claves_that_would_break_folios_or_links_are_refused(
        seeded: Seeded) -> None:
    """A clave starts every folio (OFICINA-VENTANILLA-AÑO-N) and is a path segment of the
    console: "A-B" would give office A-B's window C the folios of office A's window B-C."""
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    client.get("/consola/oficinas")

    for clave in ("HMO-CENTRO", "../X", "A B", "<b>X</b>", "OFI/2"):
        created = client.post("/consola/oficinas", {"clave": clave, "nombre": "Oficina"})
        assert "clave" in _spanish(created, 422)
    for ventanilla in ("V-01", "V 1", "../V1"):
        code = client.post("/consola/oficinas/HMO/codigo", {"ventanilla": ventanilla})
        assert "clave" in _spanish(code, 422)
    huge = client.post("/consola/oficinas", {"clave": "LARGA", "nombre": "N" * 201})
    _spanish(huge, 422)

    with seeded.db.read() as session:
        assert sorted(session.scalars(select(Office.clave))) == ["HMO", "SUR"]
        assert not session.scalars(select(EnrollCode).where(EnrollCode.ventanilla != "V01")
                                   ).all()


@pytest.mark.parametrize("raw", [
    '{"format":"ventanilla-bundle/1","version":3,"tramites":' + "[" * 50_000 + "]" * 50_000
    + "}",
    '{"format":"ventanilla-bundle/1","version":' + "9" * 30 + ',"tramites":[]}',
    '{"format":"ventanilla-bundle/1","version":2147483648,"tramites":[]}',
])
def test_a_bundle_the_platform_cannot_hold_is_refused_on_the_page(seeded: Seeded,
                                                                  raw: str) -> None:
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")
    client.get("/consola/configuracion")

    reviewed = client.post("/consola/configuracion/revisar", {"contenido": raw})
    published = client.post("/consola/configuracion/publicar", {"contenido": raw})

    _spanish(reviewed, 422)
    _spanish(published, 422)
    assert "<html" in reviewed.text and "<html" in published.text
    with seeded.db.read() as session:
        assert latest_version(session) == 2


def test_the_session_cookie_is_httponly_strict_and_scoped(seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    form_page = client.get("/consola/entrar")
    logged = client.login("admin1")

    for answer, name in ((form_page, "consola_entrada"), (logged, "consola_sesion")):
        cookie = next(c for c in answer.headers["set-cookie"].split(", ") if name in c).lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/consola" in cookie
        assert "secure" not in cookie  # plain HTTP on loopback; Secure over HTTPS
    client.get("/consola/expedientes")
    logged_out = client.post("/consola/salir")
    assert logged_out.status_code == 303
    assert client.get("/consola/expedientes").headers["location"].startswith("/consola/entrar")


def test_guessing_a_console_password_locks_the_user_even_for_the_right_one(
        seeded: Seeded) -> None:
    client = ConsoleClient(seeded.server.url)
    for _ in range(5):
        assert client.login("audi", "adivinanza-1").status_code == 401
    refused = client.login("audi")  # the right password, while locked

    assert "incorrectos" in _spanish(refused, 401)
    assert "consola_sesion" not in refused.headers.get("set-cookie", "")



def test_a_receipt_of_a_revoked_machine_the_platform_never_received_is_flagged(
        central_server: CentralServer) -> None:
    """A stolen window keeps its receipt key after it is revoked: what it signs and never sent
    must not read as a plain "auténtico"."""
    machine = enroll(central_server)
    sent, unsent = machine.payload(), machine.payload()
    machine.push([mutation(1, sent)])
    with central_server.db.write() as session:
        session.get_one(Machine, machine.machine_id).revoked_at = utc_now()

    pages = {}
    for name, payload in (("sent", sent), ("unsent", unsent)):
        signature = machine.receipt_key.sign(receipt_message(
            payload["folio"], "150.00", "2026-03-02", payload["content_sha256"]))
        url = (f"{central_server.url}/v/{machine.machine_id}/{payload['folio']}?t=150.00"
               f"&d=2026-03-02&h={payload['content_sha256']}"
               f"&s={base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}")
        pages[name] = requests.get(url, timeout=20).text

    assert "dado de baja" in pages["unsent"] and "No lo acepte" in pages["unsent"]
    assert "Comprobante auténtico" in pages["sent"] and "dado de baja" not in pages["sent"]


def test_markup_a_window_sends_is_shown_as_text_in_the_console(seeded: Seeded) -> None:
    machine = seeded.machine
    payload = machine.payload()
    payload.update(tramite_homoclave="HMO-TM-001", nombre="<svg onload=alert(1)>",
                   answers={"<i>campo</i>": "<script>alert(2)</script>", "n": {"b": [1, None]}},
                   requisitos=[{"clave": "ine", "recibido": False,
                                "nota": "<img src=x onerror=alert(3)>"}])
    del payload["content_sha256"]
    payload["content_sha256"] = payload_sha256(payload)
    assert machine.push([mutation(3, payload)]).json()["results"][0]["status"] == "applied"
    client = ConsoleClient(seeded.server.url)
    client.login("admin1")

    for path in (f"/consola/expedientes/{payload['folio']}", "/consola/expedientes",
                 "/consola/expedientes?q=%3Csvg"):
        text = client.get(path).text
        assert "<svg" not in text and "<script>alert" not in text and "<img src" not in text
        assert "<i>campo" not in text
    assert "&lt;svg onload=alert(1)&gt;" in client.get("/consola/expedientes?q=%3Csvg").text


def test_slow_anonymous_gzip_enrolls_cannot_starve_the_machines_pushes() -> None:
    """Anonymous gzip bodies (enroll) sent slowly held the one inflation budget the windows'
    pushes share; past it every push was a 503. They have a budget of their own."""
    limit = 1_048_576
    reached: list[str] = []

    async def app(scope: Any, _receive: Any, send: Any) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def token_check(scope: Any) -> bool | None:
        return None if scope["path"] == "/v1/enroll" else True

    async def run() -> list[int]:
        middleware = GzipRequestBody(app, lambda _p: limit, token_check,
                                     budget_bytes=32 * limit)
        never = asyncio.Event()
        sent_at_last = gzip.compress(b'{"code": "X"}')

        async def trickle() -> dict[str, Any]:  # a client that never finishes its body
            await never.wait()
            return {"type": "http.request", "body": b"", "more_body": False}

        async def whole() -> dict[str, Any]:
            return {"type": "http.request", "body": sent_at_last, "more_body": False}

        def scope(path: str) -> dict[str, Any]:
            return {"type": "http", "method": "POST", "path": path,
                    "headers": [(b"content-encoding", b"gzip")]}

        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        slow = [asyncio.create_task(middleware(scope("/v1/enroll"), trickle, send))
                for _ in range(40)]
        await asyncio.sleep(0)
        await middleware(scope("/v1/sync/push"), whole, send)
        never.set()
        await asyncio.gather(*slow)
        return statuses

    statuses = asyncio.run(run())

    assert "/v1/sync/push" in reached  # the machine's push was inflated and served
    assert 503 in statuses  # the anonymous ones past their own budget waited
