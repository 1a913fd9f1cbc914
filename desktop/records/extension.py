"""A supervisor's 24-hour extension of a stale window's capture (ARCHITECTURE §7 "Staleness").

The supervisor types their own username and password at the window (whoever is signed in): the
password is checked by desktop.access.auth with the login's lockout, the role must hold
GRANT_EXTENSION, and the grant is an audit entry. The extension starts when it is granted.
"""

from __future__ import annotations

from datetime import timedelta

from desktop.access.auth import verify_password_for
from desktop.access.permissions import Permission, require
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.staleness import (
    EXTENSION_HOURS,
    EXTENSION_SETTING,
    Extension,
    clock_now,
    setting_instant,
    stale_status,
    write_setting,
)
from wire.staleness import Staleness

NOT_NEEDED = ("Esta ventanilla se ha comunicado con la plataforma hace poco: no necesita "
              "prórroga.")


def grant_extension(ctx: AppContext, username: str, password: str) -> Extension:
    """Grant the extension once a supervisor's password is confirmed. May reach the platform
    (a platform user's login), so callers run it on the slow lane."""
    with ctx.read() as session:
        if stale_status(session).level is Staleness.AL_DIA:
            raise VentanillaError(NOT_NEEDED)
    confirmed = verify_password_for(ctx, username, password)
    require(confirmed, Permission.GRANT_EXTENSION)
    with ctx.write() as session:
        status = stale_status(session)
        if status.level is Staleness.AL_DIA:
            raise VentanillaError(NOT_NEEDED)
        granted = status.at or clock_now()
        extension = Extension(granted + timedelta(hours=EXTENSION_HOURS), confirmed.username,
                              granted)
        write_setting(session, EXTENSION_SETTING, {
            "hasta": setting_instant(extension.until), "por": extension.granted_by,
            "concedida": setting_instant(granted)})
        append_audit(session, confirmed.username, "sync.prorroga_concedida", "", {
            "hasta": extension.until.isoformat(), "dias_sin_comunicacion": status.days})
    return extension

