"""Content-addressed attachment storage: blob_dir/ab/<sha256>, encrypted, written atomically.

The name is the SHA-256 of the plaintext (what the payload and the platform know); the file is
`nonce (12 bytes) || AES-256-GCM ciphertext + tag`, with the name as associated data, so a blob
moved under another name fails its tag like a tampered one (ARCHITECTURE §10). Every reader goes
through `read_blob`, which checks the tag and the hash and raises `BlobDamaged` (Spanish).

Blobs are written before the database transaction that names them; an orphan blob left by a
failed capture is harmless (same content, same name), a missing one never happens.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.errors import StorageError, VentanillaError, os_error_message
from desktop.user_file import open_user_file

ALLOWED_MIME = {"application/pdf", "image/jpeg", "image/png"}
_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
_CHUNK = 1_048_576
NONCE_BYTES = 12
DISK_FULL = ("El disco del equipo está lleno: no se guardó nada. Libere espacio y vuelva a "
             "intentar; los datos capturados siguen en pantalla.")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    mime: str


@dataclass(frozen=True)
class BlobStore:
    """The blob folder and the key of its AES-GCM (desktop/access/store_keys.py)."""

    root: Path
    key: bytes = field(repr=False)


class BlobDamaged(VentanillaError):
    def __init__(self, sha256: str) -> None:
        super().__init__(
            f"El anexo {sha256[:12]}… está dañado o fue alterado en el disco de este equipo; no "
            "se usará ni se enviará. Vuelva a escanear el documento o avise a soporte técnico.")
        self.sha256 = sha256


def blob_path(blob_dir: Path, sha256: str) -> Path:
    return blob_dir / sha256[:2] / sha256


def encrypt_blob(store: BlobStore, sha256: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(store.key).encrypt(nonce, plaintext, sha256.encode())


def decrypt_blob(store: BlobStore, sha256: str, sealed: bytes) -> bytes:
    """The plaintext, once the tag and the content address both check; else BlobDamaged."""
    try:
        plain = AESGCM(store.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                          sha256.encode())
    except (InvalidTag, ValueError) as exc:
        raise BlobDamaged(sha256) from exc
    if hashlib.sha256(plain).hexdigest() != sha256:
        raise BlobDamaged(sha256)
    return plain


def read_blob(store: BlobStore, sha256: str) -> bytes:
    """The plaintext of a stored anexo; BlobDamaged when it is missing, tampered or moved."""
    try:
        sealed = blob_path(store.root, sha256).read_bytes()
    except OSError as exc:
        raise BlobDamaged(sha256) from exc
    return decrypt_blob(store, sha256, sealed)


def stored_name(store: BlobStore, path: Path) -> str | None:
    """The hash of `path` when it is a blob of this store (a borrador's anexo), else None."""
    name = path.name
    if len(name) == 64 and path.parent.name == name[:2] and \
            path.parent.parent.resolve() == store.root.resolve():
        return name
    return None


def describe_blob(store: BlobStore, sha256: str) -> StoredBlob:
    plain = read_blob(store, sha256)
    mime = sniff_mime(plain[:8])
    if mime is None:
        raise BlobDamaged(sha256)
    return StoredBlob(sha256, len(plain), mime)


def sniff_mime(head: bytes) -> str | None:
    return next((mime for magic, mime in _MAGIC.items() if head.startswith(magic)), None)


def store_file(store: BlobStore, source: Path, max_bytes: int) -> StoredBlob:
    """Encrypt `source` into the store after checking its type and size; returns its hash. A
    source that is already a blob of the store (a borrador's anexo) is checked, not copied.

    The file is streamed: its size is counted while it is read, never trusted from `stat` (a
    device or a growing file reports anything), and reading stops one chunk past `max_bytes`.
    """
    if (known := stored_name(store, source)) is not None:
        return describe_blob(store, known)
    buffer = io.BytesIO()
    digest, size, head = _stream_copy(source, buffer, max_bytes)
    mime = sniff_mime(head)
    if mime is None:
        raise VentanillaError(f"El anexo «{source.name}» no es PDF, JPG ni PNG.")
    write_blob(store, digest, buffer.getvalue())
    return StoredBlob(digest, size, mime)


def write_blob(store: BlobStore, sha256: str, plaintext: bytes) -> None:
    """Seal and place one blob atomically (a blob already there is replaced: same content)."""
    store.root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=store.root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as sealed:
            sealed.write(encrypt_blob(store, sha256, plaintext))
            sealed.flush()
            os.fsync(sealed.fileno())
        target = blob_path(store.root, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
    except OSError as exc:
        raise _disk_error(exc) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)


def _stream_copy(source: Path, copy: BinaryIO, max_bytes: int) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open_user_file(source, f"el anexo «{source}»") as original:
            while chunk := original.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise VentanillaError(
                        f"El anexo «{source.name}» es demasiado grande; el máximo es "
                        f"{max_bytes // 1_048_576} MB. Escanéelo con menor resolución.")
                head = head or chunk[:8]
                digest.update(chunk)
                copy.write(chunk)
    except OSError as exc:
        raise VentanillaError(os_error_message(exc, f"el anexo «{source}»")) from exc
    return digest.hexdigest(), size, head


def _disk_error(exc: OSError) -> StorageError:
    if exc.errno == errno.ENOSPC:
        return StorageError(DISK_FULL)
    return StorageError(os_error_message(exc, "el anexo en la carpeta de datos", writing=True))
