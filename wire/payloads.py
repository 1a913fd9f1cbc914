"""The data of every mutation the windows send and every change the platform returns.

Strict enough for the platform to refuse what no window would send (formats of uuids, hashes and
money, bounded lengths), lenient where older windows may differ: unknown keys are ignored.
Money travels as a decimal string with two places ("1234.50"); datetimes as ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import NAMESPACE_URL, uuid5

from pydantic import Field, StringConstraints

from wire.base import Wire

Uuid = Annotated[str, StringConstraints(
    pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# Money: a plain decimal string with exactly 2 places, from 0.00 to MAX_AMOUNT; no sign, exponent,
# NaN or Infinity, so it always parses to the same finite Decimal ("1234.50").
MAX_AMOUNT = "99999999.99"
Money = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,7})\.[0-9]{2}$")]
Folio = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Reason = Annotated[str, StringConstraints(max_length=2000)]


class CobroLinePayload(Wire):
    concepto: str = Field(max_length=300)
    cri: str = Field(max_length=64)
    importe: Money


class RequisitoPayload(Wire):
    clave: str = Field(min_length=1, max_length=64)
    recibido: bool
    nota: str = Field(default="", max_length=2000)


class AttachmentRef(Wire):
    sha256: Sha256
    filename: str = Field(min_length=1, max_length=255)
    mime: str = Field(min_length=1, max_length=127)
    size: int = Field(ge=0)


class ExpedienteContent(Wire):
    """What a capture hashes into content_sha256: the expediente without the hash itself."""

    uuid: Uuid
    folio: Folio
    tramite_homoclave: str = Field(min_length=1, max_length=64)
    tramite_version: int = Field(ge=1)
    answers: dict[str, Any]
    requisitos: list[RequisitoPayload]
    cobros: list[CobroLinePayload]
    total: Money
    nombre: str = Field(max_length=300)
    curp: str | None = Field(default=None, max_length=18)
    rfc: str | None = Field(default=None, max_length=13)
    created_by: Username
    captured_at: datetime
    origin_machine: str = Field(min_length=1, max_length=64)
    oficina: str = Field(min_length=1, max_length=64)
    ventanilla: str = Field(min_length=1, max_length=64)
    attachments: list[AttachmentRef] = Field(default_factory=list)
    # Back-captured from a paper archive (import-archivo): the paper's folio and date. Left out
    # of the content when absent, so the hash of every other capture keeps its bytes.
    archivo_folio: str | None = Field(default=None, min_length=1, max_length=64,
                                      exclude_if=lambda value: value is None)
    archivo_fecha: date | None = Field(default=None, exclude_if=lambda value: value is None)


class ExpedientePayload(ExpedienteContent):
    """expediente.create (sent) and expediente.record (pulled from another window)."""

    content_sha256: Sha256


class VoidPayload(Wire):
    """expediente.void: a folio cancelled with a reason, never deleted."""

    uuid: Uuid
    reason: Reason
    voided_by: Username
    voided_at: datetime


class AmendPayload(Wire):
    """expediente.amend: corrected answers, {campo: valor}, with who, when and why."""

    uuid: Uuid
    changes: dict[str, Any]
    reason: Reason
    amended_by: Username
    amended_at: datetime


class PaymentPayload(Wire):
    """expediente.payment, sent and pulled: the expediente's whole total, paid by `method`."""

    uuid: Uuid
    folio: Folio
    method: str = Field(min_length=1, max_length=32)  # efectivo, tarjeta, transferencia, cheque
    reference: str | None = Field(default=None, max_length=64)
    amount: Money  # equals the total
    paid_by: Username
    paid_at: datetime  # the window's local clock, for display only
    # The recibo oficial (R-OFICINA-VENTANILLA-AÑO-NNNNNN) and the caja it was cashed in; None
    # from windows older than cash sessions.
    recibo_folio: Folio | None = None
    caja_uuid: Uuid | None = None


class ReciboCancelPayload(Wire):
    """recibo.cancel: a supervisor cancelled the recibo oficial of an expediente's payment, with a
    reason; the expediente is unpaid again (its folio may then be cancelled, or paid anew)."""

    uuid: Uuid  # the expediente
    folio: Folio  # the expediente's folio
    recibo_folio: Folio
    reason: Reason
    cancelled_by: Username
    cancelled_at: datetime


# A signed amount of money (the corte's difference: counted minus expected).
SignedMoney = Annotated[str, StringConstraints(pattern=r"^-?(0|[1-9][0-9]{0,7})\.[0-9]{2}$")]


class CorteRecibo(Wire):
    """One recibo as the corte lists it."""

    folio: Folio
    expediente_uuid: Uuid
    method: str = Field(min_length=1, max_length=32)
    amount: Money
    cancelled: bool = False
    cancel_reason: Reason | None = None


class CortePayload(Wire):
    """caja.corte: a caja closed by its corte — fondo, the recibos cashed in it, what was expected
    in cash (fondo + efectivo of the recibos not cancelled), what was counted by denomination, the
    difference, who counted and the supervisor who signed. Sent once; never edited."""

    uuid: Uuid  # the caja
    oficina: str = Field(min_length=1, max_length=16)
    ventanilla: str = Field(min_length=1, max_length=16)
    opened_by: Username
    opened_at: datetime
    closed_at: datetime
    fondo: Money
    expected: Money
    counted: Money
    difference: SignedMoney
    denominations: dict[str, Annotated[int, Field(ge=0, le=1_000_000)]]
    recibos: list[CorteRecibo] = Field(max_length=10_000)
    counted_by: Username
    signed_by: Username


ReviewDecision = Literal["validado", "devuelto"]


class ReviewPayload(Wire):
    """expediente.review: a supervisor validates an expediente or returns it with a note."""

    uuid: Uuid
    decision: ReviewDecision
    note: Reason = ""  # required (non-blank) for devuelto
    reviewed_by: Username
    reviewed_at: datetime


class StatusChange(Wire):
    """expediente.status (pulled): the platform's status, note and official folio, and who moved
    it and when (None from older platforms; `changed_by` None = the platform's back office)."""

    status: str = Field(min_length=1, max_length=24)
    note: str | None = Field(default=None, max_length=2000)
    official_folio: str | None = Field(default=None, max_length=64)
    changed_by: Username | None = None
    changed_at: datetime | None = None


class UserChange(Wire):
    """user.changed (pulled): a platform user as they stand after an admin's change, sent to every
    office where they could open a window before or after it. Never a password hash: a
    `password_reset` (reset by an admin, or changed by the user) only voids the cached ones.

    The window applies it to the user only if it already caches them (ARCHITECTURE §7, §11)."""

    username: Username
    full_name: str = Field(max_length=200)
    role: str = Field(min_length=1, max_length=24)  # a console role never opens a window
    office: str | None = Field(default=None, max_length=32)  # None: every office (an admin)
    active: bool
    password_reset: bool = False
    changed_at: datetime  # the platform's clock, for the audit entry only


def user_entity(username: str) -> str:
    """The entity id of a user's changes: a UUID (the change log's id column) fixed by the name,
    so a window keeps one user's changes in their order when one is set aside."""
    return str(uuid5(NAMESPACE_URL, f"ventanilla:user:{username}"))


MUTATION_PAYLOADS: dict[str, type[Wire]] = {
    "expediente.create": ExpedientePayload,
    "expediente.void": VoidPayload,
    "expediente.amend": AmendPayload,
    "expediente.payment": PaymentPayload,
    "expediente.review": ReviewPayload,
    "recibo.cancel": ReciboCancelPayload,
    "caja.corte": CortePayload,
}
CHANGE_PAYLOADS: dict[str, type[Wire]] = {
    "expediente.status": StatusChange,
    "expediente.record": ExpedientePayload,
    "expediente.payment": PaymentPayload,
    "user.changed": UserChange,
    "recibo.cancel": ReciboCancelPayload,
}
