"""A pulled expediente record validated and turned into its new row's columns: no database code
here, so the pull's worker process (sync/pull_worker.py) can do it without importing the store.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from localdb.states import EnvioState, ExpedienteStatus
from sync.errors import SyncError
from wire.payloads import ExpedientePayload
from wire.protocol import Change
from wire.times import to_utc
from wire.validation import spanish_summary


class UnusableChange(SyncError):
    """A change whose data this machine cannot use (malformed, or from a newer platform)."""

    def __init__(self, change: Change, detail: str) -> None:
        super().__init__(f"El cambio {change.version} ({change.kind}) trae datos que este equipo "
                         f"no puede usar: {detail}")


def validate_record(change: Change) -> tuple[ExpedientePayload, int]:
    """The record, validated once against its schema, and its total in centavos;
    UnusableChange when it cannot be stored."""
    try:
        record = ExpedientePayload.model_validate(change.data)
        total = int((Decimal(record.total) * 100).to_integral_value())
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    except (ArithmeticError, ValueError) as exc:
        raise UnusableChange(change, "importe no válido") from exc
    return record, total


def record_columns(record: ExpedientePayload, total: int, zone: str, requisitos: Any,
                   cobros: Any) -> dict[str, Any]:
    """The columns of a validated record's new row, its requisitos and cobros as the caller
    gives them (lists of dicts for the ORM, or their JSON text, sync.pull_prepare)."""
    return {
        "uuid": record.uuid, "folio": record.folio,
        "tramite_homoclave": record.tramite_homoclave,
        "tramite_version": record.tramite_version, "answers": record.answers,
        "requisitos": requisitos, "cobros": cobros, "total_centavos": total,
        "nombre": record.nombre, "curp": record.curp, "rfc": record.rfc,
        "created_by": record.created_by, "captured_at": to_utc(record.captured_at, zone),
        "origin_machine": record.origin_machine, "content_sha256": record.content_sha256,
        "archivo_folio": record.archivo_folio, "archivo_fecha": record.archivo_fecha,
        "status": ExpedienteStatus.CAPTURADO, "sync_state": EnvioState.SINCRONIZADO,
    }


def parse_record(change: Change, zone: str) -> tuple[ExpedientePayload, dict[str, Any]]:
    """The record and the columns of its new row; UnusableChange when it cannot be stored."""
    record, total = validate_record(change)
    return record, record_columns(record, total, zone,
                                  [r.model_dump() for r in record.requisitos],
                                  [c.model_dump() for c in record.cobros])


def check_office(change: Change, folio: str, oficina: str) -> None:
    """UnusableChange unless the record's folio is one of this office's (OFICINA-…): the platform
    sends a window only its own office's records, so another's is an answer not to keep."""
    if not folio.startswith(f"{oficina}-"):
        raise UnusableChange(change, f"el folio {folio[:64]} no es de la oficina {oficina}")
