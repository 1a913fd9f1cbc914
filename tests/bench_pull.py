"""Benchmark: a fresh window pulls N changes (issue 15, second table, "pull of 100,000 changes").

    .venv/bin/python -m pytest tests/bench_pull.py -m bench -s   (BENCH_PULL_N=100000 default)

Two processes, as in production (a window and the platform are different machines): central is
`python -m central serve` (SQLite, one worker) on loopback, holding N `expediente.record` changes
of another window of the office, written straight into its tables from a few real captures before
it starts: each with its own applicant (tests/store_people.People), folio and hash, and a v7
uuid and capture time that follow the version order, as a window's captures have them. The
window V02, enrolled beforehand, pulls them all with `pull_changes` in a process of its own
(tests/pull_window.py, importing only what a window's pull needs). The benchmark prints the wall
time and rate, the window's CPU time and peak RSS (its VmHWM, and what it was before the pull
began), its pull worker's CPU time and peak RSS (sync.pull_worker, a child process), and
central's CPU time over the pull (/proc/<pid>/stat).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from central.db import Database
from central.models import Change, Machine, ScopeCounter, table_of, utc_now
from sync.engine import SyncEngine
from tests.central.serve_process import ServeProcess
from tests.store_people import People
from tests.store_rows import uuid7
from tests.sync.central_server import OFFICE, CentralServer
from tests.sync.machines import capture_many, enrolled_context, point_to
from wire.canonical import payload_sha256

N = int(os.environ.get("BENCH_PULL_N", "100000"))
CHUNK = 5_000
FIRST_CAPTURE = datetime(2026, 1, 5, 15, 0)  # UTC
TICKS = os.sysconf("SC_CLK_TCK")


def _variant(template: dict[str, Any], i: int, people: People,
             rng: random.Random) -> dict[str, Any]:
    """Change i as another window captures it: its uuid (v7) and capture time follow the version
    order, a folio of its own, an applicant of the store generator's."""
    at = FIRST_CAPTURE + timedelta(seconds=20 * i)
    person = people.person()
    payload = dict(template)
    answers = dict(template["answers"])
    answers.update({k: person[k] for k in ("nombre", "curp", "rfc") if k in answers})
    payload.update({"uuid": uuid7(at, rng), "captured_at": f"{at:%Y-%m-%dT%H:%M:%S}Z",
                    "folio": f"{template['oficina']}-{template['ventanilla']}-2026-"
                             f"{500_000 + i:06d}",
                    "answers": answers, "nombre": person["nombre"], "curp": person["curp"],
                    "rfc": person["rfc"] if template.get("rfc") else None})
    payload.pop("content_sha256", None)
    payload["content_sha256"] = payload_sha256(payload)
    return payload


def _fill_central(db: Database, templates: list[dict[str, Any]], origin: str) -> None:
    """N record changes after whatever the office already has, in chunks of one transaction."""
    with db.write() as session:
        start = session.scalar(select(ScopeCounter.version).where(ScopeCounter.scope == OFFICE))
    first = (start or 0) + 1
    now = utc_now()
    rng = random.Random(15)
    people = People(rng)
    for base in range(0, N, CHUNK):
        rows = []
        for i in range(base, min(N, base + CHUNK)):
            payload = _variant(templates[i % len(templates)], i, people, rng)
            rows.append({"scope": OFFICE, "version": first + i, "kind": "expediente.record",
                         "entity_uuid": payload["uuid"], "origin_machine": origin,
                         "data": payload, "created_at": now})
        with db.write() as session:
            session.execute(insert(table_of(Change)), rows)
    with db.write() as session:
        session.execute(update(table_of(ScopeCounter)).where(ScopeCounter.scope == OFFICE)
                        .values(version=first + N - 1))


def _templates(db: Database) -> tuple[list[dict[str, Any]], str]:
    with db.read() as session:
        rows = session.scalars(select(Change).where(Change.kind == "expediente.record")).all()
        origin = session.scalar(select(Machine.id).where(Machine.ventanilla == "V01"))
    assert rows and origin
    return [dict(r.data) for r in rows], origin


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a running process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _pull_in_child(data_dir: Path, url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.pull_window", str(data_dir), url],
                          check=True, capture_output=True, text=True, timeout=3000)
    # every page set-based: a batched write the store refused would measure the slow path
    assert "applying change by change" not in done.stderr, done.stderr[-2000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.bench
@pytest.mark.timeout(3600)
def test_pull_of_many_changes(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    enrolling = CentralServer(db_url).start()
    pusher = enrolled_context(tmp_path / "v01", enrolling, "V01")
    puller = enrolled_context(tmp_path / "v02", enrolling, "V02")
    try:
        capture_many(pusher, 10)
        assert SyncEngine(pusher).run_once(force=True).ok
    finally:
        pusher.close()
        enrolling.close()
    db = Database(db_url)
    templates, origin = _templates(db)
    _fill_central(db, templates, origin)
    db.dispose()
    serve = ServeProcess(db_url).wait_ready()
    try:
        point_to(puller, serve.url)
        puller.close()
        central_cpu = _cpu_seconds(serve.proc.pid)
        found = _pull_in_child(tmp_path / "v02", serve.url)
        central_cpu = _cpu_seconds(serve.proc.pid) - central_cpu
    finally:
        serve.stop()
    assert found["set_aside"] == 0 and found["stored"] == N + len(templates)
    assert found["cursor"] > N
    seconds = found["seconds"]
    print(f"\n[bench pull] N={N}: {seconds:.2f} s ({N / seconds:,.0f} changes/s); window CPU "
          f"{found['cpu']:.1f} s, peak RSS {found['rss_peak']:.0f} MB (before the pull "
          f"{found['rss_before']:.0f} MB); its pull worker: CPU {found['worker_cpu']:.1f} s, "
          f"peak RSS {found['worker_rss_peak']:.0f} MB; central serve CPU {central_cpu:.1f} s")
