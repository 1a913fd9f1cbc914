"""Counts from the store's counters and searches that stop early (issue 15) give exactly what
counting and sorting every row gave, on a generated store where records pulled from the other
window arrive out of capture order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from desktop.context import AppContext, open_context
from desktop.records import newest_matches
from desktop.records.counts import count_by_status
from desktop.records.expedientes import (
    SYNC_FILTERS,
    _base,
    _filtered,
    cancel_folio,
    count_expedientes,
    page_expedientes,
)
from localdb.models import Expediente, OutboxEntry
from localdb.states import EnvioState, ExpedienteStatus, OutboxState
from tests.store_generator import generate_store
from tests.test_expedientes_filters import SUPERVISOR

SEARCHES = ("hernández", "garcia lopez", "mar", "ma", "jose", "HMO-V02", "zzzz")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    data_dir = tmp_path_factory.mktemp("escala") / "datos"
    generate_store(data_dir, 3_000)
    ctx = open_context(data_dir)
    yield ctx
    ctx.close()


def _sorted_every_match(session: Any, search: str, offset: int, limit: int) -> list[str]:
    """The page as it was computed before: every match sorted by (captured_at, uuid)."""
    query = _filtered(_base(), search, None).order_by(Expediente.captured_at.desc(),
                                                      Expediente.uuid.desc())
    return [r.folio for r in session.execute(query.offset(offset).limit(limit))]


def _brute_count(session: Any, status: str | None, sync_state: str | None) -> int:
    query = select(func.count()).select_from(Expediente)
    if status:
        query = query.where(Expediente.status == status)
    if sync_state:
        query = query.where(SYNC_FILTERS[EnvioState(sync_state)]())
    return session.scalar(query) or 0


def test_rows_arrived_out_of_capture_order(store: AppContext) -> None:
    with store.read() as s:
        late = s.scalar(text("SELECT count(*) FROM expedientes a WHERE EXISTS (SELECT 1 FROM "
                             "expedientes b WHERE b.rowid < a.rowid AND b.captured_at > "
                             "a.captured_at)"))
    assert late and late > 50  # otherwise the test below proves nothing


@pytest.mark.parametrize(("max_late", "read_ahead"),
                         [(newest_matches.MAX_LATE, newest_matches.READ_AHEAD),
                          (newest_matches.MAX_LATE, 1), (3, newest_matches.READ_AHEAD)])
def test_search_pages_are_the_newest_matches_in_order(store: AppContext, max_late: int,
                                                      read_ahead: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(newest_matches, "MAX_LATE", max_late)  # 3: the fallback runs too
    # 1: no read ahead, every late row is checked against the index by the second read
    monkeypatch.setattr(newest_matches, "READ_AHEAD", read_ahead)
    with store.read() as s:
        for search in SEARCHES:
            for offset, limit in ((0, 100), (100, 100), (0, 7), (250, 50)):
                got = [r.folio for r in page_expedientes(s, search, offset, limit)]
                assert got == _sorted_every_match(s, search, offset, limit), (search, offset)
            assert count_expedientes(s, search) == len(_sorted_every_match(s, search, 0, 10**6))


def test_counts_come_from_counters_and_match_every_filter(store: AppContext) -> None:
    with store.write() as s:  # a pull's status change, a refused mutation, a new pending one
        first, second, third = s.scalars(select(Expediente.uuid).limit(3)).all()
        s.execute(update(Expediente).where(Expediente.uuid == first)
                  .values(status=ExpedienteStatus.VALIDADO, sync_state=EnvioState.FALTAN_ANEXOS))
        s.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == second)
                  .values(state=OutboxState.REJECTED))
        s.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == third)
                  .values(state=OutboxState.PENDING))
    with store.read() as s:
        folio = s.scalars(select(Expediente.folio).where(
            Expediente.status != ExpedienteStatus.CANCELADO, Expediente.paid_at.is_(None))
            .order_by(Expediente.captured_at.desc())).first()
    assert folio is not None
    cancel_folio(store, SUPERVISOR, folio, "Capturado dos veces")
    with store.read() as s:
        assert s.scalar(text("SELECT sum(n) FROM expediente_counts")) == 3_000
        for status in (None, *ExpedienteStatus):
            for sync_state in (None, *SYNC_FILTERS):
                assert count_expedientes(s, "", status, sync_state) == _brute_count(
                    s, status, sync_state), (status, sync_state)
        by_status = dict(s.execute(select(Expediente.status, func.count())
                                   .group_by(Expediente.status)).tuples().all())
        assert count_by_status(s) == {k.value: v for k, v in by_status.items()}


def test_counters_follow_deletes(tmp_path: Path) -> None:
    generate_store(tmp_path / "d", 50)
    ctx = open_context(tmp_path / "d")
    try:
        with ctx.write() as s:
            s.execute(text("DELETE FROM outbox"))
            s.execute(text("DELETE FROM expedientes WHERE rowid % 3 = 0"))
        with ctx.read() as s:
            assert count_expedientes(s) == s.scalar(select(func.count()).select_from(Expediente))
    finally:
        ctx.close()


def test_acknowledged_payloads_are_compacted_and_an_upgrade_shrinks_the_file(
        tmp_path: Path) -> None:
    from localdb.migrate import downgrade
    from tests.raw_store import raw_connect

    generate_store(tmp_path / "d", 400)
    ctx = open_context(tmp_path / "d")
    with ctx.read() as s:  # made at the head: the trigger compacted them as they were acked
        states = dict(s.execute(text("SELECT state, max(length(payload)) FROM outbox "
                                     "GROUP BY state")).tuples().all())
    assert states["acked"] == 0 and states["pending"] > 500
    downgrade(ctx.engine, "0009")  # an older store: acknowledged payloads kept whole
    raw = raw_connect(ctx)
    raw.execute("BEGIN")
    raw.execute("UPDATE outbox SET payload = (SELECT payload FROM outbox WHERE state = 'pending'"
                " LIMIT 1) WHERE state = 'acked'")
    raw.execute("COMMIT")
    raw.close()
    ctx.close()
    before = (tmp_path / "d" / "ventanilla.db").stat().st_size
    ctx = open_context(tmp_path / "d")  # upgraded: compacted, then the file rewritten (VACUUM)
    try:
        with ctx.read() as s:
            assert s.scalar(text("SELECT max(length(payload)) FROM outbox "
                                 "WHERE state = 'acked'")) == 0
            assert s.scalar(text("SELECT count(*) FROM settings "
                                 "WHERE key = 'store.vacuum_wanted'")) == 0
        assert (tmp_path / "d" / "ventanilla.db").stat().st_size < before * 0.9
    finally:
        ctx.close()
