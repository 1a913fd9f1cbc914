"""One `ImpactReport`, three readings (ARCHITECTURE §8): the Spanish text the CLI prints and the
window shows, the JSON `config-diff --json` prints and the history stores, and its one-line summary.
`report_from_json` reads the stored form back for the history."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from catalogo.impact import (
    Change,
    DraftRef,
    FeeSample,
    ImpactReport,
    ItemChange,
    TramiteImpact,
    TramiteRef,
    ValueChange,
)
from formatting import format_money, format_plazo


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_line(report: ImpactReport, *, applied: bool = False) -> str:
    """"Configuración versión 3: 1 trámite nuevo, 2 cambiados"; with `applied`, the notice a
    window shows once it is in force: "Configuración versión 3 aplicada: …"."""
    parts = []
    if report.added:
        parts.append(_count(len(report.added), "trámite nuevo", "trámites nuevos"))
    if report.definitions_changed:
        parts.append(_count(len(report.definitions_changed), "cambiado", "cambiados"))
    if report.removed:
        parts.append(_count(len(report.removed), "retirado", "retirados"))
    if report.amounts_only:
        parts.append(_count(len(report.amounts_only), "con importes distintos",
                            "con importes distintos"))
    if report.municipio:
        parts.append("datos del municipio: " + ", ".join(v.name for v in report.municipio))
    if report.drafts_left_behind:
        parts.append(_count(len(report.drafts_left_behind), "borrador en versión anterior",
                            "borradores en versión anterior"))
    done = " aplicada" if applied else ""
    return (f"Configuración versión {report.version_after}{done}: "
            + (", ".join(parts) or "sin cambios"))


def _money(amount: Decimal | None) -> str:
    return "no calculable" if amount is None else format_money(amount)


def _item_line(item: ItemChange) -> str:
    name = f"{item.etiqueta} ({item.clave})" if item.etiqueta != item.clave else item.clave
    if item.change == Change.ADDED:
        return f"+ {name}: {item.after}"
    if item.change == Change.REMOVED:
        return f"− {name}: {item.before}"
    return f"~ {name}: {item.change.value} — {item.before} → {item.after}"


def _sample_line(sample: FeeSample) -> str:
    values = ", ".join(f"{k} = {v}" for k, v in sample.answers.items())
    mark = "" if sample.before != sample.after else " (sin cambio)"
    return (f"{sample.label}{f' ({values})' if values else ''}: {_money(sample.before)} → "
            f"{_money(sample.after)}{mark}")


def _tramite_lines(t: TramiteImpact) -> list[str]:
    version = (f"v{t.version_before} → v{t.version_after}" if t.version_before != t.version_after
               else f"v{t.version_after}")
    lines = [f"{t.homoclave} {t.nombre} ({version})"]
    lines += [f"  {v.name}: {v.before} → {v.after}" for v in t.values]
    if t.plazo:
        lines.append(f"  Plazo: {format_plazo(t.plazo[0])} → {format_plazo(t.plazo[1])}")
    for title, items in (("Campos", t.campos), ("Requisitos", t.requisitos),
                         ("Cobros", t.cobros)):
        if items:
            lines.append(f"  {title}:")
            lines += [f"    {_item_line(i)}" for i in items]
    if t.samples:
        lines.append("  Importes de ejemplo (antes → después):")
        lines += [f"    {_sample_line(s)}" for s in t.samples]
    return lines


def _refs(title: str, refs: list[TramiteRef]) -> list[str]:
    if not refs:
        return []
    return [title] + [f"  {r.homoclave} {r.nombre} (v{r.version})" for r in refs]


def report_text(report: ImpactReport) -> str:
    """The whole report in Spanish, one fact per line."""
    before = f"versión {report.version_before}" if report.version_before else "ninguna"
    lines = [summary_line(report), f"En vigor: {before}; nueva: versión {report.version_after}."]
    if report.empty:
        lines.append("Los trámites, campos, requisitos y cobros no cambian.")
    lines += _refs("Trámites nuevos:", report.added)
    lines += _refs("Trámites retirados del catálogo:", report.removed)
    for title, tramites in (("Trámites que cambian:", report.definitions_changed),
                            ("Trámites con importes distintos (la definición no cambia):",
                             report.amounts_only)):
        if tramites:
            lines.append(title)
            for tramite in tramites:
                lines += [f"  {line}" for line in _tramite_lines(tramite)]
    if report.municipio:
        lines.append("Datos del municipio:")
        lines += [f"  {v.name}: {v.before} → {v.after}" for v in report.municipio]
    if report.drafts_left_behind:
        lines.append(f"Borradores que quedan en una versión anterior "
                     f"({len(report.drafts_left_behind)}):")
        lines += [f"  {d.uuid} {d.homoclave} v{d.version}{f' — {d.hint}' if d.hint else ''}"
                  for d in report.drafts_left_behind]
    return "\n".join(lines)


# -- JSON -------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_json(report: ImpactReport) -> dict[str, Any]:
    """JSON-ready dict: decimals as strings, change kinds by their Spanish value."""
    data: dict[str, Any] = _plain(asdict(report))
    data["summary"] = summary_line(report)
    return data


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _tramite_from(data: dict[str, Any]) -> TramiteImpact:
    def items(key: str) -> list[ItemChange]:
        return [ItemChange(i["clave"], i["etiqueta"], Change(i["change"]), i["before"],
                           i["after"]) for i in data[key]]

    plazo = data["plazo"]
    return TramiteImpact(
        homoclave=data["homoclave"], nombre=data["nombre"],
        version_before=data["version_before"], version_after=data["version_after"],
        definition_changed=data["definition_changed"],
        values=[ValueChange(**v) for v in data["values"]],
        plazo=(plazo[0], plazo[1]) if plazo else None,
        campos=items("campos"), requisitos=items("requisitos"), cobros=items("cobros"),
        samples=[FeeSample(s["label"], {k: Decimal(v) for k, v in s["answers"].items()},
                           _decimal(s["before"]), _decimal(s["after"]))
                 for s in data["samples"]],
    )


def report_from_json(data: dict[str, Any]) -> ImpactReport:
    """The stored form back into a report (the history's "Ver impacto")."""
    return ImpactReport(
        version_before=data["version_before"], version_after=data["version_after"],
        added=[TramiteRef(**r) for r in data["added"]],
        removed=[TramiteRef(**r) for r in data["removed"]],
        changed=[_tramite_from(t) for t in data["changed"]],
        municipio=[ValueChange(**v) for v in data["municipio"]],
        drafts_left_behind=[DraftRef(**d) for d in data["drafts_left_behind"]],
    )
