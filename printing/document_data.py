"""Plain data a document needs; built by desktop/ from an expediente, rendered by printing/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
    recibo_folio: str | None = None  # the recibo oficial (R-OFICINA-VENTANILLA-AÑO-NNNNNN)
    reprint_number: int = 0  # 0 = original; n > 0 prints "REIMPRESIÓN n"
    electronic_copy: bool = False  # a PDF saved to a file: "COPIA ELECTRÓNICA", never a copy
    demo: bool = False
    fecha_compromiso: date | None = None  # when the plazo falls due (días hábiles), on the acuse
    # The orden de pago's línea de captura (desktop/records/referencia.py) and its deadline.
    referencia: str | None = None
    fecha_limite_pago: date | None = None
    # A cancelled folio: the reason, and the state's word as the screen shows it ("Cancelado",
    # from desktop.states); paper prints the word upper-cased. Both or neither.
    cancelled_reason: str | None = None
    cancelled_label: str = ""
    # Back-captured from a paper archive (import-archivo): the paper's folio and date.
    archivo_folio: str | None = None
    archivo_fecha: date | None = None

    def __post_init__(self) -> None:
        if self.cancelled_reason is not None and not self.cancelled_label.strip():
            raise ValueError("a cancelled document needs the label of the cancelled state")
