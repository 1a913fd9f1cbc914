"""CLI `tramites [HOMOCLAVE] [--plantilla]`: the catálogo in force, one trámite's campos,
requisitos and cobros, and an answers file to fill for `capture --answers`
(the format desktop/capture/answers_file.py reads)."""

from __future__ import annotations

import json
from argparse import Namespace
from typing import Any

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.bundles.schema import Campo, TramiteDef
from desktop.bundles.wording import describe_cobro
from desktop.context import AppContext
from formatting import format_plazo

TIPO_HINTS = {"fecha": "dd/mm/aaaa o aaaa-mm-dd", "booleano": "true o false",
              "archivo": "en \"attachments\" con su ruta"}


def cmd_tramites(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        if not args.homoclave:
            for s in search_tramites(session, ""):
                print(f"{s.homoclave}\t{s.nombre}\t{s.dependencia_nombre}")
            return 0
        tramite = get_tramite(session, args.homoclave.upper(), None)
        uma = current_bundle(session).uma_diaria
        dependencia = next((s.dependencia_nombre for s in search_tramites(session, "")
                            if s.homoclave == tramite.homoclave), tramite.dependencia)
    if args.plantilla:
        print(json.dumps(answers_template(tramite), ensure_ascii=False, indent=2))
        return 0
    for line in describe_tramite(tramite, dependencia, uma):
        print(line)
    return 0


def describe_tramite(tramite: TramiteDef, dependencia: str, uma: Any) -> list[str]:
    lines = [f"{tramite.homoclave} (versión {tramite.version}) — {tramite.nombre}",
             f"Dependencia: {dependencia} · Plazo de resolución: "
             f"{format_plazo(tramite.plazo_dias)}", "", "Campos (clave, tipo, requerido):"]
    lines += [f"  {_campo_line(c)}" for c in tramite.campos]
    lines += ["", "Requisitos (clave: descripción):"]
    lines += [f"  {r.clave}: {r.descripcion}{'' if r.obligatorio else ' (opcional)'}"
              for r in tramite.requisitos] or ["  (ninguno)"]
    lines += ["", "Cobros:"]
    lines += [f"  {c.concepto} (CRI {c.cri}): {describe_cobro(c, tramite, uma)}"
              for c in tramite.cobros] or ["  (sin costo)"]
    lines += ["", f"Plantilla del archivo de respuestas: "
              f"python main.py tramites {tramite.homoclave} --plantilla > respuestas.json"]
    return lines


def _campo_line(campo: Campo) -> str:
    notes = []
    if campo.opciones:
        notes.append("opciones: " + ", ".join(o.valor for o in campo.opciones))
    if campo.minimo is not None or campo.maximo is not None:
        low = "…" if campo.minimo is None else campo.minimo
        high = "…" if campo.maximo is None else campo.maximo
        notes.append(f"de {low} a {high}")
    if campo.tipo in TIPO_HINTS:
        notes.append(TIPO_HINTS[campo.tipo])
    required = "requerido" if campo.requerido else "opcional"
    extra = f"  [{'; '.join(notes)}]" if notes else ""
    return f"{campo.clave:24} {campo.tipo:16} {required:10} {campo.etiqueta}{extra}"


def answers_template(tramite: TramiteDef) -> dict[str, Any]:
    """Every campo empty (booleanos false), every requisito not yet received (mark each one),
    one attachment per required archivo campo with a path to replace."""
    answers: dict[str, Any] = {c.clave: False if c.tipo == "booleano" else ""
                               for c in tramite.campos if c.tipo != "archivo"}
    return {
        "answers": answers,
        "requisitos": [{"clave": r.clave, "recibido": False, "nota": ""}
                       for r in tramite.requisitos],
        "attachments": [{"path": f"{c.clave}.pdf", "campo": c.clave}
                        for c in tramite.campos if c.tipo == "archivo" and c.requerido],
    }
