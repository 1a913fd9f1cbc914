"""The audit chain's HMAC key, held outside the database in the CredentialStore (ARCHITECTURE §10).

One secret per data folder, created by the first audit entry written after the upgrade. It also
records `from_seq`, the audit row the keyed chain starts at: rows below it are the plain hash
chain of older versions; from it on every row carries a MAC. Both live outside the SQLite file,
so an attacker holding only the file can neither forge a MAC nor move the switch point.

Sessions reach it through `session.info[AUDIT_KEYS]`, which AppContext sets on its factory.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.access.credentials import CredentialError, CredentialStore

CREDENTIAL_NAME = "audit_chain_key"
AUDIT_KEYS = "ventanilla.audit_keys"


@dataclass(frozen=True)
class ChainKey:
    secret: bytes
    from_seq: int


class AuditKeys:
    """Loads (and once, creates) the key of one data folder; cached once found."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._store: CredentialStore | None = None
        self._key: ChainKey | None = None
        self._lock = threading.Lock()

    def _credentials(self) -> CredentialStore:
        if self._store is None:
            self._store = CredentialStore(self._data_dir)
        return self._store

    def load(self) -> ChainKey | None:
        with self._lock:
            if self._key is None:
                raw = self._credentials().get(CREDENTIAL_NAME)
                self._key = _parse(raw) if raw else None
            return self._key

    def load_or_create(self, next_seq: int) -> ChainKey:
        """Called under the store's write lock (inside append_audit), so two processes never
        both create one; `next_seq` is the id the caller is about to write."""
        key = self.load()
        if key is not None:
            return key
        with self._lock:
            key = ChainKey(secrets.token_bytes(32), next_seq)
            self._credentials().set(CREDENTIAL_NAME, json.dumps(
                {"key": key.secret.hex(), "from": key.from_seq}))
            self._key = key
            return key


class AuditKeyDamaged(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "La llave de la bitácora guardada en el almacén de credenciales está dañada: no se "
            "puede escribir ni verificar la bitácora. Avise a soporte técnico; no borre la "
            "carpeta de datos.")


def _parse(raw: str) -> ChainKey:
    """The stored key; AuditKeyDamaged (Spanish) for anything else than what load_or_create
    writes, never a traceback on every command."""
    try:
        data = json.loads(raw)
        key = ChainKey(bytes.fromhex(data["key"]), int(data["from"]))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise AuditKeyDamaged() from exc
    if len(key.secret) != 32:
        raise AuditKeyDamaged()
    return key


def keys_of(session: Session) -> AuditKeys:
    keys = session.info.get(AUDIT_KEYS)
    if not isinstance(keys, AuditKeys):
        raise RuntimeError("session has no audit keys: open it through AppContext")
    return keys
