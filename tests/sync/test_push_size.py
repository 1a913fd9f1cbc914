"""A push of more mutations than an older platform takes (413) is sent again in smaller batches,
and the size that passed is kept for that platform (sync.push_size)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.models import Machine, MutationRecord
from desktop.context import AppContext
from sync import push_size
from sync.engine import SyncEngine
from sync.errors import RequestRefused
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import (
    capture_many,
    enrolled_context,
    local_hashes,
    outbox_states,
    point_to,
    server_hashes,
)
from wire.protocol import MAX_BATCH, V1_MAX_BATCH

PUSH = b"POST /v1/sync/push"


@pytest.fixture(autouse=True)
def full_batches() -> Iterator[None]:
    push_size.forget()
    yield
    push_size.forget()


@pytest.fixture
def older_central(central_db: str) -> Iterator[CentralServer]:
    server = CentralServer(central_db, max_batch=3).start()
    yield server
    server.close()


def test_an_older_platform_gets_the_same_rows_in_smaller_batches(
        tmp_path: Path, older_central: CentralServer) -> None:
    window = enrolled_context(tmp_path / "v01", older_central, "V01")
    proxy = FaultProxy(older_central.port)
    try:
        capture_many(window, 7)
        point_to(window, proxy.url)
        report = SyncEngine(window).run_once(force=True)
        assert report.ok and report.acked == 7 and report.rejected == 0, report.message
        assert proxy.seen(PUSH) == 4  # 7 refused, then 3, 3, 1
        assert push_size.batch_size(proxy.url) == 3
        capture_many(window, 4, prefix="Después")
        assert SyncEngine(window).run_once(force=True).ok
        assert proxy.seen(PUSH) == 6  # remembered: 3 and 1, nothing refused
        assert outbox_states(window) == {"acked": 11}
        assert server_hashes(older_central.db) == local_hashes(window)
        with older_central.db.read() as session:
            recorded = session.scalar(select(func.count()).select_from(MutationRecord))
            last = session.scalar(select(func.max(Machine.last_mutation_id)))
        assert recorded == 11 and last == 11  # each applied once, in order
    finally:
        proxy.close()
        window.close()


def test_full_batches_to_a_platform_that_takes_them(window: AppContext,
                                                    central: CentralServer) -> None:
    capture_many(window, 3)
    assert SyncEngine(window).run_once(force=True).ok
    assert push_size.batch_size(central.url) == MAX_BATCH > V1_MAX_BATCH


def test_the_size_tried_after_a_refusal() -> None:
    assert push_size.fall_back("https://a", 780) == V1_MAX_BATCH  # what every platform takes
    assert push_size.batch_size("https://a") == V1_MAX_BATCH
    assert push_size.batch_size("https://b") == MAX_BATCH
    assert push_size.fall_back("https://a", V1_MAX_BATCH) == V1_MAX_BATCH // 2
    assert push_size.fall_back("https://a", 2) == 1
    refused = RequestRefused(413, "El lote excede el máximo")
    assert push_size.too_many(refused, 2)
    assert not push_size.too_many(refused, 1)  # one mutation too large: nothing smaller to send
    assert not push_size.too_many(RequestRefused(422, "Envío inválido"), 500)
