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

Checking the late rows costs no second pass over the index in the usual case: the first read
takes 2n matches, not n, and a late row (pulled a few captures late, so its rowid is just below
C's) at or above the lowest of them is a match exactly when it is among them. Only late rows
further down are checked, all with one more read of the index bounded by their rowids: a prefix
search ("mar") merges every term's postings on each read, so one read per late row cost as much
as the whole search.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

# Beyond this many late rows to check, the plain query (sort every match) is cheaper.
MAX_LATE = 5_000
# The first read takes this many times the rows asked for (late rows among them need no check).
READ_AHEAD = 2

_BY_ROWID = text("SELECT rowid FROM expedientes_fts WHERE expedientes_fts MATCH :q "
                 "ORDER BY rowid DESC LIMIT :n")
_OLDEST = text("SELECT captured_at, uuid FROM expedientes "
               "WHERE rowid IN (SELECT value FROM json_each(:ids)) "
               "ORDER BY captured_at, uuid LIMIT 1")
_LATE = text("SELECT rowid FROM expedientes INDEXED BY ix_expedientes_captured_at_uuid "
             "WHERE (captured_at > :at OR (captured_at = :at AND uuid > :uuid)) "
             "AND rowid < :below LIMIT :cap")
_MATCHES_BETWEEN = text("SELECT rowid FROM expedientes_fts WHERE expedientes_fts MATCH :q "
                        "AND rowid BETWEEN :low AND :high")


def newest_matches(session: Session, query: str, n: int) -> list[int] | None:
    """Rowids among which the newest `n` matches of the FTS `query` are (all of them, plus at
    most a few older ones the caller's ORDER BY … LIMIT drops); None when too many rows arrived
    out of order and the caller should sort every match instead."""
    if n <= 0:
        return []
    read = list(session.scalars(_BY_ROWID, {"q": query, "n": READ_AHEAD * n}))
    if len(read) < READ_AHEAD * n:
        return read  # every match
    found, further = read[:n], set(read[n:])
    oldest = session.execute(_OLDEST, {"ids": json.dumps(found)}).one()
    late = list(session.scalars(_LATE, {"at": oldest[0], "uuid": oldest[1], "below": min(found),
                                        "cap": MAX_LATE + 1}))
    if len(late) > MAX_LATE:
        return None
    floor = read[-1]  # every match at or above it was read
    found.extend(r for r in late if r in further)
    unread = [r for r in late if r < floor]
    if unread:
        matching = set(session.scalars(_MATCHES_BETWEEN, {"q": query, "low": min(unread),
                                                          "high": max(unread)}))
        found.extend(r for r in unread if r in matching)
    return found
