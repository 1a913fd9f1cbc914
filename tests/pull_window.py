"""The window's side of tests/bench_pull.py, run as its own process (`python -m tests.pull_window
DATA_DIR URL`): it imports only what a window's pull needs, opens the store, pulls everything and
prints one JSON line with what it cost (wall, CPU, peak RSS before and after the pull; its pull
worker's CPU and peak RSS)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import resource
import sys
import threading
import time
from pathlib import Path


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak RSS: VmHWM, its own address space's high-water mark (`ru_maxrss`
    would carry the parent's from before the exec)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:", 1)[1].split()[0]) / 1024


class WorkerPeak:
    """The highest VmHWM of this process's children while it runs (the pull's worker), read
    every 0.2 s: it ends with the pull, so its own figure is gone by then."""

    def __init__(self) -> None:
        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.2):
            for child in multiprocessing.active_children():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    self.mb = max(self.mb, peak_rss_mb(child.pid or 0))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.mb


def children_cpu() -> float:
    """CPU seconds of this process's children that ended (the pull's worker, once shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(data_dir: Path, url: str) -> None:
    """The imports are here, not at the top: the pull's worker is spawned, so it imports this
    module as a window's worker imports main.py, whose top imports no store code."""
    from sqlalchemy import func, select

    from desktop.context import open_context
    from localdb.models import Expediente, SyncState
    from sync.http import PlatformClient
    from sync.machine_token import load_machine_token
    from sync.pull import pull_changes

    ctx = open_context(data_dir)
    rss_before = peak_rss_mb()
    started, cpu, worker_cpu = time.perf_counter(), time.process_time(), children_cpu()
    worker_peak = WorkerPeak()
    with PlatformClient(url, load_machine_token(ctx.data_dir)) as client:
        outcome = pull_changes(ctx, client, max_pages=10**9)
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    worker_cpu, worker_rss = children_cpu() - worker_cpu, worker_peak.stop()
    with ctx.read() as session:
        stored = session.scalar(select(func.count()).select_from(Expediente))
        cursor = session.get_one(SyncState, 1).pull_cursor
    ctx.close()
    print(json.dumps({"seconds": seconds, "cpu": cpu_s, "set_aside": outcome.set_aside,
                      "stored": stored, "cursor": cursor, "rss_before": rss_before,
                      "rss_peak": peak_rss_mb(), "worker_cpu": worker_cpu,
                      "worker_rss_peak": worker_rss}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
