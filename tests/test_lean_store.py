"""Revision 0016, the lean store (issue 15): a store at 0015 with expedientes, outbox and audit rows
upgrades with every expediente, search, count and the audit chain intact, its JSON compact, its
state indexes partial and still read by the queries; an acknowledged mutation keeps its row while
its page space goes back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from desktop.context import AppContext, open_context
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import (
    SYNC_FILTERS,
    _base,
    _filtered,
    count_expedientes,
    page_expedientes,
)
from desktop.records.integrity import altered_folios
from localdb.migrate import downgrade
from localdb.models import Expediente, OutboxEntry
from localdb.states import EnvioState
from tests.raw_store import raw_connect
from tests.store_generator import generate_store

N = 400


def _searches(session: Session) -> dict[str, Any]:
    """What a window's searches and counts answer: the surname, a prefix, a full name, a folio,
    a CURP (the FTS index), every envío queue."""
    sample = page_expedientes(session, limit=1, offset=N // 2)[0]
    found: dict[str, Any] = {}
    for term in ("hernández", "mar", sample.nombre, sample.folio, sample.curp):
        rows = page_expedientes(session, search=term, limit=50)
        found[term] = ([r.folio for r in rows], count_expedientes(session, term))
    for queue in SYNC_FILTERS:
        rows = page_expedientes(session, sync_state=queue, limit=50)
        found[queue] = ([r.folio for r in rows], count_expedientes(session, sync_state=queue))
    return found


def _snapshot(ctx: AppContext) -> dict[str, Any]:
    with ctx.read() as session:
        report = verify_chain(session)
        checked, altered = altered_folios(session)
        assert report.ok and altered == [] and checked > N // 2, (report.problem, altered)
        rows = {e.uuid: (e.folio, e.answers, e.requisitos, e.cobros, e.content_sha256, e.status,
                         e.sync_state) for e in session.scalars(select(Expediente))}
        outbox = [(o.mutation_id, o.kind, o.entity_uuid, o.state, o.attempts,
                   (o.payload, o.sha256) if o.state == "pending" else ("", ""))
                  for o in session.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))]
        audit = session.execute(text("SELECT id, hash, mac FROM audit_log ORDER BY id")).all()
        return {"rows": rows, "outbox": outbox, "audit": audit, "searches": _searches(session)}


def _schema(ctx: AppContext, name: str) -> str:
    with ctx.read() as session:
        return str(session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                  {"n": name}))


def test_a_store_at_0015_upgrades_with_everything_intact(tmp_path: Path) -> None:
    data = tmp_path / "d"
    generate_store(data, N)
    ctx = open_context(data)
    downgrade(ctx.engine, "0015")  # the store as the previous release left it
    with ctx.read() as session:
        spaced = session.scalar(text("SELECT answers FROM expedientes LIMIT 1"))
    assert '", "' in spaced and "columnsize" not in _schema(ctx, "expedientes_fts")
    assert "WHERE" not in _schema(ctx, "ix_expedientes_sync_state")
    before = _snapshot(ctx)
    ctx.close()

    ctx = open_context(data)  # the update: copy aside, revision 0016, VACUUM
    try:
        after = _snapshot(ctx)
        assert after == before
        assert len(after["rows"]) == N
        with ctx.read() as session:
            texts = session.execute(text("SELECT answers, requisitos, cobros FROM expedientes"))
            for row in texts:
                for value in row:
                    assert value == json.dumps(json.loads(value), ensure_ascii=False,
                                               separators=(",", ":"))
            assert session.scalar(text("SELECT count(*) FROM settings "
                                       "WHERE key = 'store.vacuum_wanted'")) == 0
        assert "columnsize=0" in _schema(ctx, "expedientes_fts")
        for index in ("ix_expedientes_sync_state", "ix_outbox_state", "uq_expedientes_archivo"):
            assert "WHERE" in _schema(ctx, index), index
        assert len(list(data.glob("ventanilla.pre-migration-*.db"))) == 1
    finally:
        ctx.close()


def _plan(session: Session, sync_state: str) -> str:
    query = _filtered(_base(), "", None, sync_state).order_by(
        Expediente.captured_at.desc(), Expediente.uuid.desc()).limit(100)
    compiled = query.compile(dialect=sqlite.dialect())
    params = [compiled.params[k] for k in compiled.positiontup or ()]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return " | ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {compiled}", params))


def test_the_envio_queues_still_read_an_index(tmp_path: Path) -> None:
    """The partial state index serves the queues of the few unconfirmed rows; «confirmados»
    walks the list's own index in order (no sort of every row)."""
    generate_store(tmp_path / "d", 50)
    ctx = open_context(tmp_path / "d")
    try:
        with ctx.read() as session:
            for queue in (EnvioState.PENDIENTE, EnvioState.RECHAZADO, EnvioState.DEMO):
                assert "ix_expedientes_sync_state" in _plan(session, queue), queue
            confirmed = _plan(session, EnvioState.SINCRONIZADO)
            assert "ix_expedientes_captured_at_uuid" in confirmed
            assert "TEMP B-TREE" not in confirmed
    finally:
        ctx.close()


def _pages_in_use(ctx: AppContext) -> int:
    raw = raw_connect(ctx)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        return int(pages) - int(raw.execute("PRAGMA freelist_count").fetchone()[0])
    finally:
        raw.close()


def test_acknowledged_mutations_keep_their_rows_and_give_their_pages_back(
        tmp_path: Path) -> None:
    """2,000 mutations of ~1 KB each, acknowledged: each row stays (id, kind, state) with its
    payload and sha256 emptied (revision 0017), and the outbox packs again (revision 0013's
    in-place emptying left it in ~600 pages a tenth full)."""
    ctx = open_context(tmp_path / "d")
    try:
        used_before = _pages_in_use(ctx)
        raw = raw_connect(ctx)
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO outbox(kind, entity_uuid, payload, sha256, state, attempts, created_at) "
            "VALUES ('expediente.create', ?, ?, ?, 'pending', 0, '2026-11-30 10:00:00.000000')",
            [(f"{i:036d}", json.dumps({"x": "y" * 1000, "i": i}), f"{i:064d}")
             for i in range(2000)])
        raw.execute("COMMIT")
        raw.execute("BEGIN")
        raw.execute("UPDATE outbox SET state = 'acked', attempts = 1 WHERE mutation_id % 10 <> 0")
        raw.execute("COMMIT")
        raw.close()
        with ctx.read() as session:
            rows = session.execute(text(
                "SELECT state, count(*), max(length(payload)), min(attempts), "
                "count(DISTINCT sha256) FROM outbox GROUP BY state")).all()
            ids = session.scalars(text("SELECT mutation_id FROM outbox ORDER BY mutation_id"))
            assert list(ids) == list(range(1, 2001))
        by_state = {r[0]: r[1:] for r in rows}
        assert by_state["acked"] == (1800, 0, 1, 1)  # every sha256 emptied
        assert by_state["pending"][0] == 200 and by_state["pending"][1] > 1000
        assert by_state["pending"][3] == 200
        assert _pages_in_use(ctx) - used_before < 350  # ~200; emptied in place: ~700
    finally:
        ctx.close()


def test_a_curp_is_found_without_its_index_and_dependencia_counts_read_an_index(
        tmp_path: Path) -> None:
    """Revision 0016 dropped ix_expedientes_curp (the FTS index holds the CURP) and put the
    homoclave in the status index: the counts per state under a dependencia read no row."""
    from desktop.records.expedientes import find_applicant_by_curp
    from desktop.records.review_queue import QueueFilter, _query

    generate_store(tmp_path / "d", 120)
    ctx = open_context(tmp_path / "d")
    try:
        with ctx.read() as session:
            curp, nombre = session.execute(text(  # the newest: its CURP's newest too
                "SELECT curp, nombre FROM expedientes ORDER BY captured_at DESC LIMIT 1")).one()
            found = find_applicant_by_curp(session, f" {curp.lower()} ")
            assert found is not None and (found.curp, found.nombre) == (curp, nombre)
            assert find_applicant_by_curp(session, 'X" OR curp : "A') is None
            assert find_applicant_by_curp(session, curp[:-1] + "Ñ") is None
            dependencia = session.scalar(text("SELECT dependencia_clave FROM tramites LIMIT 1"))
            query = _query(session, QueueFilter(dependencia=dependencia),
                           select(Expediente.status, func.count()),
                           with_group=False).group_by(Expediente.status)
            compiled = query.compile(dialect=sqlite.dialect())
            params = [compiled.params[k] for k in compiled.positiontup or ()]
            raw = session.connection().connection.driver_connection
            assert raw is not None
            plan = " | ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {compiled}",
                                                        params))
            assert "COVERING INDEX ix_expedientes_status_captured_at" in plan, plan
    finally:
        ctx.close()


def test_a_store_at_0016_upgrades_to_acknowledged_rows_without_sha256(tmp_path: Path) -> None:
    """Revision 0017: the acknowledged rows lose their sha256 (the pending ones keep it, a
    restore compares them), the audit log's folio index names the folio alone, the store is
    packed, and a folio's history is still read through an index."""
    data = tmp_path / "d"
    generate_store(data, N)
    ctx = open_context(data)
    downgrade(ctx.engine, "0016")
    with ctx.read() as session:
        assert session.scalar(text("SELECT count(*) FROM outbox WHERE state = 'acked' "
                                   "AND length(sha256) = 64")) == 0  # emptied stay empty
    with ctx.write() as session:  # as revision 0016 kept them
        session.execute(text("UPDATE outbox SET sha256 = printf('%064d', mutation_id) "
                             "WHERE state = 'acked'"))
    with ctx.read() as session:
        pending = dict(session.execute(text(
            "SELECT mutation_id, sha256 FROM outbox WHERE state = 'pending'")).tuples().all())
    assert pending and all(len(sha) == 64 for sha in pending.values())
    assert "ix_audit_log_entity_action" in _schema(ctx, "ix_audit_log_entity_action")
    ctx.close()

    ctx = open_context(data)
    try:
        with ctx.read() as session:
            assert session.scalar(text("SELECT count(*) FROM outbox WHERE state = 'acked' "
                                       "AND sha256 <> ''")) == 0
            assert dict(session.execute(text(
                "SELECT mutation_id, sha256 FROM outbox WHERE state = 'pending'"
            )).tuples().all()) == pending
            assert session.scalar(text("SELECT count(*) FROM settings "
                                       "WHERE key = 'store.vacuum_wanted'")) == 0
            folio = session.scalar(text("SELECT entity FROM audit_log "
                                        "WHERE action = 'expediente.capturado' LIMIT 1"))
            raw = session.connection().connection.driver_connection
            assert raw is not None
            plan = " ".join(r[3] for r in raw.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM audit_log WHERE entity = ? AND action = ?",
                (folio, "expediente.cancelado")))
            assert "INDEX ix_audit_log_entity" in plan, plan
        assert _schema(ctx, "ix_audit_log_entity_action") == "None"
    finally:
        ctx.close()
