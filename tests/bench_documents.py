"""Benchmark: how long rendering one document takes (issue 4).

Run: make bench  (or .venv/bin/python -m pytest tests/bench_documents.py -m bench -s).
Prints median and p95 over BENCH_RENDERS renders; asserts nothing about time.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import pytest

from printing.acuse import render_acuse
from printing.document_data import DocumentData
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data

RENDERS = int(os.environ.get("BENCH_RENDERS", "50"))


def _measure(render: Callable[[DocumentData, str], bytes], layout: str) -> list[float]:
    data = sample_document_data(qr_url="https://verifica.ventanilla.invalid/v/" + "x" * 230)
    render(data, layout)  # warm-up: font registration, imports
    timings = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        render(data, layout)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@pytest.mark.bench
@pytest.mark.parametrize(("name", "render", "layout"), [
    ("acuse carta", render_acuse, "carta"),
    ("acuse ticket", render_acuse, "ticket"),
    ("recibo ticket", render_recibo, "ticket"),
])
def test_render_time(name: str, render: Callable[[DocumentData, str], bytes],
                     layout: str) -> None:
    timings = sorted(_measure(render, layout))
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"\n{name}: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
          f"over {RENDERS} renders")
