"""Users managed on the platform log in at the window: online the first time, offline after.

Oracle: what the operador sees at the login — accepted with the platform's name and role, or
"Usuario o contraseña incorrectos." — and that the demo users, whose passwords are published in the
README, no longer open an enrolled office's window.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central import admin
from central.models import User as CentralUser
from central.security import hash_password
from desktop.access.auth import login
from desktop.access.permissions import Role
from desktop.context import AppContext
from desktop.errors import AuthError
from localdb.models import AuditEntry, User
from sync.platform_login import platform_check
from tests.sync.central_server import CentralServer


@pytest.fixture
def online(window: AppContext) -> AppContext:
    window.platform_login = platform_check  # what main.py sets for the window and the CLI
    return window


def test_platform_user_logs_in_online_then_offline(online: AppContext,
                                                   central: CentralServer) -> None:
    admin.add_user(central.db, "ana", "supervisor", "Ana Lucía Valenzuela Núñez", "secreto-123")
    user = login(online, "Ana", "secreto-123")
    assert (user.username, user.full_name, user.role) == (
        "ana", "Ana Lucía Valenzuela Núñez", Role.SUPERVISOR)

    central.stop()  # the link goes down: the cached hash is enough
    assert login(online, "ana", "secreto-123").role is Role.SUPERVISOR
    with pytest.raises(AuthError, match="Usuario o contraseña incorrectos"):
        login(online, "ana", "otra-clave")
    with online.write() as s:
        assert s.get(User, "ana").failed_attempts == 1
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "ana")))
    assert actions.count("user.platform_sync") == 1 and actions.count("auth.login") == 2


def test_wrong_password_and_unknown_user_are_refused_online(online: AppContext,
                                                            central: CentralServer) -> None:
    admin.add_user(central.db, "beto", "operador", "Beto Peña", "secreto-123")
    with pytest.raises(AuthError, match=r"^Usuario o contraseña incorrectos\.$"):
        login(online, "beto", "mala-clave")
    with pytest.raises(AuthError, match=r"^Usuario o contraseña incorrectos\.$"):
        login(online, "nadie", "secreto-123")
    with online.write() as s:
        assert s.get(User, "beto") is None and s.get(User, "nadie") is None


def test_password_changed_on_the_platform_works_at_the_window(online: AppContext,
                                                              central: CentralServer) -> None:
    admin.add_user(central.db, "caro", "operador", "Carolina Ruiz", "primera-123")
    login(online, "caro", "primera-123")
    with central.db.write() as s:
        s.get(CentralUser, "caro").password_hash = hash_password("segunda-456")
    assert login(online, "caro", "segunda-456").username == "caro"
    central.stop()
    assert login(online, "caro", "segunda-456").username == "caro"  # cached for offline


def test_demo_users_cannot_open_an_enrolled_window(online: AppContext) -> None:
    for username, password in (("operador", "operador123"), ("admin", "admin123")):
        with pytest.raises(AuthError, match="Usuario o contraseña incorrectos"):
            login(online, username, password)


def test_platform_user_named_like_a_retired_demo_user_is_a_real_user(
        online: AppContext, central: CentralServer) -> None:
    admin.add_user(central.db, "admin", "admin", "Lic. Carmen Soto", "clave-de-plataforma")
    with pytest.raises(AuthError):
        login(online, "admin", "admin123")  # the published demo password stays refused
    user = login(online, "admin", "clave-de-plataforma")
    assert (user.full_name, user.role) == ("Lic. Carmen Soto", Role.ADMIN)
    with online.write() as s:
        row = s.get(User, "admin")
        assert row.active and not row.is_demo

