"""Benchmark: push and pull throughput against the real central on loopback (issue 5).

Run: .venv/bin/python -m pytest tests/bench_sync.py -m bench -s  (BENCH_SYNC_RECORDS=2000).
Prints seconds and records/s for push (window V01) and pull (window V02); asserts correctness only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sync.engine import SyncEngine
from tests.sync.central_server import CentralServer
from tests.sync.machines import capture_many, enrolled_context, local_hashes, server_hashes

RECORDS = int(os.environ.get("BENCH_SYNC_RECORDS", "2000"))


@pytest.mark.bench
def test_push_and_pull_throughput(tmp_path: Path) -> None:
    server = CentralServer(f"sqlite:///{tmp_path / 'central.db'}").start()
    pusher = enrolled_context(tmp_path / "v01", server, "V01")
    puller = enrolled_context(tmp_path / "v02", server, "V02")
    try:
        started = time.perf_counter()
        capture_many(pusher, RECORDS, tmp_path / "anexos", with_attachments=RECORDS // 100)
        capture_s = time.perf_counter() - started

        started = time.perf_counter()
        push = SyncEngine(pusher).run_once(force=True)
        push_s = time.perf_counter() - started
        started = time.perf_counter()
        pull = SyncEngine(puller).run_once(force=True)
        pull_s = time.perf_counter() - started

        assert push.ok and push.acked == RECORDS and pull.ok and pull.pulled == RECORDS
        assert server_hashes(server.db) == local_hashes(pusher) == local_hashes(puller)
        print(f"\ncapture {RECORDS}: {capture_s:.1f} s | push: {push_s:.2f} s "
              f"({RECORDS / push_s:.0f}/s) | pull: {pull_s:.2f} s ({RECORDS / pull_s:.0f}/s)")
    finally:
        pusher.close()
        puller.close()
        server.close()
