"""Folio series, unique per machine per year, allocated in the transaction that uses the number
(so a rolled-back capture or payment never burns one):

- expedientes: OFICINA-VENTANILLA-AÑO-NNNNNN (`folio_counters`);
- recibos oficiales: R-OFICINA-VENTANILLA-AÑO-NNNNNN (`recibo_counters`, their own series).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from desktop.records.high_water import FOLIOS, RECIBOS, note_number
from localdb.models import FolioCounter, ReciboCounter

RECIBO_PREFIX = "R-"


def format_folio(oficina: str, ventanilla: str, year: int, number: int) -> str:
    return f"{oficina}-{ventanilla}-{year}-{number:06d}"


Counter = TypeVar("Counter", FolioCounter, ReciboCounter)


def _next_number(session: Session, series: type[Counter], year: int) -> int:
    """The series' next number for `year`, counted inside the caller's transaction."""
    counter = session.get(series, year)
    if counter is None:
        counter = series(year=year, last_number=0)
        session.add(counter)
    counter.last_number += 1
    session.flush()
    number: int = counter.last_number
    note_number(session, FOLIOS if series is FolioCounter else RECIBOS, year, number)
    return number


def allocate_folio(session: Session, oficina: str, ventanilla: str, year: int) -> str:
    return format_folio(oficina, ventanilla, year, _next_number(session, FolioCounter, year))


def allocate_recibo_folio(session: Session, oficina: str, ventanilla: str, year: int) -> str:
    number = _next_number(session, ReciboCounter, year)
    return RECIBO_PREFIX + format_folio(oficina, ventanilla, year, number)
