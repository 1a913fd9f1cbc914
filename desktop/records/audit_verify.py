"""Verify the audit chain (ARCHITECTURE §10): links, MACs, and the anchors that catch truncation.

`verify_chain` walks the rows in id order and names the first one whose plain hash, link or MAC
does not match; then it checks that the chain still reaches every anchor: the row the key starts
at, the head this window recorded (HEAD_SETTING), and the head the platform has seen
(PLATFORM_HEAD_SETTING) — same seq, same MAC.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.credentials import CredentialError
from desktop.records.audit import (
    GENESIS_HASH,
    HEAD_SETTING,
    PLATFORM_HEAD_SETTING,
    Head,
    read_head,
    row_hash,
    row_mac,
)
from desktop.records.audit_key import ChainKey, keys_of
from localdb.models import AuditEntry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str | None = None  # Spanish: what is wrong, naming the first broken or missing row

    @property
    def ok(self) -> bool:
        return self.problem is None


def _broken(entry_id: int, checked: int, why: str = "no coincide con la cadena") -> ChainReport:
    return ChainReport(checked, entry_id, f"el registro {entry_id} {why} ({checked} registros "
                                          "anteriores íntegros)")


def _mac_problem(entry: AuditEntry, key: ChainKey | None, link: str) -> str | None:
    if key is None or entry.id < key.from_seq:
        if entry.mac is None:
            return None
        return "está sellado con una llave que este equipo no tiene"
    if entry.mac is None or entry.mac != row_mac(key, entry.id, entry.hash, link):
        return "no coincide con la cadena"
    return None


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in id order; name the first row whose links, content or MAC do not match,
    or the first row missing before an anchor."""
    key = keys_of(session).load()
    prev = link = GENESIS_HASH
    checked = last_id = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        expected = row_hash(prev, entry.at, entry.actor, entry.action, entry.entity,
                             entry.detail)
        if entry.prev_hash != prev or entry.hash != expected:
            return _broken(entry.id, checked)
        if (why := _mac_problem(entry, key, link)) is not None:
            return _broken(entry.id, checked, why)
        prev, link, last_id = entry.hash, entry.mac or entry.hash, entry.id
        checked += 1
    return _check_anchors(session, key, checked, last_id) or ChainReport(checked, None)


def _anchors(session: Session, key: ChainKey | None) -> list[tuple[str, Head]]:
    found: list[tuple[str, Head]] = []
    if key is not None:
        found.append(("según la llave de la bitácora", Head(key.from_seq, "")))
    local = read_head(session, HEAD_SETTING)
    if local is not None:
        found.append(("según el ancla de este equipo", local))
    platform = read_head(session, PLATFORM_HEAD_SETTING)
    if platform is not None:
        found.append(("según la plataforma", platform))
    return found


def _check_anchors(session: Session, key: ChainKey | None, checked: int,
                   last_id: int) -> ChainReport | None:
    anchors = sorted(_anchors(session, key), key=lambda found: -found[1].seq)
    for source, head in anchors[:1]:
        if head.seq > last_id:
            return ChainReport(checked, last_id + 1, _missing(last_id, head.seq, source))
    for source, head in anchors:
        row = session.get(AuditEntry, head.seq) if head.mac else None
        if row is not None and row.mac != head.mac:
            return _broken(head.seq, checked, f"no coincide con la cadena {source}")
    if key is not None and read_head(session, HEAD_SETTING) is None:
        return ChainReport(checked, None, "falta el ancla de la bitácora de este equipo: "
                                          "fue borrada")
    return None


def _missing(last_id: int, anchored: int, source: str) -> str:
    held = f"termina en el registro {last_id}" if last_id else "está vacía"
    return (f"faltan los registros {last_id + 1} a {anchored}: la bitácora {held} y llegaba "
            f"al menos al registro {anchored} ({source})")


def check_tail(session: Session) -> ChainReport:
    """The cheap check for start-up: the last row against the one before it, and the anchors
    (truncation). The full walk is `verify_chain` (verify-audit)."""
    key = keys_of(session).load()
    rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)))
    last_id = rows[0].id if rows else 0
    if rows:
        last, before = rows[0], (rows[1] if len(rows) > 1 else None)
        prev = before.hash if before is not None else GENESIS_HASH
        link = (before.mac or before.hash) if before is not None else GENESIS_HASH
        expected = row_hash(prev, last.at, last.actor, last.action, last.entity, last.detail)
        if last.prev_hash != prev or last.hash != expected:
            return _broken(last.id, 0)
        if (why := _mac_problem(last, key, link)) is not None:
            return _broken(last.id, 0, why)
    return _check_anchors(session, key, 0, last_id) or ChainReport(0, None)


def tail_warning(session: Session) -> str | None:
    """For start-up and `status`: None when the chain's tail and anchors hold, else a Spanish
    warning for the administrator (logged by the caller)."""
    try:
        report = check_tail(session)
    except CredentialError as exc:
        return f"No se pudo comprobar la bitácora: {exc.message}"
    if report.ok:
        return None
    return f"Bitácora ALTERADA: {report.problem}. Ejecute `verify-audit` y avise al administrador."
