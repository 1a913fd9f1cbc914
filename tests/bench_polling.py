"""Benchmark: central under many windows polling (issue 15, "machines polling every 60 s + 10 %
pushing").

    .venv/bin/python -m pytest tests/bench_polling.py -m bench -s
    BENCH_POLL_MACHINES=10000 BENCH_POLL_SECONDS=60 BENCH_POLL_PUSHING=0.10 (defaults)
    BENCH_CENTRAL_DIR=/path/to/another/checkout runs that checkout's central (a before/after).

A real `python -m central serve` (SQLite, one worker, no access log) on loopback. The machines
are enrolled straight into its database with real random tokens (as /v1/enroll makes them), 20
windows an office, each already up to date (its report stored, its cursor at the office's head).
Each machine polls once per period at its own offset (open loop, spread over the period): GET
/v1/sync/pull with its cursor, epoch, If-None-Match and report headers, on a new connection each
time (a window's keep-alive connection has long closed after a minute); a share of the machines
first pushes one expediente.create (so the other windows of its office have something to pull).
The load comes from tests/poll_load.py in its own process (asyncio, raw HTTP/1.1), latencies
counted from each request's due moment. The benchmark prints p50/p95/p99 (and p99 of the polls
and of the pushes apart), the statuses (304: a quiet poll), central's CPU per request (its
process CPU time over the run / requests), and the generator's own CPU and lag.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from central import admin
from central.db import Database
from central.models import Machine, Office, Platform, table_of, utc_now
from central.security import sha256_hex
from tests.central.serve_process import free_port
from tests.central_harness import publish_test_catalog
from wire.canonical import payload_sha256

MACHINES = int(os.environ.get("BENCH_POLL_MACHINES", "10000"))
SECONDS = float(os.environ.get("BENCH_POLL_SECONDS", "60"))
PUSHING = float(os.environ.get("BENCH_POLL_PUSHING", "0.10"))
CENTRAL_DIR = os.environ.get("BENCH_CENTRAL_DIR")
WINDOWS_PER_OFFICE = 20
# The central under test logs no line per request (as a busy production one would be run).
SERVE_OPTIONS = [] if CENTRAL_DIR else ["--no-access-log"]


@dataclass
class Window:
    machine_id: str
    token: str
    office: str
    ventanilla: str
    cursor: int = 0
    last_mutation: int = 0
    folio: int = 0


def _enroll_all(db: Database) -> list[Window]:
    windows = []
    offices = (MACHINES + WINDOWS_PER_OFFICE - 1) // WINDOWS_PER_OFFICE
    with db.write() as session:
        session.execute(insert(table_of(Office)), [
            {"clave": f"O{o:04d}", "nombre": f"Oficina {o}", "municipio": "Hermosillo"}
            for o in range(offices)])
    rows = []
    for i in range(MACHINES):
        token = secrets.token_urlsafe(32)
        w = Window(str(uuid.uuid4()), token, f"O{i // WINDOWS_PER_OFFICE:04d}",
                   f"V{i % WINDOWS_PER_OFFICE + 1:02d}")
        windows.append(w)
        rows.append({"id": w.machine_id, "office": w.office, "ventanilla": w.ventanilla,
                     "token_sha256": sha256_hex(token), "receipt_public_key": "",
                     "hostname": "bench", "app_version": "bench", "last_mutation_id": 0,
                     "config_applied": 0, "pending": 0,
                     "enrolled_at": utc_now(), "last_seen": None})
    with db.write() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(table_of(Machine)), rows[start:start + 5000])
    return windows


def _create_body(w: Window) -> bytes:
    w.folio += 1
    w.last_mutation += 1
    payload: dict[str, Any] = {
        "uuid": str(uuid.uuid4()), "folio": f"{w.office}-{w.ventanilla}-2026-{w.folio:06d}",
        "tramite_homoclave": "TES-PRED-001", "tramite_version": 1,
        "answers": {"clave_catastral": "12-345-678", "superficie": "120"},
        "requisitos": [{"clave": "ine", "recibido": True, "nota": ""}],
        "cobros": [{"concepto": "Derecho", "cri": "4.3.1.1", "importe": "150.00"}],
        "total": "150.00", "nombre": "María López Pérez", "curp": None, "rfc": None,
        "created_by": "operador1", "captured_at": "2026-03-02T10:30:00",
        "origin_machine": w.machine_id, "oficina": w.office, "ventanilla": w.ventanilla,
        "attachments": [],
    }
    payload["content_sha256"] = payload_sha256(payload)
    body = {"machine_id": w.machine_id, "app_version": "bench", "pending": 0, "mutations": [
        {"mutation_id": w.last_mutation, "kind": "expediente.create",
         "entity_uuid": payload["uuid"], "payload": payload, "sha256": payload_sha256(payload)}]}
    return gzip.compress(json.dumps(body).encode(), compresslevel=6)


def _plan(port: int, epoch: str, windows: list[Window]) -> dict[str, Any]:
    """Every window's visit: its moment in the period, its token and report, and the push it
    sends first (one machine in ten, by default)."""
    rng = random.Random(15)
    report = {"X-Ventanilla-App": "bench", "X-Ventanilla-Config": "0",
              "X-Ventanilla-Pendientes": "0"}
    visits = []
    for w in windows:
        at, push = rng.uniform(0, SECONDS), rng.random() < PUSHING
        visits.append({"at": at, "token": w.token, "cursor": w.cursor, "report": report,
                       "push": _create_body(w).hex() if push else None})
    return {"port": port, "epoch": epoch, "seconds": SECONDS, "visits": visits}


def _run_load(tmp_path: Path, plan: dict[str, Any]) -> dict[str, Any]:
    """The generator in its own process (tests/poll_load.py); its results."""
    plan_path, result_path = tmp_path / "plan.json", tmp_path / "result.json"
    plan_path.write_text(json.dumps(plan))
    subprocess.run([sys.executable, "-m", "tests.poll_load", str(plan_path), str(result_path)],
                   check=True, cwd=Path(__file__).resolve().parent.parent, timeout=SECONDS + 600)
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.mark.bench
@pytest.mark.timeout(3600)
def test_machines_polling(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    db = Database(url)
    admin.init_platform(db)
    publish_test_catalog(db)
    windows = _enroll_all(db)
    epoch = _epoch(db)
    db.dispose()
    port = free_port()
    plan = _plan(port, epoch, windows)
    env = {**os.environ, "PYTHONPATH": CENTRAL_DIR} if CENTRAL_DIR else None
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "central", "serve", "--db", url, "--port",
                             str(port), *SERVE_OPTIONS], cwd=CENTRAL_DIR, env=env,
                            stdout=log, stderr=log)
    try:
        _wait(port)
        cpu_before, began = _cpu_seconds(proc.pid), time.perf_counter()
        result = _run_load(tmp_path, plan)
        wall, cpu = time.perf_counter() - began, _cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    latencies, statuses = result["latencies"], {int(k): v for k, v in result["statuses"].items()}
    n, pushes = len(latencies), result["push_latencies"] or [0.0]
    polls = result["poll_latencies"]
    ms = {q: _percentile(latencies, q / 100) * 1000 for q in (50, 95, 99)}
    print(f"\n[bench polling] {MACHINES} machines / {SECONDS:.0f} s, {PUSHING:.0%} pushing "
          f"({'central of ' + CENTRAL_DIR if CENTRAL_DIR else 'this central'}): {n} requests in "
          f"{wall:.1f} s ({n / wall:.0f}/s), statuses {dict(sorted(statuses.items()))}, "
          f"p50 {ms[50]:.1f} ms, p95 {ms[95]:.1f} ms, p99 {ms[99]:.1f} ms (from each request's "
          f"due moment; the polls alone p99 {_percentile(polls, 0.99) * 1000:.1f} ms, the "
          f"pushes alone p50 {_percentile(pushes, 0.5) * 1000:.1f} ms, p99 "
          f"{_percentile(pushes, 0.99) * 1000:.1f} ms), central CPU {cpu * 1000 / n:.2f} "
          f"ms/request ({cpu / wall:.0%} of a core); generator CPU "
          f"{result['cpu'] * 1000 / n:.2f} ms/request "
          f"({result['cpu'] / result['wall']:.0%} of a core), lag p50 "
          f"{_percentile(result['lag'], 0.5) * 1000:.1f} ms, p99 "
          f"{_percentile(result['lag'], 0.99) * 1000:.1f} ms")
    # 503 (busy) and 429 are answers a window retries: counted above, not a failure here.
    assert n and not statuses.get(0), result["errors"]
    assert all(s in (200, 304, 429, 503) for s in statuses), statuses


def _epoch(db: Database) -> str:
    with db.read() as session:
        return session.get_one(Platform, 1).epoch


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/sync/pull")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("central serve did not answer")
