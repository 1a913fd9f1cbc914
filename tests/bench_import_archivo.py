"""Benchmark: import-archivo, lines per second (issue 12).

Run: make bench  (or BENCH_ARCHIVO_LINES=10000 .venv/bin/python -m pytest
tests/bench_import_archivo.py -m bench -s). Imports BENCH_ARCHIVO_LINES generated CSV lines of
HMO-SPM-001 into the demo office (SQLCipher store, as the app opens it), one transaction per line
as the command does, then reruns the file (every line already in). Prints lines/s; asserts only
that every line went in once.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from desktop.access.permissions import CurrentUser
from desktop.capture.archivo_import import import_archivo
from localdb.states import Role
from tests.archivo_lines import TRAMITE, csv_row, csv_text
from tests.demo_office import open_demo_office

LINES = int(os.environ.get("BENCH_ARCHIVO_LINES", "10000"))
SUPERVISOR = CurrentUser("supervisor", "Supervisor", Role.SUPERVISOR)


@pytest.mark.bench
@pytest.mark.timeout(3600)
def test_import_archivo_lines_per_second(tmp_path: Path) -> None:
    path = tmp_path / "archivo.csv"
    path.write_text(csv_text([csv_row(n) for n in range(1, LINES + 1)]), encoding="utf-8")
    ctx = open_demo_office(tmp_path / "d")
    try:
        today = date.today()
        started = time.perf_counter()
        first = import_archivo(ctx, SUPERVISOR, path, TRAMITE, today=today)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_archivo(ctx, SUPERVISOR, path, TRAMITE, today=today)
        rerun_s = time.perf_counter() - started
    finally:
        ctx.close()
    assert (first.imported, first.bad, again.existing) == (LINES, [], LINES)
    print(f"\nBENCH import-archivo (sqlcipher): {LINES} lines in {import_s:.1f}s = "
          f"{LINES / import_s:.0f} lines/s; rerun (all already in) {rerun_s:.1f}s = "
          f"{LINES / rerun_s:.0f} lines/s")
