"""Offline login: argon2id hashes, lockout after 5 failures for 5 minutes, no lockout leaks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.access.auth import create_user, login
from desktop.access.permissions import CurrentUser, Role
from desktop.errors import AccountLocked, AuthError, PermissionDenied, VentanillaError
from localdb.models import AuditEntry, User
from wire.times import utc_now


def test_demo_users_log_in_with_their_role(demo_ctx) -> None:
    for username, role in [("operador", Role.OPERADOR), ("supervisor", Role.SUPERVISOR),
                           ("admin", Role.ADMIN)]:
        user = login(demo_ctx, username, f"{username}123")
        assert user.role is role and "DEMO" in user.full_name


def test_password_is_stored_as_argon2id(demo_ctx) -> None:
    with demo_ctx.write() as s:
        assert s.get(User, "operador").password_hash.startswith("$argon2id$")


def test_wrong_password_says_attempts_left(demo_ctx) -> None:
    with pytest.raises(AuthError, match="Le quedan 4 intentos"):
        login(demo_ctx, "operador", "nope")


def test_five_failures_lock_for_five_minutes_even_with_right_password(demo_ctx) -> None:
    for _ in range(4):
        with pytest.raises(AuthError):
            login(demo_ctx, "operador", "mal")
    with pytest.raises(AccountLocked) as locked:
        login(demo_ctx, "operador", "mal")
    assert locked.value.minutes_left == 5
    with pytest.raises(AccountLocked, match="Intente de nuevo en 5 minutos"):
        login(demo_ctx, "operador", "operador123")
    with demo_ctx.write() as s:  # the lock expires
        s.get(User, "operador").locked_until = utc_now() - timedelta(seconds=1)
    assert login(demo_ctx, "operador", "operador123").username == "operador"
    with demo_ctx.write() as s:
        actions = [a.action for a in s.query(AuditEntry).all()]
    assert "auth.locked" in actions


def test_unknown_user_gets_the_same_message(demo_ctx) -> None:
    with pytest.raises(AuthError, match=r"^Usuario o contraseña incorrectos\.$"):
        login(demo_ctx, "nadie", "x")


def test_only_admin_creates_users(demo_ctx) -> None:
    op = CurrentUser("operador", "Op", Role.OPERADOR)
    with pytest.raises(PermissionDenied):
        create_user(demo_ctx, op, "nuevo", "Nuevo", Role.OPERADOR, "secreto123")
    admin = CurrentUser("admin", "Admin", Role.ADMIN)
    with pytest.raises(VentanillaError, match="al menos 8"):
        create_user(demo_ctx, admin, "nuevo", "Nuevo", Role.OPERADOR, "corta")
    create_user(demo_ctx, admin, "Nuevo", "Nuevo Usuario", Role.SUPERVISOR, "secreto123")
    assert login(demo_ctx, "nuevo", "secreto123").role is Role.SUPERVISOR
