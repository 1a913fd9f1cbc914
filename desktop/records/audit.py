"""Tamper-evident audit log: each row's hash covers its content and the previous row's hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from localdb.models import AuditEntry
from wire.canonical import canonical_json

GENESIS_HASH = "0" * 64


def _row_hash(prev_hash: str, at: datetime, actor: str, action: str, entity: str,
              detail: dict[str, Any]) -> str:
    body = canonical_json(
        {"prev": prev_hash, "at": at.isoformat(), "actor": actor, "action": action,
         "entity": entity, "detail": detail}
    )
    return hashlib.sha256(body).hexdigest()


def append_audit(session: Session, actor: str, action: str, entity: str = "",
                 detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (which holds the write lock)."""
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last.hash if last else GENESIS_HASH
    at = datetime.now().replace(microsecond=0)
    detail = detail or {}
    entry = AuditEntry(at=at, actor=actor, action=action, entity=entity, detail=detail,
                       prev_hash=prev, hash=_row_hash(prev, at, actor, action, entity, detail))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in id order; name the first row whose links or content do not match."""
    prev = GENESIS_HASH
    checked = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        expected = _row_hash(prev, entry.at, entry.actor, entry.action, entry.entity,
                             entry.detail)
        if entry.prev_hash != prev or entry.hash != expected:
            return ChainReport(checked, entry.id)
        prev = entry.hash
        checked += 1
    return ChainReport(checked, None)
