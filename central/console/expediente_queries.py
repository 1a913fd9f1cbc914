"""Expedientes as the console finds them: a search paged in SQL, and one expediente in full.
A dependencia user's queries are always limited to their dependencia's trámites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from central.console.catalog import Catalog
from central.models import Amendment, Change, Expediente
from central.text_fold import fold_text, folded

PAGE_SIZE = 25


@dataclass(frozen=True)
class Criteria:
    texto: str = ""  # folio, CURP, RFC or nombre
    dependencia: str = ""
    tramite: str = ""
    estado: str = ""
    oficina: str = ""
    desde: date | None = None
    hasta: date | None = None  # inclusive


def search_query(criteria: Criteria, catalog: Catalog, scope: str | None) -> Select[tuple[
        Expediente]]:
    """`scope`: the dependencia a user is limited to (None: all)."""
    query = select(Expediente)
    for dependencia in (scope, criteria.dependencia):
        if dependencia:
            query = query.where(Expediente.tramite_homoclave.in_(
                catalog.homoclaves_of(dependencia)))
    if criteria.texto.strip():
        term = fold_text(criteria.texto.strip()) or ""
        fields = (Expediente.folio, Expediente.payload["curp"].as_string(),
                  Expediente.payload["rfc"].as_string(), Expediente.payload["nombre"].as_string())
        query = query.where(or_(*(folded(f).contains(term, autoescape=True) for f in fields)))
    if criteria.tramite:
        query = query.where(Expediente.tramite_homoclave == criteria.tramite)
    if criteria.estado:
        query = query.where(Expediente.status == criteria.estado)
    if criteria.oficina:
        query = query.where(Expediente.office == criteria.oficina)
    if criteria.desde:
        query = query.where(Expediente.received_at >= datetime.combine(criteria.desde, time()))
    if criteria.hasta and criteria.hasta < date.max:  # nothing is received after date.max
        end = datetime.combine(criteria.hasta + timedelta(days=1), time())
        query = query.where(Expediente.received_at < end)
    return query


def count_of(query: Select[tuple[Expediente]]) -> Select[tuple[int]]:
    return select(func.count()).select_from(query.order_by(None).subquery())


def page_of(query: Select[tuple[Expediente]], page: int) -> Select[tuple[Expediente]]:
    """`page`, already within 1..last (central.console.paging)."""
    return (query.order_by(Expediente.received_at.desc(), Expediente.folio)
            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))


def history_query(expediente: Expediente) -> Select[tuple[Change]]:
    """What the platform told the expediente's office about it, oldest first."""
    return (select(Change).where(Change.scope == expediente.office,
                                 Change.entity_uuid == expediente.uuid)
            .order_by(Change.version))


def amendments_query(expediente: Expediente) -> Select[tuple[Amendment]]:
    return (select(Amendment).where(Amendment.expediente_uuid == expediente.uuid)
            .order_by(Amendment.id))
