"""The impact of replacing the bundle in force with another (ARCHITECTURE §8): what an admin reads
before a configuration applies, and what the history keeps after.

Pure functions over two parsed bundles and the borradores in the store (no session, no Qt): the
import preview, `main.py config-diff`, the notice of a bundle the platform pushed and the history
all render this one `ImpactReport` (text and JSON in `desktop.bundles.impact_text`, the window's
view in `ui/impact_view.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from catalogo.errors import VentanillaError
from catalogo.fees import compute_cobros, total
from catalogo.schema import (
    Bundle,
    Campo,
    Cobro,
    ReglaFormula,
    ReglaTramos,
    Requisito,
    TramiteDef,
)
from catalogo.wording import describe_cobro
from formatting import format_date, format_money


class Change(StrEnum):
    """What happened to one campo, requisito or cobro; the value is the Spanish word shown."""

    ADDED = "agregado"
    REMOVED = "eliminado"
    REQUIRED = "ahora obligatorio"
    OPTIONAL = "ahora opcional"
    TYPE = "tipo cambiado"
    OPTIONS = "opciones cambiadas"
    LIMITS = "límites cambiados"
    CHANGED = "cambiado"


@dataclass(frozen=True)
class ItemChange:
    """One change to a campo, requisito or cobro, named by its clave (concepto for cobros)."""

    clave: str
    etiqueta: str
    change: Change
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class ValueChange:
    """A plain value that changed: a trámite's nombre or plazo, the municipality's UMA…"""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class FeeSample:
    """The total a set of answers pays before and after; None when a rule cannot compute it."""

    label: str
    answers: dict[str, Decimal]
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class TramiteRef:
    homoclave: str
    nombre: str
    version: int


@dataclass(frozen=True)
class TramiteImpact:
    homoclave: str
    nombre: str
    version_before: int
    version_after: int
    definition_changed: bool  # False: only the amounts move (e.g. the UMA changed)
    values: list[ValueChange] = field(default_factory=list)
    plazo: tuple[int, int] | None = None
    campos: list[ItemChange] = field(default_factory=list)
    requisitos: list[ItemChange] = field(default_factory=list)
    cobros: list[ItemChange] = field(default_factory=list)
    samples: list[FeeSample] = field(default_factory=list)


@dataclass(frozen=True)
class DraftRef:
    """A borrador as the report needs it: which trámite version it is pinned to."""

    uuid: str
    homoclave: str
    version: int
    hint: str = ""  # the applicant's name, when the draft has one


@dataclass(frozen=True)
class ImpactReport:
    version_before: int  # 0: no configuration in force
    version_after: int
    added: list[TramiteRef]
    removed: list[TramiteRef]
    changed: list[TramiteImpact]
    municipio: list[ValueChange]
    drafts_left_behind: list[DraftRef]

    @property
    def definitions_changed(self) -> list[TramiteImpact]:
        return [t for t in self.changed if t.definition_changed]

    @property
    def amounts_only(self) -> list[TramiteImpact]:
        return [t for t in self.changed if not t.definition_changed]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.municipio)


def impact_report(before: Bundle | None, after: Bundle,
                  drafts: Sequence[DraftRef] = ()) -> ImpactReport:
    """What applying `after` over `before` (None: nothing in force) changes."""
    old = {t.homoclave: t for t in before.tramites} if before else {}
    new = {t.homoclave: t for t in after.tramites}
    old_uma = before.uma_diaria if before else after.uma_diaria
    changed = [_tramite_impact(old[h], new[h], old_uma, after.uma_diaria)
               for h in sorted(old.keys() & new.keys())]
    return ImpactReport(
        version_before=before.version if before else 0, version_after=after.version,
        added=[_ref(new[h]) for h in sorted(new.keys() - old.keys())],
        removed=[_ref(old[h]) for h in sorted(old.keys() - new.keys())],
        changed=[c for c in changed if c is not None],
        municipio=municipio_changes(before, after) if before else [],
        drafts_left_behind=[d for d in drafts if _left_behind(d, new)],
    )


def _ref(tramite: TramiteDef) -> TramiteRef:
    return TramiteRef(tramite.homoclave, tramite.nombre, tramite.version)


def _left_behind(draft: DraftRef, new: dict[str, TramiteDef]) -> bool:
    tramite = new.get(draft.homoclave)
    return tramite is None or tramite.version != draft.version


def _tramite_impact(old: TramiteDef, new: TramiteDef, old_uma: Decimal,
                    new_uma: Decimal) -> TramiteImpact | None:
    samples = fee_samples(old, new, old_uma, new_uma)
    moved = [s for s in samples if s.before != s.after]
    if old == new and not moved:
        return None
    cobros = _cobro_changes(old, new, old_uma, new_uma) if old != new else []
    return TramiteImpact(
        homoclave=new.homoclave, nombre=new.nombre, version_before=old.version,
        version_after=new.version, definition_changed=old != new,
        values=_tramite_values(old, new),
        plazo=(old.plazo_dias, new.plazo_dias) if old.plazo_dias != new.plazo_dias else None,
        campos=campo_changes(old.campos, new.campos),
        requisitos=requisito_changes(old.requisitos, new.requisitos),
        cobros=cobros, samples=samples if (cobros or moved) else [],
    )


def _tramite_values(old: TramiteDef, new: TramiteDef) -> list[ValueChange]:
    pairs = [("Nombre", old.nombre, new.nombre), ("Dependencia", old.dependencia, new.dependencia),
             ("Nivel de digitalización", str(old.nivel_digitalizacion),
              str(new.nivel_digitalizacion)),
             ("Descripción", old.descripcion, new.descripcion)]
    return [ValueChange(name, a, b) for name, a, b in pairs if a != b]


# -- campos, requisitos, cobros ---------------------------------------------------------------

def _required_word(campo: Campo) -> str:
    return "obligatorio" if campo.requerido else "opcional"


def _options(campo: Campo) -> str:
    return ", ".join(o.valor for o in campo.opciones)


def _limits(campo: Campo) -> str:
    parts = [f"mínimo {campo.minimo}" if campo.minimo is not None else "",
             f"máximo {campo.maximo}" if campo.maximo is not None else "",
             f"hasta {campo.max_longitud} caracteres" if campo.max_longitud is not None else ""]
    return ", ".join(p for p in parts if p) or "sin límites"


def campo_changes(old: list[Campo], new: list[Campo]) -> list[ItemChange]:
    before, after = {c.clave: c for c in old}, {c.clave: c for c in new}
    changes = [ItemChange(c.clave, c.etiqueta, Change.ADDED, "",
                          f"{c.tipo}, {_required_word(c)}")
               for c in new if c.clave not in before]
    changes += [ItemChange(c.clave, c.etiqueta, Change.REMOVED, f"{c.tipo}, {_required_word(c)}")
                for c in old if c.clave not in after]
    for campo in new:
        if campo.clave in before:
            changes += _campo_diff(before[campo.clave], campo)
    return changes


def _campo_diff(old: Campo, new: Campo) -> list[ItemChange]:
    def item(change: Change, a: str, b: str) -> ItemChange:
        return ItemChange(new.clave, new.etiqueta, change, a, b)

    changes = []
    if old.requerido != new.requerido:
        changes.append(item(Change.REQUIRED if new.requerido else Change.OPTIONAL,
                            _required_word(old), _required_word(new)))
    if old.tipo != new.tipo:
        changes.append(item(Change.TYPE, old.tipo, new.tipo))
    if old.opciones != new.opciones:
        changes.append(item(Change.OPTIONS, _options(old), _options(new)))
    if _limits(old) != _limits(new):
        changes.append(item(Change.LIMITS, _limits(old), _limits(new)))
    rest = ("etiqueta", "ayuda", "dato_solicitante")
    if any(getattr(old, name) != getattr(new, name) for name in rest):
        changes.append(item(Change.CHANGED, old.etiqueta, new.etiqueta))
    return changes


def _requisito_text(requisito: Requisito) -> str:
    kind = "obligatorio" if requisito.obligatorio else "opcional"
    return f"{requisito.descripcion} ({kind})"


def requisito_changes(old: list[Requisito], new: list[Requisito]) -> list[ItemChange]:
    before, after = {r.clave: r for r in old}, {r.clave: r for r in new}
    changes = [ItemChange(r.clave, r.descripcion, Change.ADDED, "", _requisito_text(r))
               for r in new if r.clave not in before]
    changes += [ItemChange(r.clave, r.descripcion, Change.REMOVED, _requisito_text(r))
                for r in old if r.clave not in after]
    changes += [ItemChange(r.clave, r.descripcion, Change.CHANGED,
                           _requisito_text(before[r.clave]), _requisito_text(r))
                for r in new if r.clave in before and before[r.clave] != r]
    return changes


def _cobro_changes(old: TramiteDef, new: TramiteDef, old_uma: Decimal,
                   new_uma: Decimal) -> list[ItemChange]:
    before, after = {c.concepto: c for c in old.cobros}, {c.concepto: c for c in new.cobros}
    changes = [ItemChange(c.concepto, c.concepto, Change.ADDED, "",
                          describe_cobro(c, new, new_uma))
               for c in new.cobros if c.concepto not in before]
    changes += [ItemChange(c.concepto, c.concepto, Change.REMOVED,
                           describe_cobro(c, old, old_uma))
                for c in old.cobros if c.concepto not in after]
    changes += [ItemChange(c.concepto, c.concepto, Change.CHANGED,
                           _rule_text(before[c.concepto], old, old_uma),
                           _rule_text(c, new, new_uma))
                for c in new.cobros if c.concepto in before and before[c.concepto] != c]
    return changes


def _rule_text(cobro: Cobro, tramite: TramiteDef, uma: Decimal) -> str:
    regla = cobro.regla
    if isinstance(regla, ReglaFormula):
        return f"fórmula {regla.expresion}"
    if isinstance(regla, ReglaTramos):
        tramos = "; ".join(f"hasta {t.hasta if t.hasta is not None else 'sin límite'}: {t.monto}"
                           for t in regla.tramos)
        return f"tramos por {regla.campo} ({tramos})"
    return f"{describe_cobro(cobro, tramite, uma)} (CRI {cobro.cri})"


# -- sample amounts ---------------------------------------------------------------------------

SAMPLE_LABELS = ("Valores mínimos", "Valores típicos", "Valores altos")


def _numeric_campos(old: TramiteDef, new: TramiteDef) -> dict[str, Campo]:
    """Every numeric campo of either version, the new version's limits winning."""
    found = {c.clave: c for c in old.campos if c.tipo == "numero"}
    found.update({c.clave: c for c in new.campos if c.tipo == "numero"})
    return found


def _clamp(value: Decimal, campo: Campo) -> Decimal:
    if campo.maximo is not None:
        value = min(value, campo.maximo)
    if campo.minimo is not None:
        value = max(value, campo.minimo)
    return value


def sample_values(campo: Campo, limits: Sequence[Decimal] = ()) -> tuple[Decimal, Decimal,
                                                                        Decimal]:
    """(mínimo, típico, alto) for one numeric campo, each within the campo's limits. A campo
    that a tarifa por tramos reads takes the tramos' own limits (first, middle, past the last),
    so the samples land in different tramos; any other takes its minimum (at least 1), ten
    times that and a hundred times that."""
    if limits:
        points = (limits[0], limits[len(limits) // 2], limits[-1] + 1)
        low, typical, high = (_clamp(p, campo) for p in points)
        return low, typical, high
    low = _clamp(max(campo.minimo or Decimal(1), Decimal(1)), campo)
    return low, _clamp(low * 10, campo), _clamp(low * 100, campo)


def _tramo_limits(tramites: Sequence[TramiteDef], clave: str) -> list[Decimal]:
    return sorted({t.hasta for tramite in tramites for cobro in tramite.cobros
                   if isinstance(cobro.regla, ReglaTramos) and cobro.regla.campo == clave
                   for t in cobro.regla.tramos if t.hasta is not None})


def sample_answers(old: TramiteDef, new: TramiteDef) -> list[dict[str, Decimal]]:
    campos = _numeric_campos(old, new)
    values = {clave: sample_values(campo, _tramo_limits((old, new), clave))
              for clave, campo in sorted(campos.items())}
    return [{clave: triple[i] for clave, triple in values.items()} for i in range(3)]


def _sample_total(tramite: TramiteDef, answers: dict[str, Decimal], uma: Decimal
                  ) -> Decimal | None:
    try:
        return total(compute_cobros(tramite, answers, uma))
    except VentanillaError:  # e.g. a value past the last tramo
        return None


def fee_samples(old: TramiteDef, new: TramiteDef, old_uma: Decimal,
                new_uma: Decimal) -> list[FeeSample]:
    """Totals old → new for a few realistic answers; none for a trámite without cobros."""
    if not old.cobros and not new.cobros:
        return []
    answers = sample_answers(old, new)
    if not _numeric_campos(old, new):
        answers = answers[:1]
    return [FeeSample(label, values, _sample_total(old, values, old_uma),
                      _sample_total(new, values, new_uma))
            for label, values in zip(SAMPLE_LABELS, answers, strict=False)]


# -- the municipality -------------------------------------------------------------------------

def municipio_changes(before: Bundle, after: Bundle) -> list[ValueChange]:
    def dates(bundle: Bundle) -> str:
        return ", ".join(format_date(d) for d in bundle.dias_inhabiles) or "ninguno"

    def dependencias(bundle: Bundle) -> str:
        return ", ".join(f"{d.clave} ({d.nombre})" for d in bundle.dependencias)

    pairs = [
        ("UMA diaria", format_money(before.uma_diaria), format_money(after.uma_diaria)),
        ("Días inhábiles", dates(before), dates(after)),
        ("Municipio", f"{before.municipio.nombre}, {before.municipio.estado}",
         f"{after.municipio.nombre}, {after.municipio.estado}"),
        ("Formato de clave catastral", before.clave_catastral_patron,
         after.clave_catastral_patron),
        ("Tamaño máximo de anexo", f"{before.max_anexo_mb} MB", f"{after.max_anexo_mb} MB"),
        ("Aviso de privacidad", before.aviso_privacidad, after.aviso_privacidad),
        ("Versión mínima de la aplicación", before.min_app_version, after.min_app_version),
        ("Dependencias", dependencias(before), dependencias(after)),
    ]
    return [ValueChange(name, _abbrev(a), _abbrev(b)) for name, a, b in pairs if a != b]


def _abbrev(text: str, width: int = 200) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
