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

from desktop.errors import StorageError, VentanillaError

ALLOWED_MIME = {"application/pdf", "image/jpeg", "image/png"}
_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
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
    """Copy `source` into the store after checking its type and size; returns its hash."""
    try:
        size = source.stat().st_size
        data = source.read_bytes()
    except OSError as exc:
        raise VentanillaError(f"No se pudo leer el anexo «{source.name}».") from exc
    if size > max_bytes:
        raise VentanillaError(
            f"El anexo «{source.name}» pesa {size / 1_048_576:.1f} MB; el máximo es "
            f"{max_bytes // 1_048_576} MB. Escanéelo con menor resolución."
        )
    mime = sniff_mime(data[:8])
    if mime is None:
        raise VentanillaError(f"El anexo «{source.name}» no es PDF, JPG ni PNG.")
    digest = hashlib.sha256(data).hexdigest()
    _write_atomically(blob_path(blob_dir, digest), data)
    return StoredBlob(digest, size, mime)


def _write_atomically(target: Path, data: bytes) -> None:
    if target.exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageError(DISK_FULL) from exc
        raise StorageError(f"No se pudo guardar el anexo en el disco ({exc.strerror}).") from exc
