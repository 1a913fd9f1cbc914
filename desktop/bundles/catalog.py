"""The catálogo de trámites in force: search for the counter and the definition to capture."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.bundles.schema import TramiteDef
from desktop.capture.validators.check import fold
from desktop.errors import NotFound
from localdb.models import Dependencia, Tramite


@dataclass(frozen=True)
class TramiteSummary:
    homoclave: str
    version: int
    nombre: str
    dependencia_clave: str
    dependencia_nombre: str
    nivel: int
    plazo_dias: int


def _matches(summary: TramiteSummary, words: list[str]) -> bool:
    haystack = fold(f"{summary.nombre} {summary.homoclave} {summary.dependencia_nombre}")
    return all(word in haystack for word in words)


def search_tramites(session: Session, text: str = "") -> list[TramiteSummary]:
    """Active trámites whose nombre, homoclave or dependencia contain every word of `text`
    (accent- and case-insensitive), ordered by dependencia, then nombre.

    The catálogo is a few hundred rows at most, so matching runs in Python, where accent folding
    is exact (SQLite's lower() knows neither accents nor "Ñ")."""
    rows = session.execute(
        select(Tramite, Dependencia.nombre)
        .join(Dependencia, Dependencia.clave == Tramite.dependencia_clave)
        .where(Tramite.active.is_(True))
    ).all()
    summaries = [
        TramiteSummary(t.homoclave, t.version, t.nombre, t.dependencia_clave, dep_nombre,
                       t.nivel_digitalizacion, t.plazo_dias)
        for t, dep_nombre in rows
    ]
    words = fold(text).split()
    found = [s for s in summaries if _matches(s, words)]
    return sorted(found, key=lambda s: (fold(s.dependencia_nombre), fold(s.nombre), s.homoclave))


def get_tramite(session: Session, homoclave: str, version: int | None = None) -> TramiteDef:
    """The definition of a trámite: the active version, or exactly `version` (active or not,
    as drafts and expedientes keep the version they were started on)."""
    query = select(Tramite).where(Tramite.homoclave == homoclave)
    if version is None:
        query = query.where(Tramite.active.is_(True)).order_by(Tramite.version.desc())
    else:
        query = query.where(Tramite.version == version)
    row = session.scalars(query.limit(1)).first()
    if row is None:
        if version is None:
            raise NotFound(f"El trámite {homoclave} no existe o ya no está vigente en el "
                           "catálogo.")
        raise NotFound(f"No se encontró la versión {version} del trámite {homoclave}.")
    return TramiteDef.model_validate(row.definition)
