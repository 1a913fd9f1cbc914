"""Errors the user sees: each carries a Spanish message that says what happened and what to do."""

from __future__ import annotations

import errno

from catalogo.errors import VentanillaError as VentanillaError  # the base, shared with catalogo


class ValidationFailed(VentanillaError):
    """Answers that do not pass the trámite's rules; `errors` maps campo clave to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        lines = "\n".join(f"- {key}: {text}" for key, text in sorted(errors.items()))
        super().__init__(message or f"Hay datos por corregir:\n{lines}")
        self.errors = errors


class AuthError(VentanillaError):
    pass


class AccountLocked(AuthError):
    def __init__(self, minutes_left: int) -> None:
        super().__init__(
            f"Usuario bloqueado por intentos fallidos. Intente de nuevo en {minutes_left} "
            f"minuto{'s' if minutes_left != 1 else ''}."
        )
        self.minutes_left = minutes_left


class MustChangePassword(AuthError):
    """The platform reset this user's password: a new one is needed before anything else."""

    def __init__(self) -> None:
        super().__init__(
            "Su contraseña fue restablecida: debe cambiarla antes de entrar (con conexión a la "
            "plataforma)."
        )


class PermissionDenied(VentanillaError):
    pass


class BundleError(VentanillaError):
    """A configuration bundle that is refused; the configuration in force is untouched."""


class NotFound(VentanillaError):
    pass


class StorageError(VentanillaError):
    """The disk refused a write (full, read-only); nothing was saved."""


def os_error_message(exc: OSError, what: str, *, writing: bool = False) -> str:
    """A Spanish sentence for an OSError that reaches a user: what failed and what to do, never
    the system's English text. `what` names the file for the user ("el archivo «x.json»")."""
    code = exc.errno
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        missing = f"la carpeta donde se guardaría {what}" if writing else what
        return f"No se encontró {missing}. Revise la ruta y vuelva a intentarlo."
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return (f"No hay permiso para {'escribir' if writing else 'leer'} {what}. Revise los "
                "permisos del archivo o elija otra ubicación.")
    if isinstance(exc, IsADirectoryError):
        return f"{what[:1].upper()}{what[1:]} es una carpeta, no un archivo. Elija un archivo."
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "El disco está lleno. Libere espacio y vuelva a intentarlo."
    if code == errno.EROFS:
        return f"No se puede escribir {what}: el disco es de solo lectura. Elija otra ubicación."
    action = "escribir" if writing else "leer"
    return (f"No se pudo {action} {what}. Revise que exista, que tenga permiso y que el disco "
            "responda, y vuelva a intentarlo.")
