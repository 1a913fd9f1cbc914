"""The push's marks of an answer commit without waiting for the disk (ARCHITECTURE §7): a power
cut may lose them, and the next run repairs that by sending the rows again. A refolio, which
hands out a folio and queues a new mutation, still commits FULL."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import sync.push
from central.models import MutationRecord
from desktop.context import AppContext, open_context
from desktop.paths import DB_FILENAME
from desktop.records.refolio import Refolios
from localdb.models import Expediente
from sync.engine import SyncEngine
from sync.push_batch import Batch, Sent
from tests.raw_store import raw_connect, raw_store
from tests.sync.central_server import CentralServer
from tests.sync.machines import capture_many, outbox_states, server_count, server_hashes
from tests.sync.test_sync_faults import _poison
from wire.protocol import FOLIO_TAKEN, PushResponse

FULL, NORMAL = 2, 1


def _synchronous(session: Session) -> int:
    return int(session.execute(text("PRAGMA synchronous")).scalar_one())


def test_a_write_that_need_not_be_durable_leaves_the_next_one_full(window: AppContext) -> None:
    with window.write(durable=False) as session:
        assert _synchronous(session) == NORMAL
    with window.write() as session:  # the same pooled connection
        assert _synchronous(session) == FULL
    with window.read() as session:
        assert _synchronous(session) == FULL


def test_marks_commit_normal_and_a_refolio_full(window: AppContext,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    mark = sync.push.mark_results

    def spy(session: Session, *args: Any) -> sync.push.PushOutcome:
        seen.append(_synchronous(session))
        return mark(session, *args)

    monkeypatch.setattr(sync.push, "mark_results", spy)
    capture_many(window, 2)
    assert SyncEngine(window).run_once(force=True).ok
    assert seen == [NORMAL]

    refolio_levels: list[int] = []

    def refolio(session: Session, ids: list[int]) -> Refolios:
        refolio_levels.append(_synchronous(session))
        return Refolios()

    monkeypatch.setattr(sync.push, "refolio_refused_creates", refolio)
    batch = Batch([Sent(7, "u")], [], b"", None)
    taken = PushResponse.model_validate({
        "last_mutation_id": 7, "server_time": "2026-01-05T15:00:00",
        "results": [{"mutation_id": 7, "status": "rejected",
                     "error": f"el folio X {FOLIO_TAKEN}"}]})
    sync.push._mark(window, batch, taken, sync.push.PushOutcome())
    assert refolio_levels == [FULL]


def _files(folder: Path) -> list[Path]:
    return [folder / f"{DB_FILENAME}{suffix}" for suffix in ("", "-wal")]


def test_marks_lost_on_a_power_cut_are_repaired_by_the_next_run(
        tmp_path: Path, window: AppContext, central: CentralServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as the disk held it just before the marking transaction: the platform applied
    the batch (and refused the poisoned record), the window knows nothing of it."""
    uuids = capture_many(window, 4)
    _poison(window, uuids[1])
    disk = tmp_path / "disk"
    mark = sync.push._mark

    def power_cut_before(ctx: AppContext, *args: Any) -> None:
        disk.mkdir()
        for path in _files(ctx.data_dir):
            shutil.copy2(path, disk / path.name)
        mark(ctx, *args)

    monkeypatch.setattr(sync.push, "_mark", power_cut_before)
    assert SyncEngine(window).run_once(force=True).ok
    monkeypatch.setattr(sync.push, "_mark", mark)
    window.close()
    (window.data_dir / f"{DB_FILENAME}-shm").unlink(missing_ok=True)
    for path in _files(window.data_dir):
        shutil.copy2(disk / path.name, path)

    again = open_context(window.data_dir)
    try:
        assert outbox_states(again) == {"pending": 4}  # the marks were lost
        report = SyncEngine(again).run_once(force=True)
        assert report.ok and report.acked == 3 and report.rejected == 1
        assert outbox_states(again) == {"acked": 3, "rejected": 1}
        with again.read() as session:
            rows = session.execute(select(Expediente.uuid, Expediente.sync_state))
            states = dict(rows.tuples().all())
        assert [states[u] for u in uuids] == ["sincronizado", "rechazado", "sincronizado",
                                              "sincronizado"]
    finally:
        again.close()
    assert server_count(central.db) == 3 and set(server_hashes(central.db)) == {
        uuids[0], uuids[2], uuids[3]}
    with central.db.read() as session:  # each mutation recorded once
        assert session.scalar(select(func.count()).select_from(MutationRecord)) == 4


def _outbox(raw: Any) -> list[tuple[Any, ...]]:
    return list(raw.execute("SELECT * FROM outbox ORDER BY mutation_id"))


def test_the_push_compacts_what_it_acknowledges_as_the_trigger_does(
        tmp_path: Path, window: AppContext, central: CentralServer) -> None:
    """What the push's marks leave of the rows it sent is what the compaction trigger of
    localdb/counters.py leaves (payload and sha256 emptied, attempts counted, nothing else
    changed), whatever the marking statements are."""
    capture_many(window, 6)
    before = tmp_path / "before"
    shutil.copytree(window.data_dir, before)
    assert SyncEngine(window).run_once(force=True).ok
    pushed = raw_connect(window)
    try:
        rows = _outbox(pushed)
    finally:
        pushed.close()
    by_trigger = raw_store(before)
    try:
        by_trigger.execute("UPDATE outbox SET state = 'acked', attempts = attempts + 1, "
                           "last_error = NULL, next_attempt_at = NULL WHERE state = 'pending'")
        expected = _outbox(by_trigger)
    finally:
        by_trigger.close()
    assert rows == expected
    assert [(r[3], r[4], r[5]) for r in rows] == [("", "", "acked")] * 6
