"""Benchmark: expedientes through POST /v1/sync/push vs. a bulk insert of the same rows.

    .venv/bin/python -m pytest tests/bench_central_push.py -m bench -s   (BENCH_N=10000 default)

The push path goes over real HTTP on loopback (gzip bodies, batches of MAX_BATCH) to
`python -m central serve` in its own process, as in production (central is another machine: a
server thread in this process would share the GIL with the client), and does everything the
protocol needs (machine lock, hash checks, folio check, mutation log, pull changes). The baseline
writes the same rows (expedientes, mutation log, changes, counter) with one SQLAlchemy Core
executemany per table in a single transaction, in this process. Besides the rates it prints the
CPU each side spent (central's process during the push, this process during the bulk insert):
on a shared machine they vary less than the wall clock.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import insert, update

from central import admin
from central.db import Database
from central.models import (
    Change,
    Expediente,
    Machine,
    MutationRecord,
    ScopeCounter,
    table_of,
    utc_now,
)
from tests.central.serve_process import ServeProcess
from tests.central_harness import fresh_pg_schema, pg_base_url, publish_test_catalog
from wire.canonical import payload_sha256
from wire.protocol import MAX_BATCH

N = int(os.environ.get("BENCH_N", "10000"))
OFFICE, WINDOW = "BEN", "V01"


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_db_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of the same kind: one for the push run, one for the bulk insert."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'push.db'}", f"sqlite:///{tmp_path / 'bulk.db'}"
        return
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL not reachable (bash scripts/postgres.sh start)")
    with fresh_pg_schema(base) as push_url, fresh_pg_schema(base) as bulk_url:
        yield push_url, bulk_url


def _payloads(machine_id: str) -> list[dict[str, Any]]:
    payloads = []
    for i in range(1, N + 1):
        payload: dict[str, Any] = {
            "uuid": str(uuid.uuid4()), "folio": f"{OFFICE}-{WINDOW}-2026-{i:06d}",
            "tramite_homoclave": "TES-PRED-001", "tramite_version": 1,
            "answers": {"clave_catastral": f"12-345-{i:03d}", "superficie": str(100 + i % 50)},
            "requisitos": [{"clave": "ine", "recibido": True, "nota": ""}],
            "cobros": [{"concepto": "Derecho", "cri": "4.3.1.1", "importe": "150.00"}],
            "total": "150.00", "nombre": f"Solicitante {i}", "curp": None, "rfc": None,
            "created_by": "operador1", "captured_at": "2026-03-02T10:30:00",
            "origin_machine": machine_id, "oficina": OFFICE, "ventanilla": WINDOW,
            "attachments": [],
        }
        payload["content_sha256"] = payload_sha256(payload)
        payloads.append(payload)
    return payloads


def _push_all(base_url: str, token: str, machine_id: str,
              payloads: list[dict[str, Any]]) -> float:
    """Wall seconds of pushing every payload, MAX_BATCH at a time, bodies built beforehand."""
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {token}", "Content-Encoding": "gzip",
                         "Content-Type": "application/json"})
    bodies = []
    for start in range(0, len(payloads), MAX_BATCH):
        mutations = [
            {"mutation_id": start + i + 1, "kind": "expediente.create", "entity_uuid": p["uuid"],
             "payload": p, "sha256": payload_sha256(p)}
            for i, p in enumerate(payloads[start : start + MAX_BATCH])
        ]
        body = {"machine_id": machine_id, "app_version": "bench", "mutations": mutations}
        bodies.append(gzip.compress(json.dumps(body).encode(), compresslevel=6))
    began = time.perf_counter()
    for raw in bodies:
        response = http.post(base_url + "/v1/sync/push", data=raw, timeout=120)
        response.raise_for_status()
        assert {r["status"] for r in response.json()["results"]} == {"applied"}
    return time.perf_counter() - began


def _bulk_insert(db: Database, machine_id: str,
                 payloads: list[dict[str, Any]]) -> tuple[float, float]:
    """(wall, CPU) seconds of writing the push's rows with Core, one transaction."""
    now = utc_now()
    expedientes = [
        {"uuid": p["uuid"], "folio": p["folio"], "office": OFFICE, "machine_id": machine_id,
         "tramite_homoclave": p["tramite_homoclave"], "total": p["total"], "payload": p,
         "content_sha256": p["content_sha256"], "status": "recibido", "received_at": now}
        for p in payloads
    ]
    log = [
        {"machine_id": machine_id, "mutation_id": i, "kind": "expediente.create",
         "entity_uuid": p["uuid"], "sha256": payload_sha256(p), "status": "applied",
         "error": None, "received_at": now}
        for i, p in enumerate(payloads, 1)
    ]
    changes = [
        {"scope": OFFICE, "version": i, "kind": "expediente.record", "entity_uuid": p["uuid"],
         "origin_machine": machine_id, "data": p, "created_at": now}
        for i, p in enumerate(payloads, 1)
    ]
    began, cpu = time.perf_counter(), time.process_time()
    with db.engine.begin() as conn:
        conn.execute(insert(table_of(Expediente)), expedientes)
        conn.execute(insert(table_of(MutationRecord)), log)
        conn.execute(insert(table_of(Change)), changes)
        conn.execute(update(table_of(ScopeCounter)).values(version=len(payloads)))
        conn.execute(update(table_of(Machine)).values(last_mutation_id=len(payloads)))
    return time.perf_counter() - began, time.process_time() - cpu


@pytest.mark.bench
@pytest.mark.timeout(1800)
def test_bench_push_vs_bulk_insert(bench_db_urls: tuple[str, str]) -> None:
    push_url, bulk_url = bench_db_urls
    push_db = Database(push_url)
    try:
        admin.init_platform(push_db)
        publish_test_catalog(push_db)
        admin.create_office(push_db, OFFICE, "Oficina de benchmark")
        code = admin.create_enroll_code(push_db, OFFICE, WINDOW)
    finally:
        push_db.dispose()
    serve = ServeProcess(push_url).wait_ready()
    try:
        enrolled = requests.post(serve.url + "/v1/enroll", json={"code": code}, timeout=10)
        machine_id, token = enrolled.json()["machine_id"], enrolled.json()["machine_token"]
        payloads = _payloads(machine_id)
        central_cpu = serve.cpu_seconds()
        push_seconds = _push_all(serve.url, token, machine_id, payloads)
        central_cpu = serve.cpu_seconds() - central_cpu
    finally:
        serve.stop()
    push_db = Database(push_url)
    try:
        assert admin.list_machines(push_db)[0].last_mutation_id == N
    finally:
        push_db.dispose()

    bulk_db = Database(bulk_url)
    try:
        admin.init_platform(bulk_db)
        admin.create_office(bulk_db, OFFICE, "Oficina de benchmark")
        with bulk_db.write() as session:
            session.add(Machine(id=machine_id, office=OFFICE, ventanilla=WINDOW,
                                token_sha256="0" * 64, last_mutation_id=0))
        bulk_seconds, bulk_cpu = _bulk_insert(bulk_db, machine_id, payloads)
    finally:
        bulk_db.dispose()

    push_rate, bulk_rate = N / push_seconds, N / bulk_seconds
    dialect = push_url.split(":", 1)[0]
    print(f"\n[bench central push] {dialect}: N={N} "
          f"push {push_rate:,.0f} rec/s ({push_seconds:.2f} s), "
          f"bulk insert {bulk_rate:,.0f} rec/s ({bulk_seconds:.2f} s), "
          f"push/bulk = {push_rate / bulk_rate:.2f}; CPU: central {central_cpu:.2f} s, "
          f"bulk insert {bulk_cpu:.2f} s")
