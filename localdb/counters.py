"""Counts kept by the store itself (ARCHITECTURE §6): how many expedientes stand in each
(status, sync_state) pair, in `expediente_counts`, kept exact by triggers in the same transaction
as every write to `expedientes` — a capture, a review, a push's marks, a pull, a migration.

The Expedientes view's totals, its per-state counts and `status --json` read a few dozen rows
instead of counting a million. A revision that rebuilds `expedientes` drops its triggers: it runs
CREATE_STATEMENTS again (IF NOT EXISTS), and BACKFILL if it changed rows.

Also the outbox's compaction (the lean store): once the platform acknowledged a mutation, its
payload and sha256 are no longer needed — the expediente row holds the data and its content
hash, the audit log the history, and a restore compares only pending mutations (sync/restore.py)
— so a trigger empties both (by a delete and an insert of the row without them:
COMPACT_TRIGGER; the sha256 since revision 0017).
"""

from __future__ import annotations

CREATE_TABLE = """CREATE TABLE IF NOT EXISTS expediente_counts (
    status VARCHAR(24) NOT NULL, sync_state VARCHAR(16) NOT NULL, n INTEGER NOT NULL,
    CONSTRAINT pk_expediente_counts PRIMARY KEY (status, sync_state))"""

_ADD = """INSERT INTO expediente_counts (status, sync_state, n)
        VALUES ({s}.status, {s}.sync_state, 1)
        ON CONFLICT (status, sync_state) DO UPDATE SET n = n + 1"""
_SUBTRACT = """UPDATE expediente_counts SET n = n - 1
        WHERE status = {s}.status AND sync_state = {s}.sync_state"""

COMPACTED = ""  # the payload and the sha256 of an acknowledged mutation

# The acknowledged row is deleted and inserted again without its payload (same mutation_id, same
# columns), not updated in place: shrinking rows in place leaves their pages ~10 % full for good
# (an outbox row is ~1 KB until acknowledged, ~130 B after), while a delete lets SQLite merge the
# emptied pages with their neighbours (revision 0016). A revision that adds an outbox column adds
# it here too.
OUTBOX_COLUMNS = ("mutation_id, kind, entity_uuid, payload, sha256, state, attempts, last_error, "
                  "next_attempt_at, created_at")
COMPACT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS outbox_compact_acked AFTER UPDATE OF state
        ON outbox WHEN new.state = 'acked'
        AND (new.payload <> '{COMPACTED}' OR new.sha256 <> '{COMPACTED}') BEGIN
        DELETE FROM outbox WHERE mutation_id = new.mutation_id;
        INSERT INTO outbox ({OUTBOX_COLUMNS}) VALUES (new.mutation_id, new.kind,
            new.entity_uuid, '{COMPACTED}', '{COMPACTED}', new.state, new.attempts, new.last_error,
            new.next_attempt_at, new.created_at);
    END"""

CREATE_STATEMENTS = [
    f"""CREATE TRIGGER IF NOT EXISTS expediente_counts_ai AFTER INSERT ON expedientes BEGIN
        {_ADD.format(s="new")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS expediente_counts_ad AFTER DELETE ON expedientes BEGIN
        {_SUBTRACT.format(s="old")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS expediente_counts_au AFTER UPDATE OF status, sync_state
        ON expedientes
        WHEN old.status IS NOT new.status OR old.sync_state IS NOT new.sync_state BEGIN
        {_SUBTRACT.format(s="old")};
        {_ADD.format(s="new")};
    END""",
    COMPACT_TRIGGER,
]

DROP_STATEMENTS = [
    "DROP TRIGGER IF EXISTS outbox_compact_acked",
    "DROP TRIGGER IF EXISTS expediente_counts_au",
    "DROP TRIGGER IF EXISTS expediente_counts_ad",
    "DROP TRIGGER IF EXISTS expediente_counts_ai",
]

BACKFILL = [
    "DELETE FROM expediente_counts",
    """INSERT INTO expediente_counts (status, sync_state, n)
        SELECT status, sync_state, count(*) FROM expedientes GROUP BY status, sync_state""",
]

COMPACT_ACKED = f"UPDATE outbox SET payload = '{COMPACTED}' WHERE state = 'acked'"
