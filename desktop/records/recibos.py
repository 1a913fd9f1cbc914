"""Cancelar recibo (supervisors): the recibo oficial of a payment is cancelled with a reason, kept
with its folio (never reused) and listed in its caja's corte. The expediente is unpaid again, so
its folio may then be cancelled or paid anew (with a new recibo).

Only a recibo of the caja still open may be cancelled: a signed corte is never edited. One
transaction writes the recibo, the expediente, an audit entry and a "recibo.cancel" outbox
mutation (ARCHITECTURE §6, §7). Confirmed by the supervisor's password (desktop/records/reauth.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.expedientes import get_expediente
from desktop.records.outbox import queue_mutation
from desktop.records.payments import current_recibo
from localdb.models import Caja, Expediente
from localdb.states import EnvioState
from wire.payloads import ReciboCancelPayload
from wire.times import as_utc, utc_now

CANCEL_RECIBO_ACTION = "recibo.cancelado"


@dataclass(frozen=True)
class CancelledRecibo:
    folio: str
    expediente_folio: str
    amount: Decimal
    reason: str


def require_recibo_reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if len(cleaned) < 5:
        raise VentanillaError("Escriba el motivo de la cancelación del recibo (al menos 5 "
                              "caracteres).")
    return cleaned


def cancel_recibo(ctx: AppContext, user: CurrentUser, folio: str,
                  reason: str) -> CancelledRecibo:
    """Cancel the recibo oficial of expediente `folio`'s payment, with `reason`."""
    require(user, Permission.CANCEL_RECIBO)
    cleaned = require_recibo_reason(reason)
    now = utc_now()
    with ctx.write() as session:
        row = get_expediente(session, folio)
        recibo = current_recibo(session, row.uuid)
        if recibo is None:
            raise VentanillaError(f"El folio {folio} no tiene un recibo oficial vigente de esta "
                                  "ventanilla.")
        _refuse_closed_caja(session, recibo.caja_uuid, recibo.folio)
        recibo.cancelled_at, recibo.cancelled_by, recibo.cancel_reason = (
            now, user.username, cleaned)
        _unpay(row)
        if row.sync_state != EnvioState.DEMO:
            queue_mutation(session, "recibo.cancel", row.uuid, ReciboCancelPayload(
                uuid=row.uuid, folio=row.folio, recibo_folio=recibo.folio, reason=cleaned,
                cancelled_by=user.username, cancelled_at=as_utc(now)), now)
        append_audit(session, user.username, CANCEL_RECIBO_ACTION, recibo.folio,
                     {"folio": row.folio, "motivo": cleaned})
        return CancelledRecibo(recibo.folio, row.folio,
                               Decimal(recibo.amount_centavos) / 100, cleaned)


def _refuse_closed_caja(session: Session, caja_uuid: str, recibo_folio: str) -> None:
    caja = session.get_one(Caja, caja_uuid)
    if caja.closed_at is not None:
        raise VentanillaError(f"El recibo {recibo_folio} pertenece a una caja ya cerrada con su "
                              "corte; un corte firmado no se modifica.")


def _unpay(row: Expediente) -> None:
    row.payment_method = row.payment_reference = None
    row.paid_at, row.paid_by = None, None
    if row.sync_state == EnvioState.SINCRONIZADO:
        row.sync_state = EnvioState.PENDIENTE
