"""Plain data a document needs; built by desktop/ from an expediente, rendered by printing/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class FeeLine:
    concepto: str
    cri: str
    importe: Decimal


@dataclass(frozen=True)
class RequisitoLine:
    descripcion: str
    recibido: bool
    nota: str = ""


@dataclass(frozen=True)
class DocumentData:
    municipio: str
    estado: str
    dependencia: str
    oficina: str
    oficina_nombre: str
    ventanilla: str
    folio: str
    captured_at: datetime
    tramite_nombre: str
    homoclave: str
    solicitante_nombre: str
    solicitante_curp: str | None
    solicitante_rfc: str | None
    requisitos: list[RequisitoLine]
    plazo_dias: int
    funcionario: str
    aviso_privacidad: str
    cobros: list[FeeLine]
    total: Decimal
    qr_url: str
    payment_method: str | None = None  # set once paid: the recibo becomes a recibo de pago
    payment_reference: str | None = None
    paid_at: datetime | None = None
    reprint_number: int = 0  # 0 = original; n > 0 prints "REIMPRESIÓN n"
    demo: bool = False
    extra: dict[str, str] = field(default_factory=dict)
