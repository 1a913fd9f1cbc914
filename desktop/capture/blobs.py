"""Content-addressed attachment storage: blob_dir/ab/<sha256>, written atomically.

Blobs are written before the database transaction that names them; an orphan blob left by a
failed capture is harmless (same content, same name), a missing one never happens.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop.errors import StorageError, VentanillaError, os_error_message

ALLOWED_MIME = {"application/pdf", "image/jpeg", "image/png"}
_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
_CHUNK = 1_048_576
DISK_FULL = ("El disco del equipo está lleno: no se guardó nada. Libere espacio y vuelva a "
             "intentar; los datos capturados siguen en pantalla.")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    mime: str


def blob_path(blob_dir: Path, sha256: str) -> Path:
    return blob_dir / sha256[:2] / sha256


def sniff_mime(head: bytes) -> str | None:
    return next((mime for magic, mime in _MAGIC.items() if head.startswith(magic)), None)


def store_file(blob_dir: Path, source: Path, max_bytes: int) -> StoredBlob:
    """Copy `source` into the store after checking its type and size; returns its hash.

    The file is streamed: its size is counted while it is read, never trusted from `stat` (a
    device or a growing file reports anything), and reading stops one chunk past `max_bytes`.
    """
    blob_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=blob_dir, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as copy:
            digest, size, head = _stream_copy(source, copy, max_bytes)
            copy.flush()
            os.fsync(copy.fileno())
        mime = sniff_mime(head)
        if mime is None:
            raise VentanillaError(f"El anexo «{source.name}» no es PDF, JPG ni PNG.")
        _place(Path(tmp), blob_path(blob_dir, digest))
    except OSError as exc:
        raise _disk_error(exc) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return StoredBlob(digest, size, mime)


def _stream_copy(source: Path, copy: BinaryIO, max_bytes: int) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with source.open("rb") as original:
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


def _place(tmp: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)


def _disk_error(exc: OSError) -> StorageError:
    if exc.errno == errno.ENOSPC:
        return StorageError(DISK_FULL)
    return StorageError(os_error_message(exc, "el anexo en la carpeta de datos", writing=True))
