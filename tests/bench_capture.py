"""Benchmark: capture commit latency with 100,000 expedientes already stored (issue 2).

Run: make bench  (or BENCH_EXISTING=100000 BENCH_CAPTURES=200 .venv/bin/python -m pytest
tests/bench_capture.py -m bench -s). Prints median and p95; asserts nothing about time.

Each benchmark runs twice in the same run: on the store as the app opens it (`sqlcipher`:
SQLCipher database, sealed anexos) and on the same store as versions before encryption at rest
made it (`plain`: plain SQLite, plain blob files; tests/plain_store.py), for comparison
(the `bench_ctx` fixture, tests/conftest.py).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.capture.service import capture_expediente
from desktop.context import AppContext
from tests.raw_store import raw_connect
from tests.test_capture import OPERADOR, _request

EXISTING = int(os.environ.get("BENCH_EXISTING", "100000"))
CAPTURES = int(os.environ.get("BENCH_CAPTURES", "200"))
START = datetime(2024, 1, 2, 8, 0)  # one capture every 40 s: 100,000 span about 46 days


def _fill(ctx: AppContext, homoclave: str, version: int, n: int) -> None:
    raw = raw_connect(ctx)
    rows = ((f"00000000-0000-7000-8000-{i:012d}", f"HMO-V09-2025-{i:06d}", homoclave, version,
             f'{{"nombre_solicitante": "Persona {i}"}}', "[]", "[]", 15000,
             f"Persona de Prueba {i}", None, None, "capturado", "operador",
             f"{START + timedelta(seconds=40 * i):%Y-%m-%d %H:%M:%S}", "bench", "0" * 64,
             "sincronizado", 0) for i in range(n))
    raw.execute("BEGIN")  # the raw connection autocommits: one transaction for the fill
    raw.executemany(
        "INSERT INTO expedientes(uuid, folio, tramite_homoclave, tramite_version, answers, "
        "requisitos, cobros, total_centavos, nombre, curp, rfc, status, created_by, captured_at,"
        " origin_machine, content_sha256, sync_state, print_count) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    raw.execute("COMMIT")
    raw.close()


@pytest.mark.bench
def test_capture_commit_latency_with_many_expedientes(bench_ctx: AppContext,
                                                     tmp_path: Path) -> None:
    demo_ctx = bench_ctx
    request = _request(demo_ctx, tmp_path)
    with demo_ctx.write() as s:
        from desktop.bundles.catalog import get_tramite

        version = get_tramite(s, request.homoclave).version
    started = time.perf_counter()
    _fill(demo_ctx, request.homoclave, version, EXISTING)
    fill_s = time.perf_counter() - started
    timings = []
    for _ in range(CAPTURES):
        t0 = time.perf_counter()
        capture_expediente(demo_ctx, OPERADOR, request)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    mode = "plain" if demo_ctx.keys.database == bytes(32) else "sqlcipher"
    print(f"\nBENCH capture ({mode}): {EXISTING} existing (filled in {fill_s:.1f}s), "
          f"{CAPTURES} captures: "
          f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")
