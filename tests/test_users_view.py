"""The administrator's view of the users this window knows: role, last login here, source
(platform or local), state and whether a password is kept here; refused to every other role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.access.auth import PlatformProfile, login
from desktop.access.permissions import CurrentUser, Role
from desktop.access.users import UserInfo, list_users
from desktop.context import AppContext
from desktop.errors import PermissionDenied
from sync.user_changes import apply_user_change
from wire.payloads import UserChange

ADMIN = CurrentUser("admin", "Administrador (DEMO)", Role.ADMIN)


def _platform(username: str, role: str) -> PlatformProfile:
    return PlatformProfile(username, f"{username.capitalize()} de la plataforma", role)


def _by_name(ctx: AppContext) -> dict[str, UserInfo]:
    return {user.username: user for user in list_users(ctx, ADMIN)}


def test_admin_sees_local_and_platform_users_with_their_last_login_here(
        demo_ctx: AppContext) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    login(demo_ctx, "operador", "operador123")
    login(demo_ctx, "lucia", "clave-de-lucia", platform=lambda u, p: _platform(u, "supervisor"))
    login(demo_ctx, "raul", "clave-de-raul", platform=lambda u, p: _platform(u, "operador"))
    with demo_ctx.write() as s:  # the platform resets Raúl's password; pull brings it
        apply_user_change(s, UserChange(username="raul", full_name="Raúl de la plataforma",
                                        role="operador", office="HMO", active=True,
                                        password_reset=True, changed_at=datetime.now()))
        apply_user_change(s, UserChange(username="lucia", full_name="Lucía de la plataforma",
                                        role="supervisor", office="HMO", active=False,
                                        changed_at=datetime.now()))

    users = _by_name(demo_ctx)

    operador, supervisor = users["operador"], users["supervisor"]
    assert (operador.role, operador.from_platform, operador.demo, operador.active) == (
        Role.OPERADOR, False, True, True)
    assert operador.last_login_at is not None and operador.last_login_at >= before
    assert supervisor.last_login_at is None  # never logged in at this window
    lucia, raul = users["lucia"], users["raul"]
    assert (lucia.role, lucia.from_platform, lucia.read_only, lucia.active) == (
        Role.SUPERVISOR, True, True, False)
    assert lucia.last_login_at is not None and lucia.last_login_at >= before
    assert (raul.full_name, raul.active, raul.password_cached) == (
        "Raúl de la plataforma", True, False)
    assert not operador.read_only and operador.password_cached
    assert list(users)[-1] == "lucia"  # inactive users last


@pytest.mark.parametrize("role", [Role.OPERADOR, Role.SUPERVISOR])
def test_only_an_administrator_may_list_users(demo_ctx: AppContext, role: Role) -> None:
    user = CurrentUser(role.value, role.value, role)
    with pytest.raises(PermissionDenied, match="no tiene permiso para administrar usuarios"):
        list_users(demo_ctx, user)
