"""The outbox's mutation-id sequence and the folio counters, moved forward to what the platform
has already seen from this machine (a window restored from a copy of its data folder).

Central applies a machine's mutations strictly in id order (no gaps, no reuse), so pending
mutations that collide with ids the platform already holds are moved, in their original order, to
the ids right after the platform's last; the SQLite AUTOINCREMENT sequence (sqlite_sequence) then
continues from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from localdb.models import FolioCounter, OutboxEntry, ReciboCounter
from localdb.states import OutboxState

OUTBOX = "outbox"


def outbox_sequence(session: Session) -> int:
    """The highest mutation id ever handed out on this machine."""
    seq = session.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": OUTBOX})
    highest = session.scalar(select(func.max(OutboxEntry.mutation_id)))
    return max(seq or 0, highest or 0)


def set_outbox_sequence(session: Session, value: int) -> None:
    params = {"t": OUTBOX, "seq": value}
    done = session.execute(text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :t"), params)
    if not done.rowcount:  # type: ignore[attr-defined]
        session.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"), params)


Series = TypeVar("Series", FolioCounter, ReciboCounter)


def _counters(session: Session, series: type[Series]) -> dict[int, int]:
    return {row.year: row.last_number for row in session.scalars(select(series))}


def _advance(session: Session, series: type[Series], highest: Mapping[int, int]) -> None:
    """Each year's counter at least at the platform's highest number of that year."""
    for year, number in highest.items():
        counter = session.get(series, year)
        if counter is None:
            session.add(series(year=year, last_number=number))
        elif counter.last_number < number:
            counter.last_number = number
    session.flush()


def folio_counters(session: Session) -> dict[int, int]:
    return _counters(session, FolioCounter)


def recibo_counters(session: Session) -> dict[int, int]:
    return _counters(session, ReciboCounter)


def advance_folio_counters(session: Session, highest: Mapping[int, int]) -> None:
    _advance(session, FolioCounter, highest)


def advance_recibo_counters(session: Session, highest: Mapping[int, int]) -> None:
    _advance(session, ReciboCounter, highest)


def move_pending_after(session: Session, first_id: int, platform_last: int) -> int:
    """Renumber the pending mutations from `first_id` on to platform_last+1, +2 … (order kept);
    returns how many moved. The sequence ends at the last new id."""
    ids = list(session.scalars(select(OutboxEntry.mutation_id).where(
        OutboxEntry.state == OutboxState.PENDING, OutboxEntry.mutation_id >= first_id)
        .order_by(OutboxEntry.mutation_id)))
    for i, old in enumerate(ids, 1):  # through negative ids: old and new ranges may overlap
        session.execute(update(OutboxEntry).where(OutboxEntry.mutation_id == old)
                        .values(mutation_id=-i))
    for i in range(1, len(ids) + 1):
        session.execute(update(OutboxEntry).where(OutboxEntry.mutation_id == -i)
                        .values(mutation_id=platform_last + i))
    set_outbox_sequence(session, platform_last + len(ids))
    return len(ids)


def advance_outbox_sequence(session: Session, platform_last: int) -> None:
    if outbox_sequence(session) < platform_last:
        set_outbox_sequence(session, platform_last)
