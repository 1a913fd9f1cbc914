"""The reliability soak (issue 13): windows capturing and syncing through a faulty link while their
processes and central are killed with SIGKILL, a rogue machine pushes poison, and one window is
restored from a copy of its data folder. At the end: no chaos, no faults, drain, and the oracle
(tests.reliability.soak_oracle). Exit status 1 on any non-zero count.

    python -m tests.reliability.soak [--records N] [--kills K] [--windows W] [--seed S] [--dir D]

Defaults (the full size, `make reliability`) come from $SOAK_RECORDS, $SOAK_KILLS, $SOAK_WINDOWS,
$SOAK_SEED and $SOAK_MINUTES (a hard limit on the chaos phase).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from desktop.context import open_context
from sync.engine import SyncEngine
from tests.reliability.soak_chaos import Chaos, FaultInjector, local_backlog
from tests.reliability.soak_oracle import Verdict, judge
from tests.reliability.soak_rogue import Rogue
from tests.reliability.soak_world import ROGUE_OFFICE, CentralProcess, Window, enroll_window
from tests.sync.fault_proxy import FaultProxy

DRAIN_RUNS = 40  # sync runs per window, after the chaos, to push and pull everything


@dataclass(frozen=True)
class Size:
    records: int
    kills: int
    windows: int
    seed: int
    minutes: float
    restore_capture: str = "after-sync"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def parse_size(argv: list[str] | None = None) -> tuple[Size, Path | None]:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak")
    parser.add_argument("--records", type=int, default=_env_int("SOAK_RECORDS", 10_000))
    parser.add_argument("--kills", type=int, default=_env_int("SOAK_KILLS", 100))
    parser.add_argument("--windows", type=int, default=_env_int("SOAK_WINDOWS", 3))
    parser.add_argument("--seed", type=int, default=_env_int("SOAK_SEED", int(time.time())))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES",
                                                                              "90")))
    parser.add_argument("--restore-capture", choices=("after-sync", "immediately"),
                        default=os.environ.get("SOAK_RESTORE_CAPTURE", "after-sync"),
                        help="when the restored window captures again (immediately: before "
                             "its first sync, as the high-water mark allows)")
    parser.add_argument("--dir", type=Path, default=None, help="keep the run's folders here")
    args = parser.parse_args(argv)
    return Size(args.records, args.kills, args.windows, args.seed, args.minutes,
                args.restore_capture), args.dir


def drain(window: Window) -> int:
    """Sync runs (no chaos, no faults) until nothing is pending; how many runs it took."""
    window.stop_children()
    ctx = open_context(window.data_dir)
    try:
        engine = SyncEngine(ctx)
        for run in range(1, DRAIN_RUNS + 1):
            report = engine.run_once(force=True)
            if report.ok and local_backlog(window.data_dir) == 0:
                return run
        return DRAIN_RUNS
    finally:
        ctx.close()


class Soak:
    def __init__(self, size: Size, folder: Path) -> None:
        self.size, self.folder = size, folder
        self.rng = random.Random(size.seed)
        self.central = CentralProcess(folder / "central")
        self.central.start()
        self.proxy = FaultProxy(self.central.port)
        quotas = [size.records // size.windows + (i < size.records % size.windows)
                  for i in range(size.windows)]
        self.windows = [enroll_window(self.central, self.proxy, folder, f"V{i + 1:02d}", q)
                        for i, q in enumerate(quotas)]
        self.rogue = Rogue(self.central.url, self.central.enroll_code(ROGUE_OFFICE, "V01"),
                           self.windows[0].log_path, self.rng.getrandbits(31))
        self.chaos = Chaos(self.central, self.windows, self.rng, size.kills, size.records,
                           restore_capture=size.restore_capture)
        self.faults = FaultInjector(self.proxy, random.Random(self.rng.getrandbits(31)))

    def run(self) -> tuple[Verdict, dict[str, float]]:
        started = time.monotonic()
        self.rogue.start()
        self.faults.start()
        self.chaos.start_all()
        try:
            self.chaos.run(started + self.size.minutes * 60)
        finally:
            self.faults.stop()
            self.rogue.stop()
        chaos_seconds = time.monotonic() - started
        drain_runs = max(drain(w) for w in self.windows)
        drain_runs = max(drain_runs, max(drain(w) for w in self.windows))  # pull the others'
        verdict = judge(self.folder / "central" / "central.db",
                        [w.log_path for w in self.windows],
                        [w.data_dir for w in self.windows], self.rogue.machine.machine_id)
        timing = {"chaos_seconds": chaos_seconds, "drain_runs": drain_runs,
                  "total_seconds": time.monotonic() - started}
        return verdict, timing

    def close(self) -> None:
        for window in self.windows:
            window.close()
        self.proxy.close()
        self.central.stop()


def table(size: Size, verdict: Verdict, soak: Soak, timing: dict[str, float]) -> str:
    figures = verdict.figures
    kills = soak.chaos.kills
    rows = [
        ("seed", size.seed),
        ("windows", size.windows),
        ("records captured (logged)", figures["records"]),
        ("payments / voids (logged)", f"{figures['payments']} / {figures['voids']}"),
        ("expedientes on central / scans", f"{figures['on_central']} / "
                                           f"{figures['scans_on_central']}"),
        ("kills: capturer / syncer / central", f"{kills['capturer']} / {kills['syncer']} / "
                                               f"{kills['central']}"),
        ("children that crashed by themselves", kills["capturer_crashed"]
         + kills["syncer_crashed"]),
        ("faults injected", f"{sum(soak.proxy.fired.values())} ("
         + ", ".join(f"{k} {v}" for k, v in sorted(soak.proxy.fired.items())) + ")"),
        ("rogue poison mutations sent / rejected",
         f"{soak.rogue.sent} / {figures['rogue_rejected']}"),
        ("rogue garbage bodies refused", soak.rogue.garbage_bodies),
        ("restore from copy (copied at / restored at)",
         f"{soak.chaos.restore.get('copied_at', '-')} / "
         f"{soak.chaos.restore.get('restored_at', '-')} records"),
        ("chaos phase / total", f"{timing['chaos_seconds']:.0f} s / "
                                f"{timing['total_seconds']:.0f} s"),
        ("records/s (chaos phase)", f"{figures['records'] / timing['chaos_seconds']:.1f}"),
        ("drain: sync runs needed", int(timing["drain_runs"])),
    ]
    rows += [(name, count) for name, count in verdict.failures.items()]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines += [f"  {name}: {', '.join(ex)}" for name, ex in verdict.examples.items() if ex]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    size, keep = parse_size(argv)
    os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"soak: {size} in {folder}", flush=True)
        soak = Soak(size, folder)
        try:
            verdict, timing = soak.run()
        finally:
            soak.close()
        print(table(size, verdict, soak, timing), flush=True)
    print("RESULT: " + ("OK" if verdict.ok else "FAILED"), flush=True)
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
