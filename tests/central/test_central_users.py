"""Platform users by office and role, through `python -m central user …` and /v1/auth/login:
what the administrator reads on the terminal and what a window hears when a user logs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from central import users
from central.db import Database
from tests.central.central_client import enroll
from tests.central.test_central_cli import Cli
from tests.central_harness import CentralServer

GOOD = "s3creto-largo"


def test_user_commands_and_their_spanish_errors(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'central.db'}", capsys)
    cli("init")
    cli("create-office", "HMO", "Oficina Centro")
    cli("create-office", "SUR", "Oficina Sur")

    assert cli("user", "create", "ana", "--role", "operador", "--name", "Ana Ruiz",
               "--office", "HMO", "--password", GOOD)[1] == (
        "Usuario ana (operador, oficina HMO) creado.\n")
    assert cli("add-user", "teso", "--role", "dependencia", "--dependencia", "TM", "--name",
               "Tesorería", "--password", GOOD)[0] == 0
    assert cli("user", "create", "beto", "--role", "operador", "--name", "Beto",
               "--password", GOOD)[::2] == (
        2, "error: Un usuario operador debe pertenecer a una oficina: indique la oficina.\n")
    assert cli("user", "create", "x", "--role", "auditor", "--name", "X", "--office", "HMO",
               "--password", GOOD)[2].startswith("error: Un usuario auditor no pertenece")
    assert cli("user", "create", "y", "--role", "admin", "--name", "Y", "--password", "corta"
               )[::2] == (2, "error: La contraseña debe tener al menos 8 caracteres.\n")
    assert cli("user", "set-office", "ana", "NOPE")[::2] == (
        2, "error: No existe la oficina NOPE.\n")
    assert cli("user", "deactivate", "nadie")[::2] == (2, "error: No existe el usuario nadie.\n")
    assert cli("user", "set-office", "ana", "SUR")[1] == "Usuario ana: oficina SUR.\n"
    assert cli("user", "set-role", "ana", "admin")[1] == "Usuario ana: rol admin (oficina SUR).\n"
    assert cli("user", "deactivate", "teso")[0] == 0
    assert "restablecida" in cli("user", "reset-password", "ana", "--password", "temporal-1")[1]

    listing = cli("user", "list")[1].splitlines()
    assert listing[0].split()[:5] == ["USUARIO", "ROL", "OFICINA", "DEPEND.", "ESTADO"]
    assert listing[1].split()[:5] == ["ana", "admin", "SUR", "—", "activo"]
    assert listing[2].split()[:5] == ["teso", "dependencia", "—", "TM", "inactivo"]
    assert cli("user", "set-role", "ana", "jefe")[::2] == (
        2, "error: Rol desconocido 'jefe': use operador, supervisor, admin, dependencia, "
           "auditor.\n")
    db = Database(cli.db_url)
    try:
        assert users.get_user(db, "ana").must_change_password
    finally:
        db.dispose()


def test_window_login_only_for_window_roles_of_its_office(central_server: CentralServer) -> None:
    hmo = enroll(central_server, "HMO", "V01")
    sur = enroll(central_server, "SUR", "V01")
    db = central_server.db
    for name, role, office, dependencia in (
            ("ana", "operador", "HMO", None), ("jefa", "admin", None, None),
            ("teso", "dependencia", None, "TM"), ("audi", "auditor", None, None)):
        users.create_user(db, users.NewUser(name, role, name.title(), GOOD, office, dependencia))

    def status(machine: object, username: str) -> int:
        body = {"username": username, "password": GOOD}
        return int(machine.post("/v1/auth/login", body).status_code)  # type: ignore[attr-defined]

    assert [status(hmo, u) for u in ("ana", "jefa", "teso", "audi")] == [200, 200, 401, 401]
    assert [status(sur, u) for u in ("ana", "jefa")] == [401, 200]
    refused = sur.post("/v1/auth/login", {"username": "ana", "password": GOOD})
    assert refused.json()["detail"] == "Usuario o contraseña incorrectos."

    users.set_office(db, "ana", "SUR")
    assert [status(hmo, "ana"), status(sur, "ana")] == [401, 200]
    users.deactivate(db, "jefa")
    assert status(hmo, "jefa") == 401
    users.reactivate(db, "jefa")
    assert status(hmo, "jefa") == 200


def _user_changes(machine: object) -> list[dict[str, object]]:
    page = machine.pull().json()  # type: ignore[attr-defined]
    return [c["data"] for c in page["changes"] if c["kind"] == "user.changed"]


def test_every_user_change_reaches_the_offices_where_the_user_opens_windows(
        central_server: CentralServer) -> None:
    hmo = enroll(central_server, "HMO", "V01")
    sur = enroll(central_server, "SUR", "V01")
    db = central_server.db
    users.create_user(db, users.NewUser("ana", "operador", "Ana Ruiz", GOOD, "HMO"))
    users.create_user(db, users.NewUser("jefa", "admin", "Jefa", GOOD, None))
    users.create_user(db, users.NewUser("teso", "dependencia", "Tesorería", GOOD, None, "TM"))
    users.deactivate(db, "ana")
    users.reactivate(db, "ana")
    users.reset_password(db, "ana", "temporal-123")
    users.set_role(db, "ana", "supervisor")
    users.set_office(db, "ana", "SUR")  # HMO learns ana is no longer theirs
    users.set_role(db, "jefa", "auditor")  # every office learns jefa opens no window now

    def seen(machine: object) -> list[tuple[object, ...]]:
        return [(d["username"], d["role"], d["office"], d["active"], d["password_reset"])
                for d in _user_changes(machine)]

    assert seen(hmo) == [
        ("ana", "operador", "HMO", True, False), ("jefa", "admin", None, True, False),
        ("ana", "operador", "HMO", False, False), ("ana", "operador", "HMO", True, False),
        ("ana", "operador", "HMO", True, True), ("ana", "supervisor", "HMO", True, False),
        ("ana", "supervisor", "SUR", True, False), ("jefa", "auditor", None, True, False)]
    assert seen(sur) == [("jefa", "admin", None, True, False),
                         ("ana", "supervisor", "SUR", True, False),
                         ("jefa", "auditor", None, True, False)]
    assert all("password" not in key or key == "password_reset"
               for data in _user_changes(hmo) for key in data)


def test_a_reset_user_changes_the_password_from_a_window(central_server: CentralServer) -> None:
    hmo = enroll(central_server, "HMO", "V01")
    sur = enroll(central_server, "SUR", "V01")
    db = central_server.db
    users.create_user(db, users.NewUser("ana", "operador", "Ana Ruiz", GOOD, "HMO"))
    users.reset_password(db, "ana", "temporal-123")

    def login(machine: object, password: str) -> tuple[int, object]:
        answer = machine.post(  # type: ignore[attr-defined]
            "/v1/auth/login", {"username": "ana", "password": password})
        return answer.status_code, answer.json().get("must_change_password")

    def change(machine: object, current: str, new: str) -> tuple[int, str | None]:
        answer = machine.post(  # type: ignore[attr-defined]
            "/v1/auth/password", {"username": "ana", "password": current, "new_password": new})
        return answer.status_code, answer.json().get("detail")

    assert login(hmo, "temporal-123") == (200, True)
    refused = (401, "Usuario o contraseña incorrectos.")
    assert change(sur, "temporal-123", "nueva-clave-1") == refused  # ana is not SUR's
    assert change(hmo, "mala-clave", "nueva-clave-1") == refused
    assert change(hmo, "temporal-123", "corta") == (
        422, "La contraseña debe tener al menos 8 caracteres.")
    assert change(hmo, "temporal-123", "nueva-clave-1") == (200, None)
    assert login(hmo, "nueva-clave-1") == (200, False)
    assert login(hmo, "temporal-123")[0] == 401
    assert not users.get_user(db, "ana").must_change_password

    for _ in range(5):  # the login's lockout guards the current password too
        change(hmo, "mala-clave", "otra-clave-2")
    assert change(hmo, "nueva-clave-1", "otra-clave-2")[0] == 401
    assert users.get_user(db, "ana").locked
