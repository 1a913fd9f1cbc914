"""The machine token the platform issued at enrollment, kept in the one credential store."""

from __future__ import annotations

from pathlib import Path

from desktop.access.credentials import CredentialStore
from sync.errors import MachineNotAuthorized

TOKEN_NAME = "machine_token"


def load_machine_token(data_dir: Path) -> str:
    token = CredentialStore(data_dir).get(TOKEN_NAME)
    if not token:
        raise MachineNotAuthorized("no machine token in the credential store")
    return token


def save_machine_token(data_dir: Path, token: str) -> str | None:
    """Store the token; returns the store's warning (e.g. insecure file fallback) if any."""
    store = CredentialStore(data_dir)
    store.set(TOKEN_NAME, token)
    return store.warning
