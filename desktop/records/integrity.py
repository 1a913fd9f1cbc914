"""Re-hash the expedientes captured at this window against their content_sha256 (ARCHITECTURE §10).

The content is rebuilt from the stored columns the way desktop/capture/payload.py built it (the
oficina and ventanilla from the folio, the anexos from the attachments table in insertion
order), and must hash to the row's content_sha256, which must equal the sha256 the capture's
audit entry ("expediente.capturado", under the keyed chain) recorded. An expediente whose total
or answers were edited in SQLite is named by folio, whether or not its hash was recomputed.

Records pulled from other windows have no capture entry here and keep no anexos locally: the
platform holds their truth, and they are not judged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Text, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from localdb.models import Attachment, AuditEntry, Expediente, SyncState, table_of
from wire.canonical import payload_sha256
from wire.payloads import ExpedienteContent
from wire.times import as_utc

CAPTURE_ACTION = "expediente.capturado"
CONTENT_ACTIONS = (CAPTURE_ACTION, "expediente.refoliado")


def _captured_here(session: Session) -> dict[str, tuple[str, str]]:
    """uuid → (folio, content sha256), from the capture entries of the audit chain; a later
    re-folio entry (desktop/records/refolio.py) records the new folio and hash."""
    found: dict[str, tuple[str, str]] = {}
    for folio, detail in session.execute(select(AuditEntry.entity, AuditEntry.detail)
                                         .where(AuditEntry.action.in_(CONTENT_ACTIONS))
                                         .order_by(AuditEntry.id)):
        if isinstance(detail, dict) and "uuid" in detail:
            found[str(detail["uuid"])] = (folio, str(detail.get("sha256", "")))
    return found


def _attachments(session: Session) -> dict[str, list[dict[str, Any]]]:
    rows = session.scalars(select(Attachment).order_by(literal_column("attachments.rowid")))
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in rows:
        found[a.expediente_uuid].append(
            {"sha256": a.sha256, "filename": a.filename, "mime": a.mime, "size": a.size})
    return found


def _office_of(folio: str, state: SyncState) -> tuple[str, str]:
    own = f"{state.oficina}-{state.ventanilla}-"
    if folio.startswith(own):
        return state.oficina, state.ventanilla
    prefix = folio.rsplit("-", 2)[0]
    oficina, _, ventanilla = prefix.partition("-")
    return oficina, ventanilla


def recomputed_sha256(row: Any, attachments: list[dict[str, Any]],
                      state: SyncState) -> str | None:
    """The content hash of the stored columns; None when they no longer form valid content."""
    oficina, ventanilla = _office_of(row.folio, state)
    content = {
        "uuid": row.uuid, "folio": row.folio, "tramite_homoclave": row.tramite_homoclave,
        "tramite_version": row.tramite_version, "answers": row.answers,
        "requisitos": row.requisitos, "cobros": row.cobros,
        "total": f"{Decimal(row.total_centavos) / 100:.2f}", "nombre": row.nombre,
        "curp": row.curp, "rfc": row.rfc, "created_by": row.created_by,
        "captured_at": row.captured_at_legacy or as_utc(row.captured_at),
        "origin_machine": row.origin_machine,
        "oficina": oficina, "ventanilla": ventanilla, "attachments": attachments,
        "archivo_folio": row.archivo_folio, "archivo_fecha": row.archivo_fecha,
    }
    try:
        return payload_sha256(ExpedienteContent.model_validate(content).model_dump(mode="json"))
    except (ValidationError, ArithmeticError, TypeError, ValueError):
        return None


_JSON_COLUMNS = ("answers", "requisitos", "cobros")


def _rows(session: Session) -> Iterator[Any]:
    """Every expediente's columns in capture order, its JSON columns as their stored text: a
    row whose JSON was edited into something that does not parse is one more altered folio,
    never the end of the check (the ORM would fail loading it)."""
    table = table_of(Expediente)
    columns = [type_coerce(c, Text) if c.name in _JSON_COLUMNS else c for c in table.c]
    query = select(*columns).order_by(table.c.captured_at, table.c.folio)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield SimpleNamespace(**row._mapping)


def _json_parsed(row: Any) -> bool:
    """Parse the row's JSON columns in place; False when one is not JSON."""
    try:
        for name in _JSON_COLUMNS:
            setattr(row, name, json.loads(getattr(row, name)))
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def altered_folios(session: Session) -> tuple[int, list[str]]:
    """(expedientes checked, folios captured here whose stored content no longer matches the
    hash the capture recorded, or whose row is gone), in capture order."""
    captured = _captured_here(session)
    attachments = _attachments(session)
    state = session.get_one(SyncState, 1)
    altered: list[str] = []
    seen: set[str] = set()
    for row in _rows(session):
        if row.uuid not in captured:
            continue  # pulled from another window: the platform holds its truth
        seen.add(row.uuid)
        recorded = captured[row.uuid][1]
        recomputed = (recomputed_sha256(row, attachments.get(row.uuid, []), state)
                      if _json_parsed(row) else None)
        if recomputed != row.content_sha256 or row.content_sha256 != recorded:
            altered.append(row.folio)
    altered += [folio for uuid, (folio, _) in captured.items() if uuid not in seen]
    return len(seen), altered
