"""How many expedientes, read from the store's counters (localdb/counters.py) instead of counting
rows: the Expedientes view's totals, the envío queues' counts and `status --json`.

`stored_counts` is the one read of the counters; `count_in` answers "how many in these statuses
and these envío states" for any module that lists expedientes by state (the supervisor's queues).
Filters the counters do not cover (a search, a date, an operador) count rows instead.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from localdb.models import ExpedienteCount
from localdb.states import EnvioState, ExpedienteStatus


def stored_counts(session: Session) -> dict[tuple[ExpedienteStatus, EnvioState], int]:
    """(status, sync_state) → how many expedientes; pairs with none may be missing or 0."""
    rows = session.execute(select(ExpedienteCount.status, ExpedienteCount.sync_state,
                                  ExpedienteCount.n))
    return {(status, sync_state): n for status, sync_state, n in rows}


def count_in(session: Session, statuses: Collection[str] | None = None,
             sync_states: Collection[str] | None = None) -> int:
    """Expedientes whose status is one of `statuses` and sync_state one of `sync_states`
    (None: any)."""
    return sum(n for (status, sync_state), n in stored_counts(session).items()
               if (statuses is None or status in statuses)
               and (sync_states is None or sync_state in sync_states))


def count_by_status(session: Session) -> dict[str, int]:
    found: dict[str, int] = {}
    for (status, _sync_state), n in stored_counts(session).items():
        if n:
            found[status.value] = found.get(status.value, 0) + n
    return found
