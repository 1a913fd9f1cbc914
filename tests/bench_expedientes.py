"""Benchmark: what the Expedientes view asks of the store with 100,000 expedientes stored.

Run: BENCH_EXISTING=100000 .venv/bin/python -m pytest tests/bench_expedientes.py -m bench -s
Prints median and p95 per query (first page, a deep page, count, search by name, search by folio,
a search that matches everything, CURP look-up); asserts nothing about time. Runs on the
encrypted store and on a plain one in the same run (the `bench_ctx` fixture, tests/conftest.py).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.bundles.catalog import get_tramite
from desktop.context import AppContext
from desktop.records.expedientes import count_expedientes, find_applicant_by_curp, page_expedientes
from tests.bench_capture import _fill
from tests.test_capture import _request

EXISTING = int(os.environ.get("BENCH_EXISTING", "100000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))


def _time(run: Callable[[], object]) -> tuple[float, float]:
    timings = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        run()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


@pytest.mark.bench
def test_expedientes_queries_with_many_stored(bench_ctx: AppContext, tmp_path: Path) -> None:
    demo_ctx = bench_ctx
    request = _request(demo_ctx, tmp_path)
    with demo_ctx.write() as s:
        version = get_tramite(s, request.homoclave).version
    _fill(demo_ctx, request.homoclave, version, EXISTING)
    middle = EXISTING // 2
    queries: dict[str, Callable[[], object]] = {
        "first page (200)": lambda: page_expedientes(s, limit=200),
        f"page at offset {middle}": lambda: page_expedientes(s, offset=middle, limit=200),
        "count all": lambda: count_expedientes(s),
        "search a name": lambda: page_expedientes(s, search=f"Prueba {middle}"),
        "search a folio": lambda: page_expedientes(s, search=f"HMO-V09-2025-{middle:06d}"),
        "search matching all (page)": lambda: page_expedientes(s, search="persona"),
        "search matching all (count)": lambda: count_expedientes(s, search="persona"),
        "CURP look-up": lambda: find_applicant_by_curp(s, "GODE561231HSRRRN00"),
    }
    mode = "plain" if demo_ctx.keys.database == bytes(32) else "sqlcipher"
    print(f"\nBENCH expedientes ({mode}): {EXISTING} stored, {REPEATS} runs each")
    with demo_ctx.write() as s:
        assert len(page_expedientes(s, search=f"HMO-V09-2025-{middle:06d}")) == 1
        for name, run in queries.items():
            median, p95 = _time(run)
            print(f"  {name:30s} median {median:7.1f} ms   p95 {p95:7.1f} ms")
