"""The rules a mutation must meet before central applies it, besides its hashes.

Every payload is parsed with its wire model (wire.payloads): amounts are plain 2-decimal strings
from 0.00 to MAX_AMOUNT. On top of the schema, an expediente.create must
  - have cobro lines whose importes add up to its total,
  - come from its sender: oficina, ventanilla and origin_machine equal to the token's machine, and
    a folio OFICINA-VENTANILLA-AÑO-NNNNNN with that machine's prefix,
  - use a trámite version of some published configuration bundle (central/catalog.py).
A void, amend, payment, review or recibo cancellation may only touch an expediente of the
sender's office, and a payment must name that expediente's folio; a recibo folio must carry the
sender's prefix (R-OFICINA-VENTANILLA-AÑO-NNNNNN), and a caja.corte must be the sender's own caja
(its oficina and ventanilla, its recibos, a caja no other machine reported) and add up.
A review (validado / devuelto) needs an expediente that
is neither cancelled nor decided by the platform (rechazado, resuelto), and a devolución a note.
A mutation breaking any rule is rejected with the Spanish reason returned here; nothing of it
reaches the expedientes or the change log other windows pull.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from wire.payloads import CortePayload, ExpedientePayload, PaymentPayload, ReviewPayload
from wire.validation import spanish_summary

Model = TypeVar("Model", bound=BaseModel)

# Column sizes of central.models.Expediente the wire models do not bound themselves.
LENGTH_LIMITS = {"uuid": 40, "folio": 64, "tramite_homoclave": 64}
FOLIO_NUMBER = re.compile(r"-(?P<year>[0-9]{4})-(?P<number>[0-9]{6,9})")


@dataclass(frozen=True)
class Sender:
    """The machine the push's token belongs to."""

    machine_id: str
    office: str
    ventanilla: str

    @property
    def folio_prefix(self) -> str:
        return f"{self.office}-{self.ventanilla}"

    @property
    def recibo_prefix(self) -> str:
        return f"R-{self.folio_prefix}-"


def parse_payload(model: type[Model], payload: dict[str, Any]) -> Model | str:
    """The typed payload, or the Spanish reason it is refused."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        return f"contenido inválido: {spanish_summary(exc)}"


def folio_number(folio: str, prefix: str) -> tuple[int, int] | None:
    """(year, number) of a folio with this machine prefix, or None when it is not one."""
    if not folio.startswith(prefix):
        return None
    match = FOLIO_NUMBER.fullmatch(folio, len(prefix))
    return (int(match["year"]), int(match["number"])) if match else None


def create_refusal(payload: ExpedientePayload, sender: Sender,
                   tramites: Set[tuple[str, int]]) -> str | None:
    """Why this expediente.create cannot be applied for `sender`, or None."""
    too_long = [name for name, limit in LENGTH_LIMITS.items()
                if len(getattr(payload, name)) > limit]
    if too_long:
        return f"contenido inválido: {', '.join(too_long)} demasiado largo"
    lines = sum((Decimal(c.importe) for c in payload.cobros), Decimal("0"))
    if lines != Decimal(payload.total):
        return f"los cobros suman {lines:.2f} y el total dice {payload.total}"
    return _sender_refusal(payload, sender) or _tramite_refusal(payload, tramites)


def _sender_refusal(payload: ExpedientePayload, sender: Sender) -> str | None:
    if payload.oficina != sender.office or payload.ventanilla != sender.ventanilla:
        return (f"el expediente dice oficina {payload.oficina} ventanilla {payload.ventanilla}, "
                f"pero el equipo es de {sender.office} {sender.ventanilla}")
    if payload.origin_machine != sender.machine_id:
        return f"el expediente dice venir del equipo {payload.origin_machine}, no de este equipo"
    if folio_number(payload.folio, sender.folio_prefix) is None:
        return (f"el folio {payload.folio} no es de este equipo "
                f"(se espera {sender.folio_prefix}-AÑO-NNNNNN)")
    return None


def _tramite_refusal(payload: ExpedientePayload, tramites: Set[tuple[str, int]]) -> str | None:
    if (payload.tramite_homoclave, payload.tramite_version) in tramites:
        return None
    return (f"el trámite {payload.tramite_homoclave} versión {payload.tramite_version} no está "
            "en ninguna configuración publicada")


def payment_refusal(paid: PaymentPayload, folio: str, total: str) -> str | None:
    """Why this payment does not fit its expediente (folio, amount), or None."""
    if paid.folio != folio:
        return f"el pago dice folio {paid.folio}, pero el expediente es {folio}"
    try:
        same = Decimal(paid.amount) == Decimal(total)
    except InvalidOperation:  # a total stored before these checks existed
        same = False
    if not same:
        return f"el importe pagado {paid.amount} no es el total {total}"
    return None


# Statuses a review at the window can no longer move: the folio is cancelled or decided.
FINAL_STATUSES = {"anulado": "está cancelado", "rechazado": "ya fue rechazado",
                  "resuelto": "ya fue resuelto"}


def review_refusal(review: ReviewPayload, folio: str, status: str) -> str | None:
    """Why this review cannot move the expediente `folio` now in `status`, or None."""
    if status in FINAL_STATUSES:
        return f"el expediente {folio} {FINAL_STATUSES[status]}; no se puede revisar"
    if review.decision == "devuelto" and not review.note.strip():
        return "una devolución necesita una nota que diga qué corregir"
    return None


def recibo_refusal(recibo_folio: str | None, sender: Sender) -> str | None:
    """Why a recibo oficial folio is not this machine's, or None."""
    if recibo_folio is None or folio_number(recibo_folio, sender.recibo_prefix[:-1]) is not None:
        return None
    return (f"el recibo {recibo_folio} no es de este equipo "
            f"(se espera {sender.recibo_prefix}AÑO-NNNNNN)")


def corte_refusal(corte: CortePayload, sender: Sender) -> str | None:
    """Why this caja.corte cannot be the sender's own, or does not add up, or None."""
    if corte.oficina != sender.office or corte.ventanilla != sender.ventanilla:
        return (f"el corte dice oficina {corte.oficina} ventanilla {corte.ventanilla}, pero el "
                f"equipo es de {sender.office} {sender.ventanilla}")
    for recibo in corte.recibos:
        refusal = recibo_refusal(recibo.folio, sender)
        if refusal is not None:
            return refusal
    efectivo = sum((Decimal(r.amount) for r in corte.recibos
                    if r.method == "efectivo" and not r.cancelled), Decimal("0"))
    if Decimal(corte.fondo) + efectivo != Decimal(corte.expected):
        return (f"el corte espera {corte.expected}, pero fondo más efectivo de sus recibos suman "
                f"{Decimal(corte.fondo) + efectivo:.2f}")
    if Decimal(corte.counted) - Decimal(corte.expected) != Decimal(corte.difference):
        return f"la diferencia {corte.difference} no es contado menos esperado"
    return None
