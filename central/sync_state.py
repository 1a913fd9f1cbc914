"""GET /v1/sync/state: what the platform has seen from the asking machine.

A window restored from a copy has an older outbox and folio counter than what it already sent;
it asks this at the start of each sync run and compares (sync/restore.py). The answer: the last
mutation id acknowledged, the highest folio and recibo oficial numbers received per year, and for
the mutation ids given in `ids` (at most MAX_STATE_IDS) the sha256 recorded for each, so the window
can tell a retry (same content) from a capture made on the restored copy (other content under a
used id). It also answers the highest audit chain head the machine pushed, the anchor the window
checks its audit log against for rows cut off the end (desktop/records/audit_verify.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.models import Expediente, Machine, MutationRecord, Recibo
from central.mutation_checks import folio_number
from wire.protocol import MAX_STATE_IDS, AuditHead, SyncStateResponse

router = APIRouter()
_PLAIN_ID = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1  # mutation ids are BIGINT


@router.get("/v1/sync/state", response_model=SyncStateResponse)
def sync_state(
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
    ids: Annotated[str, Query(max_length=MAX_STATE_IDS * 21)] = "",
) -> SyncStateResponse:
    wanted = _ids(ids)
    with db.read() as session:
        row = session.get_one(Machine, machine.id)
        folios = session.scalars(
            select(Expediente.folio).where(Expediente.machine_id == machine.id))
        return SyncStateResponse(
            last_mutation_id=row.last_mutation_id or 0,
            folios=_highest_per_year(folios, f"{machine.office}-{machine.ventanilla}"),
            recorded=_recorded(session, machine.id, wanted),
            audit_head=_audit_head(row),
            recibos=_highest_per_year(
                session.scalars(select(Recibo.folio).where(Recibo.machine_id == machine.id)),
                f"R-{machine.office}-{machine.ventanilla}"),
        )


def _audit_head(row: Machine) -> AuditHead | None:
    if row.audit_head_seq is None or row.audit_head_mac is None:
        return None
    return AuditHead(seq=row.audit_head_seq, mac=row.audit_head_mac)


def _ids(text: str) -> list[int]:
    """Plain ASCII digits up to BIGINT only: `str.isdigit` also accepts "²" (which `int` cannot
    read) and a number past BIGINT cannot be bound: both would be a 500."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > MAX_STATE_IDS or not all(_PLAIN_ID.fullmatch(p) for p in parts) or any(
            int(p) > MAX_ID for p in parts):
        raise HTTPException(422, f"«ids» debe ser una lista de hasta {MAX_STATE_IDS} enteros.")
    return [int(p) for p in parts]


def _highest_per_year(folios: Iterable[str], prefix: str) -> dict[int, int]:
    highest: dict[int, int] = {}
    for folio in folios:
        parsed = folio_number(folio, prefix)
        if parsed is not None:
            year, number = parsed
            highest[year] = max(number, highest.get(year, 0))
    return highest


def _recorded(session: Session, machine_id: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(MutationRecord.mutation_id, MutationRecord.sha256).where(
        MutationRecord.machine_id == machine_id, MutationRecord.mutation_id.in_(ids)))
    return {row.mutation_id: row.sha256 for row in rows}
