"""What `apply_bundle` records beside a bundle for its history: the borradores the impact report
counts, and the id of the key that signed it (ARCHITECTURE §8)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogo.impact import DraftRef
from localdb.models import Draft, SyncState

SOURCE_PLATFORM, SOURCE_FILE, SOURCE_DEMO = "plataforma", "archivo", "demo"


def key_id(public_key_pem: str) -> str:
    """A short, stable name for a signing key: the first 16 hex digits of the SHA-256 of its
    DER SubjectPublicKeyInfo (what `openssl pkey -pubin -outform DER | sha256sum` gives)."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
        der = key.public_bytes(serialization.Encoding.DER,
                               serialization.PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, UnicodeEncodeError, TypeError):
        der = base64.b64encode(public_key_pem.encode("utf-8", "replace"))
    return hashlib.sha256(der).hexdigest()[:16]


def pinned_key_id(session: Session) -> str | None:
    state = session.get(SyncState, 1)
    return key_id(state.platform_public_key) if state and state.platform_public_key else None


def draft_refs(session: Session) -> list[DraftRef]:
    """Every borrador in the store (all users'), for the report's "left behind" list."""
    rows = session.scalars(select(Draft).order_by(Draft.updated_at, Draft.uuid))
    return [DraftRef(d.uuid, d.tramite_homoclave, d.tramite_version, d.created_by) for d in rows]
