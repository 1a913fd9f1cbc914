"""Benchmark: our push against a peer, PouchDB replicating to express-pouchdb, same records, same
run (issue 15, "push to central (SQLite)").

    .venv/bin/python -m pytest tests/bench_push_peer.py -m bench -s   (BENCH_PEER_N=10000)

The records are expediente payloads as a window captures them (the peer gets each as a document
with `_id` = its uuid). The peer is installed from the npm registry by this benchmark
(scripts/bench-pouchdb, pinned in package-lock.json, `npm ci` when node_modules is missing) and
skipped with a message when npm or node is not there, or with BENCH_PEER=0 (make bench-smoke).
Ours: a window whose outbox holds the same records pushes them (sync.push.push_pending, real
HTTP) to `python -m central serve` on SQLite, a separate process as in production. Prints both
rates and the ratio, and the CPU time the window and central spent on our push.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SyncState
from localdb.states import EnvioState
from sync.engine import SyncEngine
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull_records import parse_record
from sync.push import push_pending
from tests.central.serve_process import ServeProcess
from tests.sync.central_server import CentralServer
from tests.sync.machines import capture_many, enrolled_context, point_to
from wire.canonical import canonical_json, payload_sha256
from wire.protocol import Change
from wire.times import DEFAULT_ZONE

N = int(os.environ.get("BENCH_PEER_N", "10000"))
PEER_DIR = Path(__file__).resolve().parent.parent / "scripts" / "bench-pouchdb"
SURNAMES = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez",
            "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes"]


def _records(ctx: AppContext) -> list[dict[str, Any]]:
    """N payloads of this window from its real captures, each with a new uuid, folio and name."""
    with ctx.read() as session:
        templates = [json.loads(p) for p in session.scalars(select(OutboxEntry.payload))]
        prefix = templates[0]["folio"].rsplit("-", 1)[0]
    records = []
    for i in range(N):
        payload = {**templates[i % len(templates)], "uuid": str(uuid.uuid4()),
                   "folio": f"{prefix}-{500_000 + i:06d}",
                   "nombre": f"{SURNAMES[i % 15]} {SURNAMES[(i // 15) % 15]} Persona {i}"}
        payload.pop("content_sha256")
        payload["content_sha256"] = payload_sha256(payload)
        records.append(payload)
    return records


def _queue(ctx: AppContext, records: list[dict[str, Any]]) -> None:
    """The records as captured and not yet sent: expediente rows and their outbox mutations."""
    now = datetime.now().replace(microsecond=0)
    rows, outbox = [], []
    for r in records:
        _, values = parse_record(Change(version=0, kind="expediente.record",
                                        entity_uuid=r["uuid"], data=r), DEFAULT_ZONE)
        rows.append({**values, "sync_state": EnvioState.PENDIENTE})
        outbox.append({"kind": "expediente.create", "entity_uuid": r["uuid"],
                       "payload": canonical_json(r).decode(), "sha256": payload_sha256(r),
                       "created_at": now})
    with ctx.write() as session:
        session.execute(insert(Expediente), rows)
        session.execute(insert(OutboxEntry), outbox)


def _peer(records_path: Path) -> dict[str, Any] | None:
    if os.environ.get("BENCH_PEER") == "0":
        print("\n[bench push peer] BENCH_PEER=0 (make bench-smoke): PouchDB peer skipped")
        return None
    if not (shutil.which("node") and shutil.which("npm")):
        print("\n[bench push peer] node/npm not found: PouchDB peer skipped")
        return None
    if not (PEER_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True,
                       timeout=600)
    done = subprocess.run(["node", "bench.js", str(records_path)], cwd=PEER_DIR, check=True,
                          capture_output=True, text=True, timeout=1800)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.bench
@pytest.mark.timeout(3600)
def test_push_against_pouchdb(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    enrolling = CentralServer(db_url).start()
    window = enrolled_context(tmp_path / "v01", enrolling, "V01")
    capture_many(window, 10)
    records = _records(window)  # before the sync: the store empties what the platform confirmed
    assert SyncEngine(window).run_once(force=True).ok
    enrolling.close()
    _queue(window, records)
    records_path = tmp_path / "records.json"
    records_path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    serve = ServeProcess(db_url).wait_ready()
    try:
        point_to(window, serve.url)
        with window.read() as session:
            machine_id = session.get_one(SyncState, 1).machine_id
        central_cpu = serve.cpu_seconds()
        began, window_cpu = time.perf_counter(), time.process_time()
        with PlatformClient(serve.url, load_machine_token(window.data_dir)) as client:
            outcome = push_pending(window, client, machine_id)
        ours_s, window_cpu = time.perf_counter() - began, time.process_time() - window_cpu
        central_cpu = serve.cpu_seconds() - central_cpu
    finally:
        serve.stop()
        window.close()
    assert outcome.acked == N and outcome.rejected == 0
    ours = N / ours_s
    avg = sum(len(canonical_json(r)) for r in records) / N
    line = (f"\n[bench push peer] N={N}: ours {ours:,.0f} rec/s ({ours_s:.2f} s, payload "
            f"{avg:.0f} B, {outcome.batches} batches, central serve on SQLite; CPU: window "
            f"{window_cpu:.2f} s, central {central_cpu:.2f} s)")
    peer = _peer(records_path)
    if peer is not None:
        line += (f" | PouchDB→express-pouchdb {peer['rate']:,.0f} docs/s ({peer['seconds']:.2f} s,"
                 f" doc {peer['avg_bytes']} B, batch_size {peer['batch_size']})"
                 f" | ratio {ours / peer['rate']:.2f}×")
    print(line)
