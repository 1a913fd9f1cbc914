"""The data of every mutation the windows send and every change the platform returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from wire.base import Wire


class CobroLinePayload(Wire):
    concepto: str
    cri: str
    importe: str  # Decimal as string, 2 places


class AttachmentRef(Wire):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str
    mime: str
    size: int


class ExpedientePayload(Wire):
    uuid: str
    folio: str
    tramite_homoclave: str
    tramite_version: int
    answers: dict[str, Any]
    requisitos: list[dict[str, Any]]
    cobros: list[CobroLinePayload]
    total: str
    nombre: str
    curp: str | None = None
    rfc: str | None = None
    created_by: str
    captured_at: datetime
    origin_machine: str
    oficina: str
    ventanilla: str
    attachments: list[AttachmentRef] = Field(default_factory=list)
    content_sha256: str


class PaymentPayload(Wire):
    """A payment received at the window: the expediente's whole total, by `method`."""

    uuid: str
    folio: str = Field(max_length=64)
    method: str = Field(min_length=1, max_length=32)  # efectivo, tarjeta, transferencia, cheque
    reference: str | None = Field(default=None, max_length=64)
    amount: str = Field(max_length=24)  # Decimal as string, 2 places; equals the total
    paid_by: str = Field(max_length=64)
    paid_at: datetime  # the window's local clock, for display only


class StatusChange(Wire):
    """Data of an expediente.status change: the platform's status, note and official folio."""

    status: str = Field(min_length=1, max_length=24)
    note: str | None = None
    official_folio: str | None = Field(default=None, max_length=64)
