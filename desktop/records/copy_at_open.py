"""At open, before anything is captured: a data folder behind its high-water mark
(desktop/records/high_water.py) was put back from an older copy of itself. Its folio and recibo
counters are moved past the mark there and then, without the network, so a capture made before
the next sync never takes a folio the platform already holds (ARCHITECTURE §7).

Capture is not refused for it: past the mark, no number this machine ever handed out can come
again, and an office without a link keeps working. The outbox sequence is NOT moved: central
applies a machine's mutation ids without gaps, so the ids are renumbered at the next sync from
what the platform answers (sync/restore.py), which also pulls back the records sent after the
copy. The detection is an audit entry (`almacen.copia_restaurada`) and a warning in the log.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from desktop.records.audit import append_audit
from desktop.records.high_water import HIGH_WATER, HighWaterFile, Marks
from desktop.records.outbox_sequence import (
    advance_folio_counters,
    advance_recibo_counters,
    folio_counters,
    outbox_sequence,
    recibo_counters,
)

if TYPE_CHECKING:
    from desktop.context import AppContext

log = logging.getLogger(__name__)
ACTION = "almacen.copia_restaurada"
SYSTEM_ACTOR = "sistema"


def store_marks(session: Session) -> Marks:
    return Marks(folio_counters(session), recibo_counters(session), outbox_sequence(session))


def behind(store: Marks, mark: Marks) -> bool:
    """True when the store has handed out less than the mark says this folder once had."""
    return (store.mutation_id < mark.mutation_id
            or any(store.folios.get(y, 0) < n for y, n in mark.folios.items())
            or any(store.recibos.get(y, 0) < n for y, n in mark.recibos.items()))


def mark_of(session: Session) -> HighWaterFile:
    mark = session.info.get(HIGH_WATER)
    if not isinstance(mark, HighWaterFile):
        raise RuntimeError("session has no high-water mark: open it through AppContext")
    return mark


def check_at_open(ctx: AppContext) -> bool:
    """True when the folder was behind its mark (then caught up). Reads first: the write lock
    is taken only when the mark is missing, behind the store, or ahead of it."""
    with ctx.read() as session:
        mark = mark_of(session).read()
        store = store_marks(session)
    if mark is not None and mark.raised_to(store) == mark and not behind(store, mark):
        return False
    with ctx.write() as session:
        return catch_up_with_mark(session)


def catch_up_with_mark(session: Session) -> bool:
    """Compare the store with its mark inside the caller's write transaction; True when it was
    behind (the counters are then past the mark). A folder without a mark (new, or made by an
    older release) gets one."""
    mark_file = mark_of(session)
    mark = mark_file.read()
    store = store_marks(session)
    if mark is None or not behind(store, mark):
        raised = store if mark is None else mark.raised_to(store)
        if raised != mark:
            mark_file.write(raised)
        return False
    advance_folio_counters(session, mark.folios)
    advance_recibo_counters(session, mark.recibos)
    append_audit(session, SYSTEM_ACTOR, ACTION, "", _detail(store, mark))
    log.warning("data folder behind its high-water mark (a restored copy): folios %s → %s, "
                "recibos %s → %s, outbox %d (mark %d)", dict(store.folios), dict(mark.folios),
                dict(store.recibos), dict(mark.recibos), store.mutation_id, mark.mutation_id)
    # The mutation mark comes down to the store's sequence: the next sync renumbers the ids from
    # the platform's answer, and this copy must not be reported again at every open.
    mark_file.write(Marks(mark.raised_to(store).folios, mark.raised_to(store).recibos,
                          store.mutation_id))
    return True


def _detail(store: Marks, mark: Marks) -> dict[str, Any]:
    def years(numbers: Any) -> dict[str, int]:
        return {str(y): n for y, n in sorted(numbers.items())}

    return {"folios_copia": years(store.folios), "folios_marca": years(mark.folios),
            "recibos_copia": years(store.recibos), "recibos_marca": years(mark.recibos),
            "ultimo_envio_copia": store.mutation_id, "ultimo_envio_marca": mark.mutation_id}
