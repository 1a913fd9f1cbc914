"""Benchmark: the window at a municipality's scale (issue 15), on a generated realistic store.

Run: make bench  (BENCH_STORE=100000 by default; BENCH_STORE=1000000 for the million), or
  BENCH_STORE=100000 .venv/bin/python -m pytest tests/bench_scale.py -m bench -s
The store comes from tests/store_generator.py (generated once, cached under .deps/bench) and is
copied, then opened by the app (so an older cached store is migrated as an update would). Each row
is the median of BENCH_RUNS runs (3) after one warm-up; it prints the table and asserts nothing
about time.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop import heap
from desktop.context import AppContext, open_context
from desktop.records.expedientes import count_expedientes, page_expedientes
from tests.store_generator import cached_store

STORE = int(os.environ.get("BENCH_STORE", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CAPTURES = int(os.environ.get("BENCH_CAPTURES", "200"))
PAGE = 100  # the Expedientes view's page size
ROOT = Path(__file__).resolve().parent.parent


def _cpu_s() -> float:
    """CPU seconds of this process and of the children it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _median_ms(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) medians in ms. On a shared machine the wall clock includes waiting for a
    core; the CPU time does not, so both are printed."""
    run()  # warm-up
    wall, cpu = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), _cpu_s()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((_cpu_s() - cpu_started) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _ms(timing: tuple[float, float]) -> str:
    return f"{timing[0]:.1f} ms (CPU {timing[1]:.1f} ms)"


def _s(timing: tuple[float, float]) -> str:
    return f"{timing[0] / 1000:.2f} s (CPU {timing[1] / 1000:.2f} s)"


def _row(name: str, value: str) -> None:
    print(f"| {name} | {value} |")


def _queries(ctx: AppContext, sample: dict[str, str]) -> dict[str, Callable[[], object]]:
    from ui.operations import ExpedienteQuery, expedientes_page

    def page(search: str = "", sync_state: str | None = None) -> Callable[[], object]:
        return lambda: expedientes_page(ctx, ExpedienteQuery(search, None, sync_state), 0, PAGE,
                                        "captured_at", True, False)

    def count(search: str = "", sync_state: str | None = None) -> Callable[[], object]:
        def run() -> int:
            with ctx.read() as session:
                return count_expedientes(session, search, None, sync_state)
        return run

    return {
        "first page (100 rows)": page(),
        "first page with its count, as one request": lambda: expedientes_page(
            ctx, ExpedienteQuery(), 0, PAGE, "captured_at", True, True),
        "count of all rows": count(),
        "filter «pendientes de envío», first page": page(sync_state="pendiente"),
        "filter «pendientes de envío», count": count(sync_state="pendiente"),
        f"search a common surname («{sample['surname']}»), first page": page(sample["surname"]),
        "search a common surname, count": count(sample["surname"]),
        "search a prefix («mar»), first page": page("mar"),
        "search a full name": page(sample["nombre"]),
        "search a folio": page(sample["folio"]),
        "search a CURP": page(sample["curp"]),
    }


def _sample(ctx: AppContext) -> dict[str, str]:
    with ctx.read() as session:
        rows = page_expedientes(session, limit=1, offset=STORE // 2)
    row = rows[0]
    return {"surname": "hernández", "nombre": row.nombre, "folio": row.folio,
            "curp": row.curp or ""}


def _cli_ms(data_dir: Path, *args: str) -> tuple[float, float]:
    env = {**os.environ, "VENTANILLA_CREDENTIALS": "file"}
    command = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args]

    def run() -> None:
        subprocess.run(command, env=env, check=True, capture_output=True)
    return _median_ms(run)


def _start_to_login_ms(data_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "VENTANILLA_CREDENTIALS": "file", "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "tests.start_login_probe", str(data_dir)]

    def run() -> None:
        done = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True,
                              text=True)
        assert "login shown" in done.stdout, done.stderr
    return _median_ms(run)


def _bytes_per_expediente(ctx: AppContext) -> tuple[float, float]:
    """(file bytes, bytes in use) per expediente, after a checkpoint."""
    from tests.raw_store import raw_connect

    raw = raw_connect(ctx)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = int(raw.execute("PRAGMA page_count").fetchone()[0])
        free = int(raw.execute("PRAGMA freelist_count").fetchone()[0])
        size = int(raw.execute("PRAGMA page_size").fetchone()[0])
    finally:
        raw.close()
    file_bytes = ctx.db_path.stat().st_size
    return file_bytes / STORE, (pages - free) * size / STORE


def _capture_p95_ms(ctx: AppContext, tmp_path: Path) -> float:
    from desktop.capture.service import capture_expediente
    from tests.test_capture import OPERADOR, _request

    request = _request(ctx, tmp_path)
    timings = []
    heap.settle()  # as the window does once a user is in (ui/app.py)
    try:
        for _ in range(CAPTURES):
            started = time.perf_counter()
            capture_expediente(ctx, OPERADOR, request)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        heap.release()
    timings.sort()
    return timings[max(0, int(len(timings) * 0.95) - 1)]


def _render_acuse_ms() -> tuple[float, float]:
    from printing.acuse import render_acuse
    from printing.sample_document import sample_document_data

    data = sample_document_data(qr_url="https://verifica.ventanilla.invalid/v/" + "x" * 230)
    return _median_ms(lambda: render_acuse(data, "carta"))


@pytest.mark.bench
@pytest.mark.timeout(7200)
def test_window_at_scale(tmp_path: Path) -> None:
    data_dir = tmp_path / "datos"
    generated = cached_store(STORE, data_dir)
    started = time.perf_counter()
    ctx = open_context(data_dir)
    opened_s = time.perf_counter() - started
    print(f"\nBENCH scale: {STORE:,} expedientes stored (generated in {generated:.0f} s, "
          f"0 = cached; opened, with any migration, in {opened_s:.1f} s), medians of {RUNS}")
    print("| measurement | value |\n|---|---|")
    try:
        file_bytes, used_bytes = _bytes_per_expediente(ctx)
        for name, run in _queries(ctx, _sample(ctx)).items():
            _row(name, _ms(_median_ms(run)))
    finally:
        ctx.close()
    _row("`status --json`", _s(_cli_ms(data_dir, "status", "--json")))
    _row("process start to login window", _s(_start_to_login_ms(data_dir)))
    _row("database size per expediente (file / in use)",
         f"{file_bytes:,.0f} B / {used_bytes:,.0f} B")
    ctx = open_context(data_dir)
    try:
        _row(f"capture commit, p95 of {CAPTURES}", f"{_capture_p95_ms(ctx, tmp_path):.1f} ms")
    finally:
        ctx.close()
    _row("acuse carta render", _ms(_render_acuse_ms()))
