"""FTS5 search index over folio, nombre, CURP and RFC, kept in step by triggers.

The index is external-content on `expedientes` (by rowid), so it costs no duplicate storage, and
keeps no column sizes (`columnsize=0`, revision 0016: they serve only ranking, which no search
uses; searches are prefix terms, phrases within a folio, in rowid order). Positions stay
(`detail=full`): a folio or a hyphenated name is a phrase of several tokens.

A batch of inserts (a pulled page's new rows) is indexed in one statement instead of row by row
(`indexed_as_a_batch`, revision 0018): the insert trigger is skipped while the setting
`BATCH_SETTING` exists, and the rows the batch added (rowids above the highest before it) go into
the index in one INSERT … SELECT at its end, in the same transaction. Measured on 100,000 pulled
rows in pages of 1,000: the trigger cost about 10–12 s of CPU, the batches about 6–7 s (SQLite's
FTS5 writes a row's terms far more cheaply from a set than from a trigger program per row). The
setting lives and dies inside one transaction, so no commit, crash or search ever sees rows
outside the index.
Also: triggers that make captured answers immutable and the audit log append-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Present (in `settings`) only inside a transaction indexing its own inserts (indexed_as_a_batch).
BATCH_SETTING = "fts.batch_insert"

CREATE_STATEMENTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS expedientes_fts USING fts5(
        folio, nombre, curp, rfc, content='expedientes', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', columnsize=0)""",
    f"""CREATE TRIGGER IF NOT EXISTS expedientes_fts_ai AFTER INSERT ON expedientes
        WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = '{BATCH_SETTING}') BEGIN
        INSERT INTO expedientes_fts(rowid, folio, nombre, curp, rfc)
        VALUES (new.rowid, new.folio, new.nombre, new.curp, new.rfc);
    END""",
    """CREATE TRIGGER IF NOT EXISTS expedientes_fts_ad AFTER DELETE ON expedientes BEGIN
        INSERT INTO expedientes_fts(expedientes_fts, rowid, folio, nombre, curp, rfc)
        VALUES ('delete', old.rowid, old.folio, old.nombre, old.curp, old.rfc);
    END""",
    """CREATE TRIGGER IF NOT EXISTS expedientes_fts_au AFTER UPDATE OF folio, nombre, curp, rfc
        ON expedientes BEGIN
        INSERT INTO expedientes_fts(expedientes_fts, rowid, folio, nombre, curp, rfc)
        VALUES ('delete', old.rowid, old.folio, old.nombre, old.curp, old.rfc);
        INSERT INTO expedientes_fts(rowid, folio, nombre, curp, rfc)
        VALUES (new.rowid, new.folio, new.nombre, new.curp, new.rfc);
    END""",
    """CREATE TRIGGER IF NOT EXISTS expedientes_answers_immutable
        BEFORE UPDATE OF answers, folio, tramite_homoclave, tramite_version, uuid, captured_at
        ON expedientes
        WHEN old.answers IS NOT new.answers OR old.folio IS NOT new.folio
          OR old.tramite_homoclave IS NOT new.tramite_homoclave
          OR old.tramite_version IS NOT new.tramite_version OR old.uuid IS NOT new.uuid
          OR old.captured_at IS NOT new.captured_at
        BEGIN SELECT RAISE(ABORT, 'captured expediente is immutable'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]

DROP_STATEMENTS = [
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS expedientes_answers_immutable",
    "DROP TRIGGER IF EXISTS expedientes_fts_au",
    "DROP TRIGGER IF EXISTS expedientes_fts_ad",
    "DROP TRIGGER IF EXISTS expedientes_fts_ai",
    "DROP TABLE IF EXISTS expedientes_fts",
]


_HIGHEST = "SELECT coalesce(max(rowid), 0) FROM expedientes"
_INDEX_ABOVE = ("INSERT INTO expedientes_fts(rowid, folio, nombre, curp, rfc) "
                "SELECT rowid, folio, nombre, curp, rfc FROM expedientes WHERE rowid > ?")


@contextmanager
def indexed_as_a_batch(connection: Any) -> Iterator[None]:
    """Rows inserted into `expedientes` inside the block are indexed together at its end.

    `connection` is the SQLAlchemy Connection of the caller's open transaction. New rows take
    rowids above every existing one (no other writer runs inside the transaction), so the batch is
    the rows above the highest rowid before it. Whatever the block does, it leaves every row it
    inserted indexed and the setting gone: if it raised (a statement the store refused), what it
    did insert is indexed too, so even a caller that commits anyway keeps the index whole."""
    highest = connection.exec_driver_sql(_HIGHEST).scalar()
    connection.exec_driver_sql("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '1')",
                               (BATCH_SETTING,))
    try:
        yield
    finally:
        connection.exec_driver_sql(_INDEX_ABOVE, (highest,))
        connection.exec_driver_sql("DELETE FROM settings WHERE key = ?", (BATCH_SETTING,))


def batch_left_committed(connection: Any) -> bool:
    """Whether the batch setting stands outside a batch: one primary-key read, at open."""
    return connection.exec_driver_sql("SELECT 1 FROM settings WHERE key = ?",
                                      (BATCH_SETTING,)).first() is not None


def mend_interrupted_batch(connection: Any) -> None:
    """Rebuild the index from `expedientes` and remove the batch setting, in the caller's write
    transaction.

    indexed_as_a_batch never lets the setting outlive its transaction, but a setting written by
    hand, or by a future bug, would silence the trigger for good: every later capture missing
    from search. desktop.context checks for it at open (batch_left_committed, a read) and only
    then takes a write transaction for this."""
    connection.exec_driver_sql("INSERT INTO expedientes_fts(expedientes_fts) VALUES ('rebuild')")
    connection.exec_driver_sql("DELETE FROM settings WHERE key = ?", (BATCH_SETTING,))


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 prefix query ("ana lop" -> '"ana"* "lop"*')."""
    terms = [t.replace('"', "") for t in text.split()]
    return " ".join(f'"{t}"*' for t in terms if t)
