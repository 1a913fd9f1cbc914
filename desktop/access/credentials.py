"""The one credential store: the OS keyring, or a 0600 file with a visible warning (ARCHITECTURE
§10).

Secrets (machine token, receipt signing key) are stored under service "ventanilla" with names
scoped by the data folder, so two data folders on one account never read each other's secrets.
Without a secure keyring backend — or with VENTANILLA_CREDENTIALS=file — secrets go to
`credentials.json` in the data folder and `warning` says so. A keyring that exists but fails
(locked, D-Bus error) raises `CredentialStoreUnavailable`; it never silently falls back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.errors import VentanillaError
from desktop.json_file import replace_json

if TYPE_CHECKING:  # keyring is imported when a keyring is asked for: with the file, never
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "ventanilla"
ENV_BACKEND = "VENTANILLA_CREDENTIALS"
FILE_NAME = "credentials.json"
FALLBACK_WARNING = (
    "No hay un almacén seguro de credenciales; las llaves se guardan en un archivo protegido "
    "del equipo."
)
_file_lock = threading.Lock()
_warned: set[Path] = set()


class CredentialError(VentanillaError):
    """A secret could not be read or written; nothing about passwords is implied."""


class CredentialStoreUnavailable(CredentialError):
    def __init__(self, backend: str) -> None:
        super().__init__(
            "No se pudo acceder al almacén seguro de credenciales del sistema "
            f"({backend}). Desbloquee el llavero de su sesión e intente de nuevo; si el "
            "problema continúa, avise a soporte técnico."
        )


class CredentialFileError(CredentialError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No se pudo leer o escribir el archivo de credenciales ({path}). Revise los "
            "permisos de la carpeta de datos o avise a soporte técnico."
        )


def is_secure_backend(backend: KeyringBackend) -> bool:
    """False for keyring's fail/null backends, an empty chainer and keyrings.alt's plain files."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(is_secure_backend(b) for b in backend.backends)
    return not type(backend).__module__.startswith("keyrings.alt")


class CredentialStore:
    """get/set/delete secrets by name for one data folder."""

    def __init__(self, data_dir: Path, backend: KeyringBackend | None = None) -> None:
        self.data_dir = data_dir
        self.file_path = data_dir / FILE_NAME
        self._scope = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        self._keyring = self._choose_backend(backend)
        self.warning: str | None = None if self._keyring else FALLBACK_WARNING
        if self.warning and self.file_path not in _warned:
            _warned.add(self.file_path)
            log.warning("no secure keyring backend; secrets stored in %s", self.file_path)

    @staticmethod
    def _choose_backend(backend: KeyringBackend | None) -> KeyringBackend | None:
        if os.environ.get(ENV_BACKEND, "").lower() == "file":
            return None
        if backend is None:
            import keyring  # its backend discovery reads every installed package's metadata

            backend = keyring.get_keyring()
        chosen = backend
        return chosen if is_secure_backend(chosen) else None

    @property
    def backend_name(self) -> str:
        return type(self._keyring).__name__ if self._keyring else "archivo"

    def _key(self, name: str) -> str:
        return f"{name}@{self._scope}"

    def get(self, name: str) -> str | None:
        if self._keyring is None:
            return self._read_file().get(name)
        try:
            value = self._keyring.get_password(SERVICE, self._key(name))
        except Exception as exc:
            log.exception("keyring read failed for %s", name)
            raise CredentialStoreUnavailable(self.backend_name) from exc
        if value is None:
            value = self._migrate_from_file(name)
        return value

    def set(self, name: str, value: str) -> None:
        if self._keyring is None:
            with _file_lock:
                secrets = self._read_file()
                secrets[name] = value
                self._write_file(secrets)
            return
        try:
            self._keyring.set_password(SERVICE, self._key(name), value)
        except Exception as exc:
            log.exception("keyring write failed for %s", name)
            raise CredentialStoreUnavailable(self.backend_name) from exc

    def delete(self, name: str) -> None:
        if self._keyring is not None:
            from keyring.errors import PasswordDeleteError

            try:
                self._keyring.delete_password(SERVICE, self._key(name))
            except PasswordDeleteError:
                pass  # not there: deleting is idempotent
            except Exception as exc:
                log.exception("keyring delete failed for %s", name)
                raise CredentialStoreUnavailable(self.backend_name) from exc
        self._remove_from_file(name)

    def _migrate_from_file(self, name: str) -> str | None:
        """A secret left in the file from a time without keyring moves into the keyring."""
        if not self.file_path.exists():
            return None
        value = self._read_file().get(name)
        if value is not None:
            self.set(name, value)
            self._remove_from_file(name)
            log.info("moved secret %s from the credentials file to the keyring", name)
        return value

    def _remove_from_file(self, name: str) -> None:
        if not self.file_path.exists():
            return
        with _file_lock:
            secrets = self._read_file()
            if secrets.pop(name, None) is not None:
                self._write_file(secrets)

    def _read_file(self) -> dict[str, str]:
        try:
            raw = self.file_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:  # unreadable, or not text at all
            raise CredentialFileError(self.file_path) from exc
        try:
            secrets = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CredentialFileError(self.file_path) from exc
        if not isinstance(secrets, dict):
            raise CredentialFileError(self.file_path)
        return {str(k): str(v) for k, v in secrets.items()}

    def _write_file(self, secrets: dict[str, str]) -> None:
        """Atomic replace of a file that is 0600 from its first byte."""
        try:  # created 0600, so the secret is never readable by others
            replace_json(self.file_path, secrets, sort_keys=True)
        except OSError as exc:
            raise CredentialFileError(self.file_path) from exc
