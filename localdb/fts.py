"""FTS5 search index over folio, nombre, CURP and RFC, kept in step by triggers.

The index is external-content on `expedientes` (by rowid), so it costs no duplicate storage, and
keeps no column sizes (`columnsize=0`, revision 0016: they serve only ranking, which no search
uses; searches are prefix terms, phrases within a folio, in rowid order). Positions stay
(`detail=full`): a folio or a hyphenated name is a phrase of several tokens.
Also: triggers that make captured answers immutable and the audit log append-only.
"""

from __future__ import annotations

CREATE_STATEMENTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS expedientes_fts USING fts5(
        folio, nombre, curp, rfc, content='expedientes', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', columnsize=0)""",
    """CREATE TRIGGER IF NOT EXISTS expedientes_fts_ai AFTER INSERT ON expedientes BEGIN
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


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 prefix query ("ana lop" -> '"ana"* "lop"*')."""
    terms = [t.replace('"', "") for t in text.split()]
    return " ".join(f'"{t}"*' for t in terms if t)
