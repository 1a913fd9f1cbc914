"""Reliability suite (slow): thousands of records through a fault proxy, and a client killed with
SIGKILL mid-sync. Oracle: every captured expediente is on the platform exactly once with the same
hash, the outbox drains, pulled records are never duplicated, the local store stays intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from desktop.context import AppContext
from sync.engine import SyncEngine
from sync.push_batch import read_batch
from sync.run_steps import ONE_ATTEMPT
from tests.raw_store import raw_store
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import (
    capture_many,
    local_hashes,
    outbox_states,
    point_to,
    server_count,
    server_hashes,
    sync_state,
)

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from desktop.context import open_context
from sync.engine import SyncEngine
ctx = open_context(Path(sys.argv[1]))
print(SyncEngine(ctx).run_once(force=True).message, flush=True)
"""


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


def _sync_until_drained(ctx: AppContext, attempts: int = 5) -> None:
    engine = SyncEngine(ctx)
    for _ in range(attempts):
        if engine.run_once(force=True).ok and outbox_states(ctx).get("pending", 0) == 0:
            return
    raise AssertionError(f"outbox did not drain: {outbox_states(ctx)}")


def test_2000_records_through_latency_and_resets(window: AppContext, central: CentralServer,
                                                 proxy: FaultProxy, tmp_path: Path) -> None:
    capture_many(window, 2000, tmp_path / "anexos", with_attachments=20)
    with window.read() as session:  # as many as fit in a batch's bytes
        first = len(read_batch(session, sync_state(window).machine_id).sent)
    point_to(window, proxy.url)
    proxy.latency = 0.002
    proxy.arm("reset_mid_body", skip=1)  # the 2nd batch commits, its answer is cut
    engine = SyncEngine(window, retry=ONE_ATTEMPT)  # the next run, not a retry, must recover
    assert not engine.run_once(force=True).ok
    assert outbox_states(window) == {"acked": first, "pending": 2000 - first}
    proxy.arm("drop_response", skip=1)  # then the 3rd batch's answer is lost
    assert not engine.run_once(force=True).ok
    _sync_until_drained(window)
    assert outbox_states(window) == {"acked": 2000}
    assert server_hashes(central.db) == local_hashes(window)
    assert server_count(central.db) == 2000


def test_pull_pages_survive_a_reset(window: AppContext, other_window: AppContext,
                                    central: CentralServer, proxy: FaultProxy) -> None:
    capture_many(other_window, 1100, prefix="Otra")
    _sync_until_drained(other_window)
    point_to(window, proxy.url)
    proxy.arm("reset_mid_body", prefix=b"GET /v1/sync/pull", skip=1)
    engine = SyncEngine(window, retry=ONE_ATTEMPT)
    assert not engine.run_once(force=True).ok  # page 1 saved with its cursor, page 2 cut
    assert len(local_hashes(window)) == 1000
    assert engine.run_once(force=True).ok
    assert local_hashes(window) == local_hashes(other_window)


def _integrity(db_path: Path) -> str:
    with closing(raw_store(db_path.parent)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_client_killed_mid_sync_loses_and_duplicates_nothing(
        window: AppContext, central: CentralServer, proxy: FaultProxy, tmp_path: Path) -> None:
    capture_many(window, 1500, tmp_path / "anexos", with_attachments=10)
    point_to(window, proxy.url)
    proxy.latency = 0.01  # slow enough to land the kill inside a batch
    env = {**os.environ, "VENTANILLA_CREDENTIALS": "file", "PYTHONPATH": str(REPO)}
    for pause in (0.0, 0.2, 0.5, 1.0):
        pushes = proxy.seen(b"POST /v1/sync/push")
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(window.data_dir)], cwd=REPO,
                                 env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while proxy.seen(b"POST /v1/sync/push") == pushes and child.poll() is None:
            assert time.monotonic() < deadline, "the child never pushed"
            time.sleep(0.01)
        time.sleep(pause)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert _integrity(window.db_path) == "ok"
    proxy.latency = 0
    _sync_until_drained(window)
    assert outbox_states(window) == {"acked": 1500}
    assert server_hashes(central.db) == local_hashes(window)
    assert server_count(central.db) == 1500
