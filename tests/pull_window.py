"""The window's side of tests/bench_pull.py, run as its own process (`python -m tests.pull_window
DATA_DIR URL`): it imports only what a window's pull needs, opens the store, pulls everything and
prints one JSON line with what it cost (wall, CPU, peak RSS before and after the pull)."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from desktop.context import open_context
from localdb.models import Expediente, SyncState
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.pull import pull_changes


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM, its own address space's high-water mark (`ru_maxrss`
    would carry the parent's from before the exec)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:", 1)[1].split()[0]) / 1024


def children_cpu() -> float:
    """CPU seconds of this process's children that ended (the pull's worker, once shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(data_dir: Path, url: str) -> None:
    ctx = open_context(data_dir)
    rss_before = peak_rss_mb()
    started, cpu, worker_cpu = time.perf_counter(), time.process_time(), children_cpu()
    with PlatformClient(url, load_machine_token(ctx.data_dir)) as client:
        outcome = pull_changes(ctx, client, max_pages=10**9)
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    worker_cpu = children_cpu() - worker_cpu
    with ctx.read() as session:
        stored = session.scalar(select(func.count()).select_from(Expediente))
        cursor = session.get_one(SyncState, 1).pull_cursor
    ctx.close()
    print(json.dumps({"seconds": seconds, "cpu": cpu_s, "set_aside": outcome.set_aside,
                      "stored": stored, "cursor": cursor, "rss_before": rss_before,
                      "rss_peak": peak_rss_mb(), "worker_cpu": worker_cpu}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
