"""How a back-captured expediente names the paper it came from, on screen, paper and CLI."""

from __future__ import annotations

from datetime import date

from formatting.dates import format_date


def format_archivo_origen(folio: str, fecha: date) -> str:
    """`("SPM-2019-0001", date(2019, 3, 4))` →
    `Captura de archivo — folio original SPM-2019-0001 del 04/03/2019`."""
    return f"Captura de archivo — folio original {folio} del {format_date(fecha)}"
