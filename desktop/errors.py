"""Errors the user sees: each carries a Spanish message that says what happened and what to do."""

from __future__ import annotations


class VentanillaError(Exception):
    """Base of every expected failure; `message` is shown to the user as is (es-MX)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
