"""Encrypt the anexos a store kept in plain files before encryption at rest (ARCHITECTURE §10).

Idempotent: a blob that already opens with the key is left alone, a plain one (its bytes hash to
its name) is sealed in place, anything else is damaged and only logged (read_blob refuses it).
A marker file records that the folder is sealed, so later starts skip the walk and know that the
blob key must exist.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the cipher is imported by the walk only: a sealed folder's start skips it
    from desktop.capture.blobs import BlobStore

log = logging.getLogger(__name__)

SEALED_MARKER = ".sealed-v1"
_NAME = re.compile(r"[0-9a-f]{64}")


def is_sealed(root: Path) -> bool:
    return (root / SEALED_MARKER).exists()


def _seal_one(store: BlobStore, sha256: str, data: bytes) -> bool:
    """True when the blob was plain and is now sealed."""
    from desktop.capture.blobs import BlobDamaged, decrypt_blob, write_blob

    try:
        decrypt_blob(store, sha256, data)
        return False  # already encrypted with this key
    except BlobDamaged:
        pass
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("attachment blob %s is neither plain nor sealed; left as is", sha256[:12])
        return False
    write_blob(store, sha256, data)
    return True


def seal_plain_blobs(store: BlobStore) -> int:
    """Seal every plain blob of the folder; returns how many were sealed."""
    sealed = 0
    if store.root.is_dir():
        for path in sorted(store.root.glob("??/*")):
            if path.is_file() and _NAME.fullmatch(path.name) and path.parent.name == path.name[:2]:
                sealed += _seal_one(store, path.name, path.read_bytes())
    store.root.mkdir(parents=True, exist_ok=True)
    (store.root / SEALED_MARKER).touch(mode=0o600)
    if sealed:
        log.info("sealed %d plain attachment blobs", sealed)
    return sealed
