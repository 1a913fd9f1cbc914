"""Benchmark: what the supervisor's review queue asks of the store with many expedientes stored.

Run: BENCH_EXISTING=100000 .venv/bin/python -m pytest tests/bench_review_queue.py -m bench -s
Rows are spread over statuses (10% devuelto, 20% validado, 50% capturado…), seven operadores,
one ventanilla and one trámite. Prints median and p95 per query (first page under each filter,
the counts per state, the total, the filters' choices); asserts nothing about time. Plain and
encrypted store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from desktop.bundles.catalog import get_tramite
from desktop.context import AppContext
from desktop.records.review_queue import (
    QueueFilter,
    count_queue,
    counts_by_state,
    page_queue,
    queue_choices,
)
from tests.bench_capture import _fill
from tests.bench_expedientes import REPEATS, _time
from tests.raw_store import raw_connect
from tests.test_capture import _request

EXISTING = int(os.environ.get("BENCH_EXISTING", "100000"))
SPREAD = ("UPDATE expedientes SET created_by = 'op' || (rowid % 7), status = CASE rowid % 10 "
          "WHEN 0 THEN 'devuelto' WHEN 1 THEN 'validado' WHEN 2 THEN 'validado' "
          "WHEN 3 THEN 'anulado' WHEN 4 THEN 'resuelto' ELSE 'capturado' END")


@pytest.mark.bench
def test_review_queue_queries_with_many_stored(bench_ctx: AppContext, tmp_path: Path) -> None:
    ctx = bench_ctx
    request = _request(ctx, tmp_path)
    with ctx.write() as s:
        tramite = get_tramite(s, request.homoclave)
    version, dependencia = tramite.version, tramite.dependencia
    _fill(ctx, request.homoclave, version, EXISTING)
    raw = raw_connect(ctx)
    raw.execute(SPREAD)
    raw.close()
    filters = {
        "everything": QueueFilter(),
        "por revisar": QueueFilter(group="por_revisar"),
        "devueltos": QueueFilter(group="devuelto"),
        "one operador": QueueFilter(operador="op3"),
        "one ventanilla": QueueFilter(ventanilla="V09"),
        "one dependencia (all rows)": QueueFilter(dependencia=dependencia),
        "a dependencia with none (worst case)": QueueFilter(dependencia="NINGUNA"),
        "a week": QueueFilter(desde=date(2024, 1, 8), hasta=date(2024, 1, 14)),
        "devueltos of one operador": QueueFilter(group="devuelto", operador="op3"),
    }
    queries: dict[str, Callable[[], object]] = {}
    for name, f in filters.items():
        queries[f"first page (100), {name}"] = lambda f=f: page_queue(s, f, limit=100)
    for name in ("everything", "one operador", "one dependencia (all rows)"):
        f = filters[name]
        queries[f"counts per state, {name}"] = lambda f=f: counts_by_state(s, f)
        queries[f"total, {name}"] = lambda f=f: count_queue(s, f)
    queries["choices (ventanillas, operadores)"] = lambda: queue_choices(s)
    mode = "plain" if ctx.keys.database == bytes(32) else "sqlcipher"
    print(f"\nBENCH review queue ({mode}): {EXISTING} stored, {REPEATS} runs each")
    with ctx.read() as s:
        assert len(page_queue(s, filters["devueltos"], limit=100)) == 100
        for name, run in queries.items():
            median, p95 = _time(run)
            print(f"  {name:<45} median {median:8.1f} ms   p95 {p95:8.1f} ms")
