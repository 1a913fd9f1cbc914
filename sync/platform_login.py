"""Login through the platform (POST /v1/auth/login) for users this machine does not know yet,
and a user's own new password (POST /v1/auth/password, e.g. after a reset).

`platform_check(ctx)` builds the `desktop.access.auth.PlatformCheck` the window and the CLI
hand to `desktop.access.auth.login`. It is only asked when the local store cannot vouch for the
password, with short timeouts: at the counter an unreachable platform must not keep anyone
waiting long. `change_password` needs the platform: it is the one that keeps passwords.
"""

from __future__ import annotations

import logging

from desktop.access.auth import BAD_CREDENTIALS, PlatformCheck, PlatformProfile
from desktop.context import AppContext
from desktop.errors import AuthError, VentanillaError
from desktop.records.audit import append_audit
from localdb.models import SyncState
from sync.errors import GarbageResponse, MachineNotAuthorized, RequestRefused, SyncError
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from wire.protocol import LoginRequest, LoginResponse, PasswordChangeRequest

log = logging.getLogger(__name__)
LOGIN_PATH = "/v1/auth/login"
PASSWORD_PATH = "/v1/auth/password"
NO_PLATFORM = ("Este equipo no está enrolado con una plataforma: la contraseña de un usuario de "
               "la plataforma se cambia en la consola.")
OFFLINE = ("No hay conexión con la plataforma: la contraseña solo puede cambiarse en línea. "
           "Intente de nuevo más tarde.")
LOGIN_TIMEOUT = (3.0, 8.0)  # connect, read (seconds)


def platform_check(ctx: AppContext) -> PlatformCheck | None:
    """None in demo mode or before enrollment: there is no platform to ask."""
    url = _platform_url(ctx)
    if not url:
        return None
    return lambda username, password: _ask(ctx, url, username, password)


def change_password(ctx: AppContext, username: str, current: str, new: str) -> PlatformProfile:
    """Replace the user's password on the platform (lockout and rules are the platform's);
    nothing is cached here: the next login asks the platform and caches the new one."""
    url = _platform_url(ctx)
    if not url:
        raise VentanillaError(NO_PLATFORM)
    name = username.strip().lower()
    body = PasswordChangeRequest(username=name, password=current, new_password=new)
    try:
        token = load_machine_token(ctx.data_dir)
        with PlatformClient(url, token, timeout=LOGIN_TIMEOUT) as client:
            answer = client.post_json(PASSWORD_PATH, body, LoginResponse)
    except MachineNotAuthorized as exc:
        if exc.detail == BAD_CREDENTIALS:
            raise AuthError(BAD_CREDENTIALS) from exc
        raise
    except RequestRefused as exc:  # the new password breaks a rule: the platform says which
        raise VentanillaError(exc.detail) from exc
    except SyncError as exc:
        log.info("password change unavailable: %s", type(exc).__name__)
        raise VentanillaError(OFFLINE) from exc
    if not _answers_for(answer, name):
        raise VentanillaError(GarbageResponse("password answer for another user").message)
    with ctx.write() as session:
        append_audit(session, name, "auth.password_changed", name)
    return _profile(answer)


def _platform_url(ctx: AppContext) -> str | None:
    with ctx.read() as session:
        state = session.get(SyncState, 1)
        return state.server_url if state is not None and not state.demo else None


def _ask(ctx: AppContext, url: str, username: str, password: str) -> PlatformProfile | None:
    try:
        token = load_machine_token(ctx.data_dir)
        with PlatformClient(url, token, timeout=LOGIN_TIMEOUT) as client:
            answer = client.post_json(LOGIN_PATH, LoginRequest(username=username,
                                                               password=password), LoginResponse)
    except MachineNotAuthorized as exc:
        if exc.detail == BAD_CREDENTIALS:
            raise AuthError(BAD_CREDENTIALS) from exc
        log.warning("platform login refused the machine token: %s", exc.detail)
        return None
    except SyncError as exc:
        log.info("platform login unavailable: %s", type(exc).__name__)
        return None
    if not _answers_for(answer, username):
        return None
    return _profile(answer)


def _answers_for(answer: LoginResponse, username: str) -> bool:
    """True when the platform's answer is about the user asked for: a profile of anyone else
    (a broken or hostile answer) must never be cached under this password nor logged in."""
    if answer.username.strip().lower() == username.strip().lower():
        return True
    log.warning("platform answered a login with another user's profile; ignored")
    return False


def _profile(answer: LoginResponse) -> PlatformProfile:
    return PlatformProfile(answer.username, answer.full_name, answer.role,
                           answer.must_change_password)
