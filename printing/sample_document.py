"""A complete, fictitious DocumentData: the printer test page and the documentation samples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from printing.document_data import DocumentData, FeeLine, RequisitoLine

SAMPLE_AVISO = (
    "Los datos personales recabados se utilizarán únicamente para dar trámite a su solicitud y "
    "están protegidos conforme a la Ley General de Protección de Datos Personales en Posesión "
    "de Sujetos Obligados. Consulte el aviso integral en la oficina o en el portal municipal."
)


def sample_document_data(**overrides: Any) -> DocumentData:
    """A demo expediente with accents, several requisitos and cobros; fields can be overridden."""
    cobros = [
        FeeLine("Derechos por licencia de construcción (hasta 60 m²)", "4.3.1.1",
                Decimal("850.00")),
        FeeLine("Revisión de planos arquitectónicos", "4.3.1.2", Decimal("312.50")),
        FeeLine("Constancia de alineamiento y número oficial", "4.3.9.4", Decimal("72.00")),
    ]
    data = DocumentData(
        municipio="Hermosillo",
        estado="Sonora",
        dependencia="Dirección General de Desarrollo Urbano y Ecología",
        oficina="OFI",
        oficina_nombre="Oficina Centro de Gobierno",
        ventanilla="V03",
        folio="OFI-V03-2026-000123",
        captured_at=datetime(2026, 11, 23, 10, 42),
        tramite_nombre="Licencia de construcción para vivienda unifamiliar",
        homoclave="HMO-DDUE-001",
        solicitante_nombre="José Peña Núñez",
        solicitante_curp="PENJ800101HSRXXX09",
        solicitante_rfc="PENJ800101AB1",
        requisitos=[
            RequisitoLine("Identificación oficial vigente con fotografía", True),
            RequisitoLine("Comprobante de domicilio no mayor a tres meses", True),
            RequisitoLine("Planos arquitectónicos firmados por perito responsable", True,
                          "Se recibieron 2 juegos impresos"),
            RequisitoLine("Pago del impuesto predial al corriente", False,
                          "Entregar en un plazo de 5 días hábiles"),
        ],
        plazo_dias=15,
        fecha_compromiso=date(2026, 12, 14),  # 15 días hábiles after 23 Nov 2026
        funcionario="María Fernanda Gutiérrez Ibáñez",
        aviso_privacidad=SAMPLE_AVISO,
        cobros=cobros,
        total=sum((c.importe for c in cobros), Decimal("0")),
        qr_url="https://verifica.ventanilla.invalid/v/demo/OFI-V03-2026-000123?t=1234.50",
        referencia="OFIV03202600012356",  # ISO 7064 MOD 97-10 of the folio's body
        fecha_limite_pago=date(2026, 11, 30),  # 5 días hábiles after 23 Nov 2026
        demo=True,
    )
    return replace(data, **overrides)
