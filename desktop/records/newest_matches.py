"""The newest expedientes matching a search, without sorting every match (ARCHITECTURE §6).

The FTS index hands its matches out in rowid order, and rowids follow insertion order, which is
capture order except for records pulled from the office's other windows (inserted after
captures that are newer than them). So the first `n` matches by descending rowid are read
straight off the index, stopping at `n`; then the only matches that could still belong in the
newest `n` are rows inserted earlier (rowid below all of those) but captured later than the
oldest of them — found through the (captured_at, uuid) index, normally a handful, each checked
against the index. The result is exactly the top `n` by (captured_at, uuid), newest first.

Proof sketch: let C be the n matches with the highest rowids and T the smallest
(captured_at, uuid) in C. A match outside C has a rowid below min(C); if its key is below T, the n
rows of C are all newer, so it is not in the top n; if above, it is one of the late rows checked.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# Beyond this many late rows to check, the plain query (sort every match) is cheaper.
MAX_LATE = 5_000

_BY_ROWID = text("SELECT rowid FROM expedientes_fts WHERE expedientes_fts MATCH :q "
                 "ORDER BY rowid DESC LIMIT :n")
_OLDEST = text("SELECT captured_at, uuid FROM expedientes "
               "WHERE rowid IN (SELECT value FROM json_each(:ids)) "
               "ORDER BY captured_at, uuid LIMIT 1")
_LATE = text("SELECT rowid FROM expedientes INDEXED BY ix_expedientes_captured_at_uuid "
             "WHERE (captured_at > :at OR (captured_at = :at AND uuid > :uuid)) "
             "AND rowid < :below LIMIT :cap")
_MATCHES_ONE = text("SELECT rowid FROM expedientes_fts WHERE expedientes_fts MATCH :q "
                    "AND rowid = :r")


def newest_matches(session: Session, query: str, n: int) -> list[int] | None:
    """Rowids among which the newest `n` matches of the FTS `query` are (all of them, plus at
    most a few older ones the caller's ORDER BY … LIMIT drops); None when too many rows arrived
    out of order and the caller should sort every match instead."""
    if n <= 0:
        return []
    found = list(session.scalars(_BY_ROWID, {"q": query, "n": n}))
    if len(found) < n:
        return found  # every match
    import json

    oldest = session.execute(_OLDEST, {"ids": json.dumps(found)}).one()
    late = list(session.scalars(_LATE, {"at": oldest[0], "uuid": oldest[1], "below": min(found),
                                        "cap": MAX_LATE + 1}))
    if len(late) > MAX_LATE:
        return None
    found.extend(r for r in late if session.scalar(_MATCHES_ONE, {"q": query, "r": r}))
    return found
