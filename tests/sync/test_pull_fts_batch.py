"""A pulled page's new rows enter the search index in one statement, in the page's transaction
(localdb.fts.indexed_as_a_batch, revision 0018): each row is indexed exactly once, a row captured
at the counter still goes through the per-row trigger, and a window killed inside a page — rows
inserted, not yet indexed — finds every expediente it holds, then every one once the pull ends."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from desktop.context import AppContext, open_context
from desktop.records.expedientes import count_expedientes, page_expedientes
from localdb.engine import make_engine
from localdb.fts import BATCH_SETTING, indexed_as_a_batch
from localdb.migrate import downgrade, upgrade_to_head
from localdb.models import Expediente, OutboxEntry, Setting, SyncState
from sync.pull import pull_changes
from tests.sync.machines import capture_many
from tests.sync.pull_killed import FilePages
from wire.protocol import Change, PullResponse

EPOCH = "e1"
PER_PAGE = 4


def _pages(ctx: AppContext, count: int) -> dict[int, PullResponse]:
    """`count` pages of records of another window, each applicant with a name of its own."""
    capture_many(ctx, 1)
    with ctx.write() as session:
        template = json.loads(session.scalars(select(OutboxEntry.payload)).first() or "{}")
        session.get_one(SyncState, 1).epoch = EPOCH
    pages = {}
    for page in range(count):
        changes = []
        for version in range(page * PER_PAGE + 1, (page + 1) * PER_PAGE + 1):
            record = {**template, "uuid": str(uuid.uuid4()), "folio": f"HMO-V09-2026-{version:06d}",
                      "nombre": f"Jalada Persona{version:04d}"}
            changes.append(Change(version=version, kind="expediente.record",
                                  entity_uuid=record["uuid"], data=record))
        last = (page + 1) * PER_PAGE
        pages[page * PER_PAGE] = PullResponse(changes=changes, next_cursor=last,
                                              has_more=page + 1 < count, epoch=EPOCH)
    return pages


def _found(ctx: AppContext, version: int) -> bool:
    """The expediente of change `version` as a counter user finds it: by its applicant's name."""
    with ctx.read() as session:
        rows = page_expedientes(session, search=f"persona{version:04d}")
        return count_expedientes(session, search=f"persona{version:04d}") == 1 and len(rows) == 1


def _index_is_whole(ctx: AppContext) -> None:
    """FTS5's own check against the content table (rank 1): no row missing, none twice."""
    with ctx.write() as session:
        session.execute(text("INSERT INTO expedientes_fts(expedientes_fts, rank) "
                             "VALUES ('integrity-check', 1)"))
        assert session.get(Setting, BATCH_SETTING) is None


def _cursor(ctx: AppContext) -> int:
    with ctx.read() as session:
        return session.get_one(SyncState, 1).pull_cursor


def _copy_of_first_row(values: dict[str, str]) -> str:
    """An INSERT copying the first expediente, with `values` (column → SQL literal) instead."""
    columns = [c.name for c in Expediente.__table__.columns]
    return (f"INSERT INTO expedientes ({', '.join(columns)}) SELECT "
            + ", ".join(values.get(c, c) for c in columns) + " FROM expedientes LIMIT 1")


def test_pulled_rows_are_indexed_once_and_found(demo_ctx: AppContext) -> None:
    pages = _pages(demo_ctx, 3)
    outcome = pull_changes(demo_ctx, FilePages(pages), max_pages=10)  # type: ignore[arg-type]
    assert outcome.changes == 3 * PER_PAGE and outcome.set_aside == 0
    assert all(_found(demo_ctx, v) for v in range(1, 3 * PER_PAGE + 1))
    _index_is_whole(demo_ctx)
    capture_many(demo_ctx, 1)  # a capture after the pull: the per-row trigger indexes it
    with demo_ctx.read() as session:
        assert count_expedientes(session) == 3 * PER_PAGE + 2
    _index_is_whole(demo_ctx)


def test_the_trigger_steps_aside_only_inside_a_batch(demo_ctx: AppContext) -> None:
    capture_many(demo_ctx, 1)
    with demo_ctx.write() as session:
        connection = session.connection()
        copy = _copy_of_first_row({"uuid": "'u-copy'", "folio": "'HMO-V09-2026-999999'",
                                   "nombre": "'Copiada Batchina'"})
        with indexed_as_a_batch(connection):
            connection.exec_driver_sql(copy)
            hits = connection.exec_driver_sql(
                "SELECT count(*) FROM expedientes_fts WHERE expedientes_fts MATCH 'batchina'")
            assert hits.scalar() == 0  # not by the trigger: by the batch, at the end
            assert session.get(Setting, BATCH_SETTING) is not None
    with demo_ctx.read() as session:
        assert count_expedientes(session, search="batchina") == 1
    _index_is_whole(demo_ctx)


def test_a_refused_insert_leaves_what_the_batch_inserted_indexed(demo_ctx: AppContext) -> None:
    capture_many(demo_ctx, 1)
    with demo_ctx.write() as session:
        connection = session.connection()
        copy = _copy_of_first_row({"uuid": "'{0}-uuid'", "folio": "'{0}-folio'",
                                   "nombre": "'Refusada {0}'"})
        with pytest.raises(Exception, match="UNIQUE"), indexed_as_a_batch(connection):
            connection.exec_driver_sql(copy.format("primera"))
            connection.exec_driver_sql(copy.format("primera"))  # the same uuid again: refused
    with demo_ctx.read() as session:  # the caller committed anyway: the first copy is found
        assert count_expedientes(session, search="refusada primera") == 1
    _index_is_whole(demo_ctx)


def test_a_window_killed_inside_a_page_finds_every_expediente(demo_ctx: AppContext,
                                                                tmp_path: Path) -> None:
    pages = _pages(demo_ctx, 4)
    data_dir = demo_ctx.data_dir
    demo_ctx.close()
    pages_file = tmp_path / "pages.json"
    pages_file.write_text(json.dumps({c: p.model_dump(mode="json") for c, p in pages.items()}))
    child = subprocess.run([sys.executable, "-m", "tests.sync.pull_killed", str(data_dir),
                            str(pages_file), "3"], capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    ctx = open_context(data_dir)
    try:
        assert _cursor(ctx) == 2 * PER_PAGE  # pages 1 and 2 committed, page 3 rolled back
        _index_is_whole(ctx)
        assert all(_found(ctx, v) for v in range(1, 2 * PER_PAGE + 1))
        assert not any(_found(ctx, v) for v in range(2 * PER_PAGE + 1, 4 * PER_PAGE + 1))
        outcome = pull_changes(ctx, FilePages(pages), max_pages=10)  # type: ignore[arg-type]
        assert outcome.changes == 2 * PER_PAGE
        assert all(_found(ctx, v) for v in range(1, 4 * PER_PAGE + 1))
        _index_is_whole(ctx)
    finally:
        ctx.close()




def test_revision_0018_puts_the_condition_on_the_trigger_and_takes_it_off(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    key = secrets.token_bytes(32)
    engine = make_engine(db, key)

    def trigger() -> str:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = "
                                            "'expedientes_fts_ai'").scalar())

    upgrade_to_head(engine, db, key)
    assert BATCH_SETTING in trigger()
    downgrade(engine, "0017")
    assert BATCH_SETTING not in trigger() and "INSERT INTO expedientes_fts" in trigger()
    upgrade_to_head(engine, db, key)
    assert BATCH_SETTING in trigger()
    engine.dispose()


def test_a_batch_setting_left_committed_is_mended_at_open(demo_ctx: AppContext) -> None:
    with demo_ctx.write() as session:  # never done by the app: by hand, or a bug
        session.add(Setting(key=BATCH_SETTING, value="1"))
    capture_many(demo_ctx, 1)  # the trigger steps aside: not indexed
    with demo_ctx.read() as session:
        nombre = session.scalars(select(Expediente.nombre)).one()
        assert count_expedientes(session, search=nombre) == 0
    data_dir = demo_ctx.data_dir
    demo_ctx.close()
    ctx = open_context(data_dir)
    try:
        with ctx.read() as session:
            assert count_expedientes(session, search=nombre) == 1
        _index_is_whole(ctx)
        capture_many(ctx, 1)  # the trigger is back
        _index_is_whole(ctx)
    finally:
        ctx.close()
