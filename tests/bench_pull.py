"""Benchmark: a fresh window pulls N changes (issue 15, second table, "pull of 100,000 changes").

    .venv/bin/python -m pytest tests/bench_pull.py -m bench -s   (BENCH_PULL_N=100000 default)

Central (SQLite, real app on loopback, in this process: its CPU and memory count) holds N
`expediente.record` changes of another window of the office, written straight into its tables
from a few real captures (new uuid, folio and hash each). The window V02 enrolls and pulls them
all with `pull_changes`; the benchmark prints the wall time, the rate and the process's peak RSS.
"""

from __future__ import annotations

import os
import resource
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from central.models import Change, Machine, ScopeCounter, table_of, utc_now
from desktop.context import AppContext
from localdb.models import Expediente
from sync.engine import SyncEngine
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull import pull_changes
from tests.sync.central_server import OFFICE, CentralServer
from tests.sync.machines import capture_many, enrolled_context, sync_state
from wire.canonical import payload_sha256

N = int(os.environ.get("BENCH_PULL_N", "100000"))
CHUNK = 5_000


def _variant(template: dict[str, Any], i: int) -> dict[str, Any]:
    payload = dict(template)
    payload["uuid"] = str(uuid.uuid4())
    payload["folio"] = f"{template['oficina']}-{template['ventanilla']}-2026-{500_000 + i:06d}"
    payload["nombre"] = f"Persona {i} Pérez"
    payload.pop("content_sha256", None)
    payload["content_sha256"] = payload_sha256(payload)
    return payload


def _fill_central(server: CentralServer, templates: list[dict[str, Any]], origin: str) -> None:
    """N record changes after whatever the office already has, in chunks of one transaction."""
    with server.db.write() as session:
        start = session.scalar(select(ScopeCounter.version).where(ScopeCounter.scope == OFFICE))
    first = (start or 0) + 1
    now = utc_now()
    for base in range(0, N, CHUNK):
        rows = []
        for i in range(base, min(N, base + CHUNK)):
            payload = _variant(templates[i % len(templates)], i)
            rows.append({"scope": OFFICE, "version": first + i, "kind": "expediente.record",
                         "entity_uuid": payload["uuid"], "origin_machine": origin,
                         "data": payload, "created_at": now})
        with server.db.write() as session:
            session.execute(insert(table_of(Change)), rows)
    with server.db.write() as session:
        session.execute(update(table_of(ScopeCounter)).where(ScopeCounter.scope == OFFICE)
                        .values(version=first + N - 1))


def _templates(server: CentralServer) -> tuple[list[dict[str, Any]], str]:
    with server.db.read() as session:
        rows = session.scalars(select(Change).where(Change.kind == "expediente.record")).all()
        origin = session.scalar(select(Machine.id).where(Machine.ventanilla == "V01"))
    assert rows and origin
    return [dict(r.data) for r in rows], origin


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.bench
@pytest.mark.timeout(1800)
def test_pull_of_many_changes(tmp_path: Path) -> None:
    server = CentralServer(f"sqlite:///{tmp_path / 'central.db'}").start()
    pusher = enrolled_context(tmp_path / "v01", server, "V01")
    try:
        capture_many(pusher, 10)
        assert SyncEngine(pusher).run_once(force=True).ok
        templates, origin = _templates(server)
        _fill_central(server, templates, origin)
        puller = enrolled_context(tmp_path / "v02", server, "V02")
        rss_before = _peak_rss_mb()
        started = time.perf_counter()
        cpu = time.process_time()
        with PlatformClient(server.url, _token(puller)) as client:
            outcome = pull_changes(puller, client, max_pages=N)
        seconds = time.perf_counter() - started
        cpu_s = time.process_time() - cpu
        with puller.read() as session:
            stored = session.scalar(select(func.count()).select_from(Expediente))
        assert outcome.set_aside == 0 and stored == N + len(templates)
        assert sync_state(puller).pull_cursor > N
        print(f"\n[bench pull] N={N}: {seconds:.2f} s ({N / seconds:,.0f} changes/s), "
              f"process CPU {cpu_s:.1f} s (window + central), peak RSS {_peak_rss_mb():.0f} MB "
              f"(before the pull {rss_before:.0f} MB)")
        puller.close()
    finally:
        pusher.close()
        server.close()


def _token(ctx: AppContext) -> str:
    return load_machine_token(ctx.data_dir)
