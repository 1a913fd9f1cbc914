"""The two keys that encrypt the data folder at rest (ARCHITECTURE §10).

`database` keys SQLCipher (localdb/engine.py), `blobs` keys the anexos' AES-GCM
(desktop/capture/blobs.py). Each is 32 random bytes, made on the first open of a data folder and
kept in the CredentialStore (the OS keyring, or the 0600 file with its warning). A store already
encrypted whose key is gone is refused in Spanish: a new key would read nothing, and making one
would hide the loss.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from desktop.access.credentials import CredentialError, CredentialStore

DATABASE_KEY = "store_key_database"
BLOBS_KEY = "store_key_blobs"
KEY_BYTES = 32


class StoreKeyMissing(CredentialError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"No se encontró la llave que cifra {what} de este equipo en el almacén de "
            "credenciales. Sin ella no se pueden leer los datos guardados; avise a soporte "
            "técnico (no borre la carpeta de datos)."
        )


class StoreKeyWrong(CredentialError):
    def __init__(self) -> None:
        super().__init__(
            "La llave guardada en el almacén de credenciales no abre la base de datos de este "
            "equipo (¿se copió la carpeta de datos desde otro equipo o usuario?). Avise a "
            "soporte técnico; no borre la carpeta de datos."
        )


@dataclass(frozen=True)
class StoreKeys:
    database: bytes
    blobs: bytes

    def __repr__(self) -> str:  # never print a key in a log or a traceback
        return "StoreKeys(<hidden>)"


def _key(store: CredentialStore, name: str, *, must_exist: bool, what: str) -> bytes:
    value = store.get(name)
    if value is not None:
        try:
            key = bytes.fromhex(value)
        except ValueError:  # a damaged entry (not hex): as good as none, never a traceback
            raise StoreKeyMissing(what) from None
        if len(key) != KEY_BYTES:
            raise StoreKeyMissing(what)
        return key
    if must_exist:
        raise StoreKeyMissing(what)
    key = secrets.token_bytes(KEY_BYTES)
    store.set(name, key.hex())
    return key


def load_store_keys(store: CredentialStore, *, database_encrypted: bool,
                    blobs_encrypted: bool) -> StoreKeys:
    """The data folder's keys, created the first time; `*_encrypted` says that data encrypted
    with that key already exists, so the key must be there."""
    return StoreKeys(
        database=_key(store, DATABASE_KEY, must_exist=database_encrypted,
                      what="la base de datos"),
        blobs=_key(store, BLOBS_KEY, must_exist=blobs_encrypted, what="los anexos"),
    )
