"""Tamper-evident audit log (ARCHITECTURE §10): a hash chain, keyed and anchored.

Each row's `hash` covers its content and the previous row's hash (the plain chain of older
versions, still kept). From the row the key records on (`ChainKey.from_seq`), each row also
carries `mac`: HMAC-SHA256, under a key held outside the database, over its id, its hash and the
previous row's MAC. Recomputing the plain hashes after an edit no longer passes.

Anchors catch rows cut off the end: the head (seq, MAC) is written to the setting HEAD_SETTING
with every entry, and each push carries it to the platform, whose highest seq the window keeps
in PLATFORM_HEAD_SETTING (sync/restore.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.orm import Session

from desktop.records.audit_key import ChainKey, keys_of
from localdb.models import AuditEntry, Setting, table_of
from wire.canonical import canonical_json
from wire.times import from_machine_clock, utc_now

GENESIS_HASH = "0" * 64
HEAD_SETTING = "audit.head"
PLATFORM_HEAD_SETTING = "audit.platform_head"
# The first row written in UTC (revision 0011); rows before it hold the machine's local clock.
UTC_FROM_SETTING = "audit.utc_from"


@dataclass(frozen=True)
class Head:
    seq: int
    mac: str


UNREADABLE_HEAD = Head(1, "ilegible")

def row_hash(prev_hash: str, at: datetime, actor: str, action: str, entity: str,
              detail: dict[str, Any]) -> str:
    body = canonical_json(
        {"prev": prev_hash, "at": at.isoformat(), "actor": actor, "action": action,
         "entity": entity, "detail": detail}
    )
    return hashlib.sha256(body).hexdigest()


def row_mac(key: ChainKey, seq: int, row_hash: str, prev_link: str) -> str:
    """prev_link: the previous row's MAC, or its plain hash where the keyed chain starts."""
    body = canonical_json({"seq": seq, "hash": row_hash, "prev": prev_link})
    return hmac.new(key.secret, body, hashlib.sha256).hexdigest()


def append_audit(session: Session, actor: str, action: str, entity: str = "",
                 detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction (which holds the write lock); the
    entry returned is not in the session (its row is inserted directly)."""
    last = _last_row(session)
    prev = last.hash if last else GENESIS_HASH
    seq = (last.id if last else 0) + 1
    key = keys_of(session).load_or_create(seq)
    at = utc_now()
    detail = detail or {}
    this_hash = row_hash(prev, at, actor, action, entity, detail)
    link = last.mac if last is not None and last.mac else prev
    entry = AuditEntry(id=seq, at=at, actor=actor, action=action, entity=entity, detail=detail,
                       prev_hash=prev, hash=this_hash, mac=row_mac(key, seq, this_hash, link))
    # Inserted as a row, not through the unit of work: an entry is never changed afterwards.
    session.execute(insert(table_of(AuditEntry)), _row_of(entry))
    write_head(session, HEAD_SETTING, Head(seq, entry.mac or ""))
    return entry


def _row_of(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "entity": entry.entity, "detail": entry.detail, "prev_hash": entry.prev_hash,
            "hash": entry.hash, "mac": entry.mac}


def chain_head(session: Session) -> Head | None:
    last = _last_row(session)
    return Head(last.id, last.mac) if last is not None and last.mac else None


def _last_row(session: Session) -> Row[tuple[int, str, str | None]] | None:
    """The newest entry's id, hash and MAC: the links the next entry needs (not its detail)."""
    return session.execute(select(AuditEntry.id, AuditEntry.hash, AuditEntry.mac)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()


def read_head(session: Session, name: str) -> Head | None:
    """The anchor saved under `name`; None when there is none. An unreadable value reads as
    UNREADABLE_HEAD, which matches no row."""
    row = session.get(Setting, name)
    if row is None:
        return None
    try:
        data = json.loads(row.value)
        return Head(int(data["seq"]), str(data["mac"]))
    except (ValueError, KeyError, TypeError):
        return UNREADABLE_HEAD


def write_head(session: Session, name: str, head: Head) -> None:
    value = json.dumps({"seq": head.seq, "mac": head.mac})
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(key=name, value=value))
    else:
        row.value = value


def note_platform_head(session: Session, head: Head) -> None:
    """Record the platform's anchor, keeping the highest seq ever recorded."""
    known = read_head(session, PLATFORM_HEAD_SETTING)
    if known is None or head.seq > known.seq:
        write_head(session, PLATFORM_HEAD_SETTING, head)


def entry_instant(session: Session, entry: AuditEntry) -> datetime:
    """When the entry was written, in UTC (`at` as stored; rows from before times were UTC
    hold the machine's local clock and are read as such)."""
    boundary = session.get(Setting, UTC_FROM_SETTING)
    if boundary is not None and entry.id < int(boundary.value):
        return from_machine_clock(entry.at)
    return entry.at
