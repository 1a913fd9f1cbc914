"""Enrollment with one-time codes and user login, over HTTP."""

from __future__ import annotations

import gzip
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests

import central.logins
from central import admin
from central.models import EnrollCode, User, utc_now
from central.security import enroll_code_sha256
from tests.central.central_client import enroll
from tests.central_harness import CentralServer


def test_enroll_gives_machine_identity_and_code_is_single_use(
    central_server: CentralServer,
) -> None:
    code = central_server.enroll_code("HMO01", "V03", nombre="Catastro Centro")
    body = {"code": code.lower(), "app_version": "0.1.0", "hostname": "caja-3"}

    first = requests.post(central_server.url + "/v1/enroll", json=body, timeout=10)
    again = requests.post(central_server.url + "/v1/enroll", json=body, timeout=10)

    assert first.status_code == 200
    data = first.json()
    assert (data["oficina"], data["oficina_nombre"], data["ventanilla"]) == (
        "HMO01", "Catastro Centro", "V03")
    assert data["municipio"] == "Hermosillo"
    assert data["platform_public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert len(data["machine_token"]) >= 43 and data["epoch"]
    assert again.status_code == 401
    assert "código" in again.json()["detail"]
    machines = admin.list_machines(central_server.db)
    assert [(m.id, m.office, m.ventanilla) for m in machines] == [
        (data["machine_id"], "HMO01", "V03")]


def test_enroll_refuses_unknown_code_and_garbage(central_server: CentralServer) -> None:
    unknown = requests.post(central_server.url + "/v1/enroll", json={"code": "AAAA-BBBB-CCCC"},
                            timeout=10)
    garbage = requests.post(central_server.url + "/v1/enroll", data=b"{not json",
                            headers={"Content-Type": "application/json"}, timeout=10)
    bad_key = requests.post(
        central_server.url + "/v1/enroll",
        json={"code": central_server.enroll_code(), "receipt_public_key": "not a key"},
        timeout=10,
    )

    assert unknown.status_code == 401
    assert garbage.status_code == 422
    assert garbage.json()["detail"] == "El cuerpo no es JSON válido."
    assert bad_key.status_code == 422 and isinstance(bad_key.json()["detail"], str)


def test_enroll_accepts_gzip_body(central_server: CentralServer) -> None:
    raw = gzip.compress(json.dumps({"code": central_server.enroll_code()}).encode())
    response = requests.post(
        central_server.url + "/v1/enroll", data=raw,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}, timeout=10,
    )
    assert response.status_code == 200, response.text


def test_login_checks_password_and_machine_token(central_server: CentralServer) -> None:
    machine = enroll(central_server)  # creates the office, where lucia works
    admin.add_user(central_server.db, "lucia", "supervisor", "Lucía Ramos", "s3creto-largo")

    ok = machine.post("/v1/auth/login", {"username": "lucia", "password": "s3creto-largo"})
    wrong = machine.post("/v1/auth/login", {"username": "lucia", "password": "otra-cosa"})
    nobody = machine.post("/v1/auth/login", {"username": "nadie", "password": "otra-cosa"})
    no_token = requests.post(central_server.url + "/v1/auth/login",
                             json={"username": "lucia", "password": "s3creto-largo"}, timeout=10)
    bad_token = requests.post(central_server.url + "/v1/auth/login",
                              json={"username": "lucia", "password": "s3creto-largo"},
                              headers={"Authorization": "Bearer nope"}, timeout=10)

    assert ok.status_code == 200
    assert ok.json() == {"username": "lucia", "full_name": "Lucía Ramos", "role": "supervisor",
                         "must_change_password": False}
    assert [r.status_code for r in (wrong, nobody, no_token, bad_token)] == [401] * 4
    assert wrong.json()["detail"] == "Usuario o contraseña incorrectos."


def test_five_wrong_passwords_lock_the_platform_user_for_five_minutes(
        central_server: CentralServer) -> None:
    machine = enroll(central_server)
    admin.add_user(central_server.db, "lucia", "operador", "Lucía Ramos", "s3creto-largo")
    right = {"username": "lucia", "password": "s3creto-largo"}
    wrong = {"username": "lucia", "password": "adivinando"}

    assert machine.post("/v1/auth/login", wrong).status_code == 401
    assert machine.post("/v1/auth/login", right).status_code == 200  # success resets the count
    for _ in range(5):
        assert machine.post("/v1/auth/login", wrong).status_code == 401
    locked = machine.post("/v1/auth/login", right)  # even the right password, while locked
    assert (locked.status_code, locked.json()["detail"]) == (
        401, "Usuario o contraseña incorrectos.")
    with central_server.db.write() as session:
        user = session.get_one(User, "lucia")
        assert user.locked_until is not None
        assert timedelta(minutes=4) < user.locked_until - utc_now() <= timedelta(minutes=5)
        user.locked_until = utc_now() - timedelta(seconds=1)  # five minutes later
    assert machine.post("/v1/auth/login", right).status_code == 200


def _expire(server: CentralServer, code: str, *, legacy: bool = False) -> None:
    """Move a code's expiry into the past (legacy: a code from before expiry existed)."""
    with server.db.write() as session:
        row = session.get_one(EnrollCode, enroll_code_sha256(code))
        if legacy:
            row.expires_at, row.created_at = None, utc_now() - timedelta(hours=25)
        else:
            row.expires_at = utc_now() - timedelta(seconds=1)


def test_enroll_codes_expire(central_server: CentralServer) -> None:
    expired, legacy, fresh = (central_server.enroll_code(ventanilla=f"V0{i}") for i in (1, 2, 3))
    _expire(central_server, expired)
    _expire(central_server, legacy, legacy=True)

    answers = [requests.post(central_server.url + "/v1/enroll", json={"code": code}, timeout=10)
               for code in (expired, legacy, fresh)]

    assert [a.status_code for a in answers] == [401, 401, 200]
    assert all("venció" in a.json()["detail"] for a in answers[:2])
    assert [m.ventanilla for m in admin.list_machines(central_server.db)] == ["V03"]


def test_enroll_code_ttl(central_server: CentralServer) -> None:
    admin.create_office(central_server.db, "OFI2", "Otra oficina")
    before = utc_now()
    code, expires_at = admin.issue_enroll_code(central_server.db, "OFI2", "V01", ttl_hours=2)
    with central_server.db.read() as session:
        stored = session.get_one(EnrollCode, enroll_code_sha256(code)).expires_at
    assert stored == expires_at
    assert timedelta(hours=2) <= expires_at - before < timedelta(hours=2, minutes=1)
    default = admin.issue_enroll_code(central_server.db, "OFI2", "V02")[1]
    assert timedelta(hours=24) <= default - before < timedelta(hours=24, minutes=1)
    for bad in (0, -1, 24 * 31):
        with pytest.raises(admin.AdminError, match="vigencia"):
            admin.issue_enroll_code(central_server.db, "OFI2", "V03", ttl_hours=bad)


def test_thirty_parallel_guesses_never_get_past_the_lock(
        central_server: CentralServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: after 4 wrong passwords, 30 simultaneous attempts (the right one among them)
    may have exactly one password judged: the fifth attempt locks the user for the rest."""
    machine = enroll(central_server)
    admin.add_user(central_server.db, "lucia", "operador", "Lucía Ramos", "s3creto-largo")
    for i in range(4):
        assert machine.post("/v1/auth/login", {"username": "lucia", "password": f"no-{i}"}
                            ).status_code == 401
    judged: list[int] = []
    real_verify = central.logins.verify_password

    def counting_verify(stored_hash: str | None, password: str) -> bool:
        if stored_hash is not None:
            judged.append(1)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(central.logins, "verify_password", counting_verify)
    guesses = [{"username": "lucia", "password": f"adivinando-{i}"} for i in range(29)]
    guesses.insert(20, {"username": "lucia", "password": "s3creto-largo"})
    start = threading.Barrier(len(guesses))

    def attempt(body: dict[str, str]) -> int:
        start.wait()
        return machine.post("/v1/auth/login", body).status_code

    with ThreadPoolExecutor(len(guesses)) as pool:
        codes = list(pool.map(attempt, guesses))

    assert len(judged) == 1 and codes.count(200) <= 1 and codes.count(401) >= 29
    if codes.count(200) == 0:  # the judged attempt was a wrong one: the user is locked
        with central_server.db.read() as session:
            locked_until = session.get_one(User, "lucia").locked_until
        assert locked_until is not None and locked_until > utc_now()
