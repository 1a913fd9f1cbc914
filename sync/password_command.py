"""`main.py password --user NAME`: a platform user's new password, changed on the platform.

The current password comes from VENTANILLA_PASSWORD and the new one from VENTANILLA_NEW_PASSWORD,
or both are asked at the terminal (the new one twice). Exit codes: 0 changed, 2 refused (wrong
password, a rule of the platform, no platform, no connection); messages in Spanish.
"""

from __future__ import annotations

import getpass
import os
import sys

from desktop.context import AppContext
from desktop.errors import VentanillaError
from sync.platform_login import change_password

ENV_PASSWORD = "VENTANILLA_PASSWORD"
ENV_NEW_PASSWORD = "VENTANILLA_NEW_PASSWORD"


def password_command(ctx: AppContext, username: str) -> int:
    try:
        current, new = _passwords(username)
        profile = change_password(ctx, username, current, new)
    except VentanillaError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(f"Contraseña de {profile.username} cambiada. Ya puede entrar con la nueva contraseña.")
    return 0


def _passwords(username: str) -> tuple[str, str]:
    current, new = os.environ.get(ENV_PASSWORD), os.environ.get(ENV_NEW_PASSWORD)
    if current is not None and new is not None:
        return current, new
    if not sys.stdin.isatty():
        raise VentanillaError(f"Indique la contraseña actual en la variable {ENV_PASSWORD} y la "
                              f"nueva en {ENV_NEW_PASSWORD}.")
    if current is None:
        current = getpass.getpass(f"Contraseña actual de {username}: ")
    if new is None:
        new = getpass.getpass("Nueva contraseña: ")
        if getpass.getpass("Confirme la nueva contraseña: ") != new:
            raise VentanillaError("La nueva contraseña y su confirmación no coinciden.")
    return current, new
