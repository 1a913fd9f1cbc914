"""The base of every error a user sees (es-MX `message`). It lives in this leaf because the fee
rules raise it; `desktop.errors` re-exports it and defines the rest."""

from __future__ import annotations


class VentanillaError(Exception):
    """Base of every expected failure; `message` is shown to the user as is (es-MX)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
