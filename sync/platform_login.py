"""Login through the platform (POST /v1/auth/login) for users this machine does not know yet.

`platform_check(ctx)` builds the `desktop.access.auth.PlatformCheck` the window and the CLI
hand to `desktop.access.auth.login`. It is only asked when the local store cannot vouch for the
password, with short timeouts: at the counter an unreachable platform must not keep anyone
waiting long.
"""

from __future__ import annotations

import logging

from desktop.access.auth import BAD_CREDENTIALS, PlatformCheck, PlatformProfile
from desktop.context import AppContext
from desktop.errors import AuthError
from localdb.models import SyncState
from sync.errors import MachineNotAuthorized, SyncError
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from wire.protocol import LoginRequest, LoginResponse

log = logging.getLogger(__name__)
LOGIN_PATH = "/v1/auth/login"
LOGIN_TIMEOUT = (3.0, 8.0)  # connect, read (seconds)


def platform_check(ctx: AppContext) -> PlatformCheck | None:
    """None in demo mode or before enrollment: there is no platform to ask."""
    with ctx.read() as session:
        state = session.get(SyncState, 1)
        url = state.server_url if state is not None and not state.demo else None
    if not url:
        return None
    return lambda username, password: _ask(ctx, url, username, password)


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
    return PlatformProfile(answer.username, answer.full_name, answer.role)
