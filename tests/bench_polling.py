"""Benchmark: central under many windows polling (issue 15, "machines polling every 60 s + 10 %
pushing").

    .venv/bin/python -m pytest tests/bench_polling.py -m bench -s
    BENCH_POLL_MACHINES=10000 BENCH_POLL_SECONDS=60 BENCH_POLL_PUSHING=0.10 (defaults)
    BENCH_CENTRAL_DIR=/path/to/another/checkout runs that checkout's central (a before/after).

A real `python -m central serve` (SQLite, one worker) on loopback. The machines are enrolled
straight into its database with real random tokens (as /v1/enroll makes them), 20 windows an
office. Each machine polls once per period at its own offset (open loop, spread over the period):
GET /v1/sync/pull with its cursor, epoch and If-None-Match, on a new connection each time (a
window's keep-alive connection has long closed after a minute); a share of the machines first
pushes one expediente.create (so the other windows of its office have something to pull). The
benchmark prints p50/p99 of every request's latency, the 304 share, and central's CPU per request
(its process CPU time over the run / requests).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import queue
import random
import secrets
import subprocess
import sys
import threading
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
THREADS = 64


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


class Load:
    def __init__(self, port: int, epoch: str) -> None:
        self.port, self.epoch = port, epoch
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.lag: list[float] = []
        self._lock = threading.Lock()

    def _request(self, method: str, path: str, w: Window, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        all_headers = {"Authorization": f"Bearer {w.token}", **(headers or {})}
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        with self._lock:
            self.latencies.append(time.perf_counter() - started)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        return response.status, data

    def visit(self, w: Window, push: bool) -> None:
        if push:
            self._request("POST", "/v1/sync/push", w, _create_body(w), {
                "Content-Type": "application/json", "Content-Encoding": "gzip"})
        tag = f'"{self.epoch}:{w.cursor}"'
        status, data = self._request(
            "GET", f"/v1/sync/pull?cursor={w.cursor}&limit=1000&epoch={self.epoch}", w,
            headers={"If-None-Match": tag})
        if status == 200:
            w.cursor = json.loads(data)["next_cursor"]


def _run_load(load: Load, windows: list[Window]) -> None:
    rng = random.Random(15)
    plan = sorted((rng.uniform(0, SECONDS), w, rng.random() < PUSHING) for w in windows)
    jobs: queue.Queue[tuple[float, Window, bool] | None] = queue.Queue()

    def worker() -> None:
        while (job := jobs.get()) is not None:
            due, w, push = job
            load.lag.append(time.perf_counter() - due)
            try:
                load.visit(w, push)
            except OSError:
                with load._lock:
                    load.statuses[0] = load.statuses.get(0, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    for at, w, push in plan:
        delay = began + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put((began + at, w, push))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()


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
    env = {**os.environ, "PYTHONPATH": CENTRAL_DIR} if CENTRAL_DIR else None
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "central", "serve", "--db", url, "--port",
                             str(port)], cwd=CENTRAL_DIR, env=env, stdout=log, stderr=log)
    try:
        _wait(port)
        load = Load(port, epoch)
        cpu_before, began = _cpu_seconds(proc.pid), time.perf_counter()
        _run_load(load, windows)
        wall, cpu = time.perf_counter() - began, _cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    n = len(load.latencies)
    print(f"\n[bench polling] {MACHINES} machines / {SECONDS:.0f} s, {PUSHING:.0%} pushing "
          f"({'central of ' + CENTRAL_DIR if CENTRAL_DIR else 'this central'}): {n} requests in "
          f"{wall:.1f} s ({n / wall:.0f}/s), statuses {dict(sorted(load.statuses.items()))}, "
          f"p50 {_percentile(load.latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {_percentile(load.latencies, 0.99) * 1000:.1f} ms, "
          f"central CPU {cpu * 1000 / n:.2f} ms/request ({cpu / wall:.0%} of a core), "
          f"generator lag p99 {_percentile(load.lag, 0.99) * 1000:.0f} ms")
    # 503 (busy) and 429 are answers a window retries: counted above, not a failure here.
    assert n and not load.statuses.get(0) and all(
        s in (200, 304, 429, 503) for s in load.statuses)


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
