"""The credential store: keyring when secure, a 0600 file with a visible warning otherwise."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from desktop.access.credentials import (
    ENV_BACKEND,
    FALLBACK_WARNING,
    CredentialFileError,
    CredentialStore,
    CredentialStoreUnavailable,
    is_secure_backend,
)


class MemoryKeyring(KeyringBackend):
    """A working keyring held in memory (the OS keyring cannot run headless here).

    Its priority raises, so keyring never picks it on its own for other tests."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("only used when passed explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("collection is locked")


@pytest.fixture
def no_forced_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_BACKEND, raising=False)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_forced_file_backend_keeps_secrets_in_a_private_file_and_warns(tmp_path: Path,
                                                                      monkeypatch) -> None:
    monkeypatch.setenv(ENV_BACKEND, "file")
    store = CredentialStore(tmp_path, backend=MemoryKeyring())
    assert store.warning == FALLBACK_WARNING
    assert store.get("machine_token") is None
    store.set("machine_token", "tok-123")
    assert _mode(tmp_path / "credentials.json") == 0o600
    assert CredentialStore(tmp_path).get("machine_token") == "tok-123"  # survives a restart
    store.delete("machine_token")
    store.delete("machine_token")  # deleting twice is fine
    assert store.get("machine_token") is None


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_secure_backend_falls_back_to_the_file_visibly(tmp_path: Path, no_forced_file,
                                                          backend: KeyringBackend) -> None:
    store = CredentialStore(tmp_path, backend=backend)
    assert store.warning is not None and "archivo protegido" in store.warning
    store.set("receipt_private_key", "PEM")
    assert (tmp_path / "credentials.json").exists()
    assert store.get("receipt_private_key") == "PEM"


def test_insecure_backends_are_recognised() -> None:
    assert not is_secure_backend(fail.Keyring())
    assert not is_secure_backend(null.Keyring())
    assert is_secure_backend(MemoryKeyring())
    if not chainer.ChainerBackend.backends:  # a headless machine: nothing to chain
        assert not is_secure_backend(chainer.ChainerBackend())


def test_secure_keyring_is_used_without_warning_and_scoped_by_data_folder(
        tmp_path: Path, no_forced_file) -> None:
    keyring = MemoryKeyring()
    first = CredentialStore(tmp_path / "a", backend=keyring)
    second = CredentialStore(tmp_path / "b", backend=keyring)
    assert first.warning is None
    first.set("machine_token", "token-a")
    second.set("machine_token", "token-b")
    assert first.get("machine_token") == "token-a"
    assert second.get("machine_token") == "token-b"
    assert {service for service, _ in keyring.items} == {"ventanilla"}
    assert not (tmp_path / "a" / "credentials.json").exists()
    first.delete("machine_token")
    assert first.get("machine_token") is None
    assert second.get("machine_token") == "token-b"


def test_a_locked_keyring_is_an_error_not_a_wrong_password(tmp_path: Path,
                                                           no_forced_file) -> None:
    store = CredentialStore(tmp_path, backend=LockedKeyring())
    with pytest.raises(CredentialStoreUnavailable) as error:
        store.get("machine_token")
    assert "almacén seguro de credenciales" in error.value.message
    assert "contraseña" not in error.value.message.lower()
    with pytest.raises(CredentialStoreUnavailable):
        store.set("machine_token", "x")
    assert not (tmp_path / "credentials.json").exists()  # never a silent fallback


def test_secrets_left_in_the_file_move_into_a_keyring_that_appears(tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv(ENV_BACKEND, "file")
    CredentialStore(tmp_path).set("machine_token", "old-token")
    monkeypatch.delenv(ENV_BACKEND)
    keyring = MemoryKeyring()
    store = CredentialStore(tmp_path, backend=keyring)
    assert store.get("machine_token") == "old-token"
    assert list(keyring.items.values()) == ["old-token"]
    assert "old-token" not in (tmp_path / "credentials.json").read_text()


def test_a_corrupt_credentials_file_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_BACKEND, "file")
    (tmp_path / "credentials.json").write_text("{not json")
    with pytest.raises(CredentialFileError) as error:
        CredentialStore(tmp_path).get("machine_token")
    assert "archivo de credenciales" in error.value.message
