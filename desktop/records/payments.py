"""Payments at the window: an expediente's total received in full, with its method and reference.

A payment is cashed in the window's open caja (refused without one) and gets a recibo oficial
folio from its own series (R-OFICINA-VENTANILLA-AÑO-NNNNNN, desktop/capture/folios.py). One
transaction allocates the folio and writes the recibo, the payment fields, an audit entry and an
"expediente.payment" outbox mutation carrying the recibo folio and the caja (ARCHITECTURE §6).
No partial payments: the amount is always the expediente's total, and a folio is paid once.
Payment does not change `status`, which belongs to the platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.capture.folios import allocate_recibo_folio
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.cajas import require_open_caja
from desktop.records.expedientes import get_expediente
from desktop.records.outbox import queue_mutation
from formatting import format_datetime
from formatting.payment_methods import PAYMENT_METHODS
from localdb.models import Expediente, Recibo, SyncState
from localdb.states import EnvioState, ExpedienteStatus
from wire.payloads import PaymentPayload
from wire.protocol import MutationKind
from wire.times import as_utc, office_date, utc_now

PAYMENT_KIND: MutationKind = "expediente.payment"
PAYMENT_ACTION = "expediente.pagado"
MAX_REFERENCE = 64
# Methods whose paper trail is the reference (clave de rastreo, número de cheque).
REFERENCE_REQUIRED = frozenset({"transferencia", "cheque"})


@dataclass(frozen=True)
class PaymentInfo:
    """What the counter shows about an expediente's payment; `paid_at` None = not paid."""

    folio: str
    total: Decimal
    cancelled: bool
    method: str | None = None
    reference: str | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    recibo_folio: str | None = None  # the recibo oficial of this window's payment

    @property
    def paid(self) -> bool:
        return self.paid_at is not None

    @property
    def method_label(self) -> str:
        return PAYMENT_METHODS.get(self.method or "", self.method or "")

    @property
    def payable(self) -> bool:
        return not self.paid and not self.cancelled and self.total > 0


def payment_methods() -> list[tuple[str, str]]:
    """(method, label) in the order the counter offers them: efectivo first."""
    return list(PAYMENT_METHODS.items())


def current_recibo(session: Session, expediente_uuid: str) -> Recibo | None:
    """The expediente's recibo oficial not cancelled, if it was paid at this window."""
    return session.scalars(select(Recibo).where(
        Recibo.expediente_uuid == expediente_uuid, Recibo.cancelled_at.is_(None))).first()


def _info(row: Expediente, recibo: Recibo | None, zone: str) -> PaymentInfo:
    cancelled = row.status == ExpedienteStatus.CANCELADO or bool(row.cancel_reason)
    return PaymentInfo(row.folio, Decimal(row.total_centavos) / 100, cancelled,
                       row.payment_method, row.payment_reference, shown(row.paid_at, zone),
                       row.paid_by, recibo.folio if recibo is not None else None)


def read_payment(session: Session, row: Expediente) -> PaymentInfo:
    return _info(row, current_recibo(session, row.uuid), office_zone(session))


def payment_info(ctx: AppContext, folio: str) -> PaymentInfo:
    with ctx.read() as session:
        return read_payment(session, get_expediente(session, folio))


def _clean_method(method: str) -> str:
    key = method.strip().lower()
    if key not in PAYMENT_METHODS:
        names = ", ".join(PAYMENT_METHODS)
        raise VentanillaError(f"Forma de pago desconocida «{method}»: use {names}.")
    return key


def _clean_reference(method: str, reference: str | None) -> str | None:
    cleaned = " ".join((reference or "").split())
    if len(cleaned) > MAX_REFERENCE:
        raise VentanillaError(f"La referencia del pago admite hasta {MAX_REFERENCE} caracteres.")
    if not cleaned and method in REFERENCE_REQUIRED:
        what = "la clave de rastreo" if method == "transferencia" else "el número de cheque"
        raise VentanillaError(f"Escriba la referencia del pago ({what}).")
    return cleaned or None


def _refuse_unpayable(row: Expediente, zone: str) -> None:
    info = _info(row, None, zone)
    if info.cancelled:
        raise VentanillaError(f"El folio {row.folio} está cancelado; no se puede registrar "
                              "un pago.")
    if info.paid:
        when = format_datetime(info.paid_at) if info.paid_at else ""
        raise VentanillaError(f"El folio {row.folio} ya tiene un pago registrado "
                              f"({info.method_label}, {when}).")
    if info.total <= 0:
        raise VentanillaError(f"El folio {row.folio} no tiene importe por pagar.")


def register_payment(ctx: AppContext, user: CurrentUser, folio: str, method: str,
                     reference: str | None = None) -> PaymentInfo:
    """Record that the citizen paid the whole total of `folio` by `method`, in the open caja, with
    a new recibo oficial."""
    require(user, Permission.REGISTER_PAYMENT)
    key = _clean_method(method)
    ref = _clean_reference(key, reference)
    now = utc_now()
    with ctx.write() as session:
        caja = require_open_caja(session)
        row = get_expediente(session, folio)
        zone = office_zone(session)
        _refuse_unpayable(row, zone)
        recibo = _issue_recibo(session, row, caja.uuid, key, ref, user, now, zone)
        row.payment_method, row.payment_reference = key, ref
        row.paid_at, row.paid_by = now, user.username
        if row.sync_state == EnvioState.SINCRONIZADO:
            row.sync_state = EnvioState.PENDIENTE
        amount = f"{Decimal(row.total_centavos) / 100:.2f}"
        if row.sync_state != EnvioState.DEMO:  # a demo capture never leaves; nor its pago
            paid = PaymentPayload(uuid=row.uuid, folio=row.folio, method=key, reference=ref,
                                  amount=amount, paid_by=user.username, paid_at=as_utc(now),
                                  recibo_folio=recibo.folio, caja_uuid=caja.uuid)
            queue_mutation(session, PAYMENT_KIND, row.uuid, paid, now)
        append_audit(session, user.username, PAYMENT_ACTION, row.folio,
                     {"forma": key, "referencia": ref, "importe": amount,
                      "recibo": recibo.folio, "caja": caja.uuid})
        return _info(row, recibo, zone)


def _issue_recibo(session: Session, row: Expediente, caja_uuid: str, method: str,
                  reference: str | None, user: CurrentUser, now: datetime, zone: str) -> Recibo:
    """The next recibo oficial of this window's series for the office's year (its own date)."""
    state = session.get_one(SyncState, 1)
    year = office_date(now, zone).year
    folio = allocate_recibo_folio(session, state.oficina, state.ventanilla, year)
    recibo = Recibo(folio=folio, expediente_uuid=row.uuid, caja_uuid=caja_uuid,
                    amount_centavos=row.total_centavos, method=method, reference=reference,
                    issued_at=now, issued_by=user.username)
    session.add(recibo)
    return recibo
