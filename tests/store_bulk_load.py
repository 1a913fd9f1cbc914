"""Writes a generated benchmark store's rows (tests/store_rows.py) into a store the app created:
the app's schema, triggers and pragmas, with the loading shortcuts a fixture can afford.

While loading (a generated store is a fixture, not user data: a crash leaves a folder that
tests/store_generator.py throws away): no fsync (`synchronous=OFF`), the rollback journal in
memory instead of the WAL, one exclusive lock, a large page cache; one transaction per chunk.
The search index is built once at the end instead of row by row: every AFTER INSERT trigger on
`expedientes` that feeds an external-content FTS5 table over it is set aside and, once the rows
are in, the index is rebuilt from the rows (`'rebuild'` reads the very columns the trigger writes)
and the trigger created again from its own SQL. Every other trigger (the counters of
localdb/counters.py, the outbox's compaction) runs as it does in the app. Then the app's journal
(WAL) is restored and checkpointed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from desktop.records.audit import HEAD_SETTING
from localdb.engine import connect
from tests.store_rows import Chunk, Finish
from wire.protocol import MAX_BATCH as PUSH_BATCH  # what one push acknowledges at once

CACHE_KIB = 512 * 1024

_EXPEDIENTES = (
    "INSERT INTO expedientes(uuid, folio, tramite_homoclave, tramite_version, answers, "
    "requisitos, cobros, total_centavos, nombre, curp, rfc, status, status_by, status_at,"
    " voided_reason, created_by, captured_at, origin_machine, content_sha256, "
    "sync_state, print_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)")
_OUTBOX = ("INSERT INTO outbox(kind, entity_uuid, payload, sha256, state, attempts, created_at)"
           " VALUES (?,?,?,?,?,?,?)")
_AUDIT = ("INSERT INTO audit_log(id, at, actor, action, entity, detail, prev_hash, hash, mac)"
          " VALUES (?,?,?,?,?,?,?,?,?)")
_EXTERNAL_CONTENT = re.compile(r"using\s+fts5\s*\(.*content\s*=\s*'?\"?expedientes\b",
                               re.IGNORECASE | re.DOTALL)


def deferred_indexes(raw: Any) -> dict[str, list[tuple[str, str]]]:
    """FTS5 tables with `expedientes` as external content → the (name, SQL) of the AFTER INSERT
    triggers on `expedientes` that feed them."""
    tables = [name for name, sql in raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5%'")
        if _EXTERNAL_CONTENT.search(sql or "")]
    triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                           "tbl_name = 'expedientes'").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        feeds = re.compile(rf"after\s+insert\s+on\s+expedientes\b.*insert\s+into\s+{table}\s*\(",
                           re.IGNORECASE | re.DOTALL)
        found[table] = [(name, sql) for name, sql in triggers if feeds.search(sql)]
    return found


class BulkLoader:
    """One raw connection to a closed app store, loading chunks; `close()` restores the app's
    journal whatever happened."""

    def __init__(self, db_path: Path, key: bytes | None) -> None:
        self.raw = connect(db_path, key)
        mode = self.raw.execute("PRAGMA journal_mode=MEMORY").fetchone()[0]
        assert mode == "memory", f"the store is still open elsewhere (journal {mode})"
        for pragma in ("synchronous=OFF", "locking_mode=EXCLUSIVE", "temp_store=MEMORY",
                       f"cache_size=-{CACHE_KIB}"):
            self.raw.execute(f"PRAGMA {pragma}")
        self.deferred = deferred_indexes(self.raw)
        self.raw.execute("BEGIN")
        for triggers in self.deferred.values():
            for name, _sql in triggers:
                self.raw.execute(f'DROP TRIGGER "{name}"')
        self.raw.execute("COMMIT")

    def write(self, chunk: Chunk) -> None:
        raw = self.raw
        raw.execute("BEGIN")
        raw.executemany(_EXPEDIENTES, chunk.expedientes)
        raw.executemany(_AUDIT, chunk.audit)
        for start in range(0, len(chunk.outbox), PUSH_BATCH):
            self._queue_and_push(chunk.outbox[start:start + PUSH_BATCH], chunk.acked - start)
        raw.execute("COMMIT")

    def _queue_and_push(self, outbox: list[Any], acked: int) -> None:
        """Mutations queued, then the first `acked` of them acknowledged as the push marks a
        batch (the store's triggers compact them): the pages a batch frees are taken by the next
        one's payloads, as in a window that pushes while it captures, so the file ends with
        only the last batch's pages free (one UPDATE per chunk left a chunk's worth, ~6 % of a
        100,000 store)."""
        self.raw.executemany(_OUTBOX, outbox)
        if acked > 0:
            last = self.raw.execute("SELECT max(mutation_id) FROM outbox").fetchone()[0]
            first = last - len(outbox) + 1
            self.raw.execute("UPDATE outbox SET state = 'acked' WHERE mutation_id BETWEEN ? AND ?",
                             (first, first + min(acked, len(outbox)) - 1))

    def finish(self, done: Finish) -> None:
        raw = self.raw
        raw.execute("BEGIN")
        raw.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                    (HEAD_SETTING, json.dumps({"seq": done.head_seq, "mac": done.head_mac})))
        for year, number in done.folio_years.items():
            raw.execute("INSERT OR REPLACE INTO folio_counters(year, last_number) VALUES (?, ?)",
                        (year, number))
        self._index_again()
        raw.execute("COMMIT")

    def _index_again(self) -> None:
        for table, triggers in self.deferred.items():
            self.raw.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'rebuild\')')
            for _name, sql in triggers:
                self.raw.execute(sql)
        self.deferred = {}

    def close(self) -> None:
        """Restore the app's journal and set-aside triggers (a failed load is thrown away, but
        not left half-made), then close."""
        raw = self.raw
        try:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            if self.deferred:
                raw.execute("BEGIN")
                self._index_again()
                raw.execute("COMMIT")
            raw.execute("PRAGMA locking_mode=NORMAL")
            mode = raw.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            assert mode == "wal", mode
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
