"""Lines of a paper archive for import-archivo tests and the benchmark: HMO-SPM-001 (demo
catálogo), one valid expediente per line, paper folios ARCH-000001… dated in 2019."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from stdnum.mx import curp as stdnum_curp

TRAMITE = "HMO-SPM-001"
HEADER = ["folio_original", "fecha_original", "nombre", "curp", "telefono", "domicilio", "cp",
          "metros_cubicos", "tipo_residuo", "requisito.identificacion"]


def curp_for(n: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=n % 15000)
    body = f"LORM{born:%y%m%d}MSRPZR0"
    return body + stdnum_curp.calc_check_digit(body + "0")


def paper_folio(n: int) -> str:
    return f"ARCH-{n:06d}"


def paper_date(n: int) -> date:
    return date(2019, 1, 1) + timedelta(days=n % 365)


def record(n: int) -> dict[str, Any]:
    """Line n as a JSON Lines object."""
    return {
        "folio_original": paper_folio(n), "fecha_original": f"{paper_date(n):%d/%m/%Y}",
        "answers": {"nombre": f"Persona de Archivo {n}", "curp": curp_for(n),
                    "telefono": "6621000000", "domicilio": f"Calle {n}, Col. Centro",
                    "cp": "83000", "metros_cubicos": str(1 + n % 20), "tipo_residuo": "muebles"},
        "requisitos": [{"clave": "identificacion", "recibido": True}],
    }


def csv_row(n: int) -> list[str]:
    answers = record(n)["answers"]
    return [paper_folio(n), f"{paper_date(n):%d/%m/%Y}", answers["nombre"], answers["curp"],
            answers["telefono"], answers["domicilio"], answers["cp"], answers["metros_cubicos"],
            answers["tipo_residuo"], "sí"]


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def jsonl_text(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
