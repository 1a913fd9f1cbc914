"""Valid answers for any trámite of a bundle, so tests follow the demo catálogo as it grows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stdnum.mx import curp as curp_mod
from stdnum.mx import rfc as rfc_mod

from desktop.bundles.schema import Campo, TramiteDef

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def make_curp(base: str = "PENJ800101HSRXXS0") -> str:
    return base + curp_mod.calc_check_digit(base)


def make_rfc(base: str = "PENJ800101AB") -> str:
    return base + rfc_mod.calc_check_digit(base)


def clave_for(pattern: str) -> str:
    """A clave catastral matching simple digit/dash patterns such as ^\\d{2}-\\d{3}-\\d{3}$."""
    body = pattern.strip("^$")
    out = re.sub(r"\\d\{(\d+)\}", lambda m: "1" * int(m.group(1)), body)
    out = out.replace("\\d", "1").replace("\\-", "-")
    return out


def value_for(campo: Campo, *, patron: str, nombre: str, curp: str) -> Any:
    t = campo.tipo
    if campo.dato_solicitante == "nombre" or (t == "texto" and "nombre" in campo.clave):
        return nombre
    simple: dict[str, Any] = {
        "curp": curp, "rfc": make_rfc(), "cp": "83000", "telefono": "+52 662 123 4567",
        "email": "jose.pena@example.mx", "fecha": "2026-12-01", "booleano": True,
        "clave_catastral": clave_for(patron),
    }
    if t in simple:
        return simple[t]
    if t == "numero":
        low = campo.minimo if campo.minimo is not None else 1
        return str(max(low, 1) if campo.maximo is None or campo.maximo >= 1 else low)
    if t == "seleccion":
        return campo.opciones[0].valor
    if t == "texto":
        return "Calle Rosales 123, Col. Centro"[: campo.max_longitud or 100]
    return None  # archivo: answered by an attachment


def valid_answers(tramite: TramiteDef, patron: str, nombre: str = "José Peña Núñez",
                  curp: str | None = None) -> dict[str, Any]:
    curp = curp or make_curp()
    answers = {c.clave: value_for(c, patron=patron, nombre=nombre, curp=curp)
               for c in tramite.campos}
    return {k: v for k, v in answers.items() if v is not None}


def archivo_campos(tramite: TramiteDef) -> list[str]:
    return [c.clave for c in tramite.campos if c.tipo == "archivo"]


def write_png(path: Path) -> Path:
    path.write_bytes(PNG_1PX)
    return path


def answers_file(tramite: TramiteDef, answers: dict[str, Any]) -> dict[str, Any]:
    """The `capture --answers` file for these answers, every requisito received."""
    return {"answers": answers,
            "requisitos": [{"clave": r.clave, "recibido": True} for r in tramite.requisitos]}
