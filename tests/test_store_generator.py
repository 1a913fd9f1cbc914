"""The benchmark store generator (tests/store_generator.py) leaves rows the app accepts: the audit
chain and every capture's hash verify, the answers pass the trámite's validation, the outbox
carries what a capture queues, the store opens and lists newest first, and its bulk loading
leaves the schema, search index, counters and journal a store the app made has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.capture.validation import validate_answers
from desktop.context import open_context
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import count_expedientes, page_expedientes
from desktop.records.integrity import altered_folios
from localdb.fts import fts_query
from localdb.models import Expediente, OutboxEntry
from localdb.states import OutboxState
from tests.demo_office import open_demo_office
from tests.raw_store import raw_connect, raw_store
from tests.store_generator import generate_store
from wire.canonical import payload_sha256


def test_generated_store_passes_the_apps_checks(tmp_path: Path) -> None:
    generate_store(tmp_path / "datos", 600)
    ctx = open_context(tmp_path / "datos")
    try:
        with ctx.read() as session:
            report = verify_chain(session)
            checked, altered = altered_folios(session)
            assert report.ok, report.problem
            assert altered == [] and checked > 400  # the captures made here, re-hashed
            assert count_expedientes(session) == 600
            rows = page_expedientes(session, limit=600)
            assert [r.captured_at for r in rows] == sorted((r.captured_at for r in rows),
                                                           reverse=True)
            bundle = current_bundle(session)
            for row in session.scalars(select(Expediente).limit(50)):
                tramite = get_tramite(session, row.tramite_homoclave, row.tramite_version)
                result = validate_answers(tramite, row.answers,
                                          clave_catastral_patron=bundle.clave_catastral_patron)
                assert not result.errors, (row.folio, result.errors)
            outbox = session.scalars(select(OutboxEntry)).all()
            assert len(outbox) == checked
            assert {o.state for o in outbox} == {OutboxState.ACKED, OutboxState.PENDING}
            for entry in outbox:  # what a restore needs: the pending ones whole
                if entry.state == OutboxState.PENDING:
                    assert payload_sha256(json.loads(entry.payload)) == entry.sha256
                else:  # acknowledged: compacted by the store (localdb/counters.py)
                    assert entry.payload == "" and entry.sha256 == ""
            surnames = session.scalar(select(func.count()).select_from(Expediente)
                                      .where(Expediente.nombre.like("%Hern_ndez%")))
            assert surnames and surnames > 20  # frequent surnames are frequent
    finally:
        ctx.close()


def _schema(raw: Any) -> list[tuple[str, str, str]]:
    """Tables by name (the order of a table's constraints varies between two migration runs),
    triggers and indexes by their SQL."""
    return list(raw.execute("SELECT type, name, CASE WHEN type = 'table' THEN '' ELSE sql END "
                            "FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                            "ORDER BY type, name"))


def test_generated_store_has_the_apps_schema_index_and_counters(tmp_path: Path) -> None:
    """Loaded with its search index built at the end and no fsync: the same triggers, indexes
    and journal as a store the app made, the FTS index holding exactly what its trigger writes,
    and the counters exact."""
    fresh = open_demo_office(tmp_path / "fresh")
    raw = raw_connect(fresh)
    expected = _schema(raw)
    raw.close()
    fresh.close()
    generate_store(tmp_path / "datos", 600)
    raw = raw_store(tmp_path / "datos")
    try:
        assert _schema(raw) == expected
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # the index against its content table, row by row (raises when one differs)
        raw.execute("INSERT INTO expedientes_fts(expedientes_fts, rank) "
                    "VALUES ('integrity-check', 1)")
        for folio, curp in raw.execute("SELECT folio, curp FROM expedientes "
                                       "WHERE rowid % 97 = 0").fetchall():
            found = raw.execute("SELECT e.folio FROM expedientes_fts f JOIN expedientes e "
                                "ON e.rowid = f.rowid WHERE expedientes_fts MATCH ?",
                                (fts_query(curp),)).fetchall()
            assert (folio,) in found
        counters = dict(((s, e), n) for s, e, n in raw.execute(
            "SELECT status, sync_state, n FROM expediente_counts WHERE n > 0"))
        counted = dict(((s, e), n) for s, e, n in raw.execute(
            "SELECT status, sync_state, count(*) FROM expedientes GROUP BY 1, 2"))
        assert counters == counted and sum(counted.values()) == 600
    finally:
        raw.close()
    # a row inserted afterwards is indexed by the app's trigger again
    ctx = open_context(tmp_path / "datos")
    try:
        with ctx.write() as session:
            session.execute(text("UPDATE expedientes SET nombre = 'Zacarías Quetzal Xolotl' "
                                 "WHERE rowid = 1"))
        with ctx.read() as session:
            assert count_expedientes(session, "quetzal") == 1
    finally:
        ctx.close()
