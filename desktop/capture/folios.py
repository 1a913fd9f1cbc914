"""Folios OFICINA-VENTANILLA-AÑO-NNNNNN, unique per machine per year, allocated in the capture
transaction (so a rolled-back capture never burns a number)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from localdb.models import FolioCounter


def format_folio(oficina: str, ventanilla: str, year: int, number: int) -> str:
    return f"{oficina}-{ventanilla}-{year}-{number:06d}"


def allocate_folio(session: Session, oficina: str, ventanilla: str, year: int) -> str:
    counter = session.get(FolioCounter, year)
    if counter is None:
        counter = FolioCounter(year=year, last_number=0)
        session.add(counter)
    counter.last_number += 1
    session.flush()
    return format_folio(oficina, ventanilla, year, counter.last_number)
