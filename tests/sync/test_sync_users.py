"""Platform users at the window follow the platform: after one pull, a user deactivated, reset or
moved to another office on the platform is refused at the window even with the network cut, and a
user whose password was reset changes it online (`main.py password`) before anything else.

Oracle: what the person at the login sees — accepted, "Usuario o contraseña incorrectos.", or the
request to change the password — against the real central on loopback and the window's SQLite.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from central import admin, users
from desktop.access.auth import login
from desktop.access.permissions import Role
from desktop.context import AppContext
from desktop.errors import AuthError, MustChangePassword
from localdb.models import AuditEntry, User
from sync.engine import SyncEngine
from sync.platform_login import platform_check
from tests.sync.central_server import CentralServer
from tests.sync.machines import ADMIN, point_to

BAD = r"^Usuario o contraseña incorrectos\."
GOOD = "secreto-123"


@pytest.fixture
def online(window: AppContext) -> AppContext:
    window.platform_login = platform_check  # what main.py sets for the window and the CLI
    return window


def dead_url() -> str:
    """A loopback port nobody listens on: the network is cut."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def pull(ctx: AppContext) -> None:
    assert SyncEngine(ctx).run_once(force=True).ok


def local_user(ctx: AppContext, username: str) -> User:
    with ctx.read() as session:
        return session.get_one(User, username)


def platform_changes(ctx: AppContext, username: str) -> list[dict[str, object]]:
    with ctx.read() as session:
        return [e.detail for e in session.scalars(select(AuditEntry).where(
            AuditEntry.action == "user.platform_change", AuditEntry.entity == username))]


def test_deactivated_on_the_platform_is_refused_offline_after_one_pull(
        online: AppContext, central: CentralServer) -> None:
    admin.add_user(central.db, "ana", "operador", "Ana Lucía Valenzuela", GOOD)
    assert login(online, "ana", GOOD).username == "ana"  # cached for offline logins
    users.deactivate(central.db, "ana")
    pull(online)
    live = central.url
    point_to(online, dead_url())

    with pytest.raises(AuthError, match=BAD + "$"):
        login(online, "ana", GOOD)
    assert not local_user(online, "ana").active
    assert platform_changes(online, "ana")[-1]["active"] is False

    users.reactivate(central.db, "ana")  # and back: the cached hash opens again, offline
    point_to(online, live)
    pull(online)
    point_to(online, dead_url())
    assert login(online, "ana", GOOD).role is Role.OPERADOR


def test_a_reset_password_voids_the_cached_hash(online: AppContext,
                                                central: CentralServer) -> None:
    admin.add_user(central.db, "caro", "supervisor", "Carolina Ruiz", GOOD)
    login(online, "caro", GOOD)
    users.reset_password(central.db, "caro", "temporal-789")
    pull(online)
    live = central.url

    point_to(online, dead_url())
    with pytest.raises(AuthError, match=BAD):
        login(online, "caro", GOOD)  # the old password opens nothing, even offline
    point_to(online, live)
    with pytest.raises(AuthError, match=BAD):
        login(online, "caro", GOOD)
    with pytest.raises(MustChangePassword, match="debe cambiarla antes de entrar"):
        login(online, "caro", "temporal-789")
    assert local_user(online, "caro").password_hash == ""  # the temporary one is not cached
    assert platform_changes(online, "caro")[-1]["password_reset"] is True


def test_role_and_name_changes_update_the_cached_user(online: AppContext,
                                                     central: CentralServer) -> None:
    admin.add_user(central.db, "beto", "operador", "Beto Peña", GOOD)
    login(online, "beto", GOOD)
    users.set_role(central.db, "beto", "supervisor")
    pull(online)
    point_to(online, dead_url())
    assert login(online, "beto", GOOD).role is Role.SUPERVISOR


@pytest.fixture
def window_b(tmp_path: Path, central: CentralServer) -> Iterator[AppContext]:
    """Window V01 of another office, OFB, of the same platform."""
    from sync.enroll import enroll
    from tests.demo_office import open_demo_office

    admin.create_office(central.db, "OFB", "Oficina Norte", "Hermosillo")
    ctx = open_demo_office(tmp_path / "ofb")
    enroll(ctx, ADMIN, central.url, admin.create_enroll_code(central.db, "OFB", "V01"))
    ctx.platform_login = platform_check
    yield ctx
    ctx.close()


def test_a_user_of_one_office_is_refused_at_another_and_a_move_follows(
        online: AppContext, window_b: AppContext, central: CentralServer) -> None:
    admin.add_user(central.db, "dora", "operador", "Dora Méndez", GOOD, "HMO")
    with pytest.raises(AuthError, match=BAD + "$"):
        login(window_b, "dora", GOOD)
    login(online, "dora", GOOD)

    users.set_office(central.db, "dora", "OFB")
    pull(online)
    pull(window_b)  # never cached dora: nothing to do there
    point_to(online, dead_url())
    with pytest.raises(AuthError, match=BAD + "$"):
        login(online, "dora", GOOD)  # HMO learned dora is no longer theirs
    assert platform_changes(online, "dora")[-1]["office"] == "OFB"
    assert login(window_b, "dora", GOOD).username == "dora"


def test_demo_users_are_not_the_platforms(online: AppContext, central: CentralServer) -> None:
    with online.write() as session:  # a demo user still active (as before enrollment)
        session.get_one(User, "operador").active = True
    admin.add_user(central.db, "operador", "operador", "Homónimo", GOOD, "HMO")
    users.deactivate(central.db, "operador")
    pull(online)
    row = local_user(online, "operador")
    assert row.active and row.is_demo and row.full_name != "Homónimo"


def test_must_change_password_through_the_command_line(
        online: AppContext, central: CentralServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    admin.add_user(central.db, "luis", "operador", "Luis Ortega", GOOD)
    users.reset_password(central.db, "luis", "temporal-123")
    with pytest.raises(MustChangePassword):
        login(online, "luis", "temporal-123")

    # pytest's logging stays as it is
    monkeypatch.setattr(main, "setup_logging", lambda _data_dir: logging.NullHandler())

    def password(current: str, new: str) -> tuple[int, str, str]:
        monkeypatch.setenv("VENTANILLA_PASSWORD", current)
        monkeypatch.setenv("VENTANILLA_NEW_PASSWORD", new)
        code = main.main(["--data-dir", str(online.data_dir), "password", "--user", "Luis"])
        out, err = capsys.readouterr()
        return code, out.strip(), err.strip()

    assert password("equivocada", "nueva-clave-456") == (
        2, "", "Usuario o contraseña incorrectos.")
    assert password("temporal-123", "corta") == (
        2, "", "La contraseña debe tener al menos 8 caracteres.")
    assert password("temporal-123", "nueva-clave-456") == (
        0, "Contraseña de luis cambiada. Ya puede entrar con la nueva contraseña.", "")

    assert login(online, "luis", "nueva-clave-456").username == "luis"  # online, then cached
    point_to(online, dead_url())
    assert login(online, "luis", "nueva-clave-456").username == "luis"
    with pytest.raises(AuthError, match=BAD):
        login(online, "luis", "temporal-123")
    assert password("nueva-clave-456", "otra-clave-789")[::2] == (
        2, "No hay conexión con la plataforma: la contraseña solo puede cambiarse en línea. "
           "Intente de nuevo más tarde.")
