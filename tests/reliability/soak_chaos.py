"""The soak's chaos: random faults armed in the proxy, random kill -9 of a capturer, a syncer or
central (each restarted), and one restore of a window's data folder from a copy."""

from __future__ import annotations

import random
import shutil
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tests.raw_store import raw_store
from tests.reliability.soak_children import read_log
from tests.reliability.soak_world import CentralProcess, Window, kill9
from tests.sync.fault_proxy import FaultProxy

FAULTS = ("drop_response", "reset_mid_body", "garbage", "truncation", "stall", "middlebox")
PREFIXES = (b"POST /v1/sync/push", b"GET /v1/sync/pull", b"PUT /v1/attachments",
            b"HEAD /v1/attachments", b"GET /v1/sync/state", b"GET /v1/config")
SYNCER_LIFETIME = 3600.0  # a syncer that is never killed still ends
DRAIN_WAIT = 240.0  # seconds a window may take to push everything before its restore
TICK = 0.25  # seconds between looks at the children
RESTORE_GAP = 5  # captures the window makes between its copy and the restore, at least


def captures_in(window: Window) -> int:
    return sum(1 for e in read_log(window.log_path) if e["k"] == "create")


class FaultInjector:
    """Arms one random fault at a time, for a random request kind, until stopped."""

    def __init__(self, proxy: FaultProxy, rng: random.Random) -> None:
        self.proxy, self.rng = proxy, rng
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="faults")

    def start(self) -> None:
        self.proxy.stall_seconds = 4.0  # past the syncers' 3 s read timeout
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self.proxy.disarm()
        self.proxy.latency = 0.0

    def _loop(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.3, 1.5)):
            self.proxy.latency = self.rng.choice((0.0, 0.0, 0.001, 0.005))
            self.proxy.arm(self.rng.choice(FAULTS), self.rng.choice(PREFIXES),
                           skip=self.rng.randint(0, 3))


@dataclass
class Chaos:
    central: CentralProcess
    windows: list[Window]
    rng: random.Random
    kills_wanted: int
    records_wanted: int
    # "after-sync": the restored window captures once it has synced (as CAPTURE_REFUSED asks);
    # "immediately": it captures at once, before its first sync (the high-water mark at open
    # moves its counters past the folios it handed out after the copy).
    restore_capture: str = "after-sync"
    kills: Counter[str] = field(default_factory=Counter)
    restore: dict[str, float] = field(default_factory=dict)
    _copy: Path | None = None

    def seed(self) -> int:
        return self.rng.getrandbits(31)

    def start_all(self) -> None:
        for window in self.windows:
            window.start_capturer(self.seed())
            window.start_syncer(self.seed(), SYNCER_LIFETIME)

    def captured(self) -> int:
        return sum(captures_in(w) for w in self.windows)

    def run(self, deadline: float) -> None:
        """Kill and restart until every capturer reached its quota and enough kills were made."""
        started = time.monotonic()
        next_kill = started + self.rng.uniform(0.5, 2.0)
        while time.monotonic() < deadline:
            captures_done = all(w.capturer_finished() for w in self.windows)
            if captures_done and sum(self.kills.values()) >= self.kills_wanted:
                return
            self._revive_crashed()
            self._maybe_restore()
            if time.monotonic() >= next_kill:
                self._kill_one(captures_done)
                next_kill = time.monotonic() + self._pause(started, captures_done)
            time.sleep(TICK)
        raise TimeoutError("the soak did not finish its captures and kills in time")

    def _pause(self, started: float, captures_done: bool) -> float:
        """Spread the kills still wanted over the captures still to come, at the pace so far."""
        left = self.kills_wanted - sum(self.kills.values())
        done = self.captured()
        if captures_done or left <= 0 or done < 10:
            return self.rng.uniform(0.2, 1.0) if left > 0 else 1.0
        rate = done / max(1.0, time.monotonic() - started)
        expected = (self.records_wanted - done) / rate
        return self.rng.uniform(0.2, 2 * min(15.0, max(0.5, expected / left)))

    def _kill_one(self, captures_done: bool) -> None:
        kinds = ["syncer", "central"] + ([] if captures_done else ["capturer", "capturer"])
        kind = self.rng.choice(kinds)
        if kind == "central":
            self.central.kill()
            time.sleep(self.rng.uniform(0, 1.0))
            self.central.start()
        else:
            window = self.rng.choice(self.windows)
            if kind == "capturer" and window.capturer_finished():
                return
            self._kill_child(window, kind)
        self.kills[kind] += 1

    def _kill_child(self, window: Window, kind: str) -> None:
        kill9(window.capturer if kind == "capturer" else window.syncer)
        time.sleep(self.rng.uniform(0, 0.3))
        if kind == "capturer":
            window.start_capturer(self.seed())
        else:
            window.start_syncer(self.seed(), SYNCER_LIFETIME)

    def _revive_crashed(self) -> None:
        """A child that died on its own (not killed by us) is a finding, and is restarted."""
        for window in self.windows:
            if window.capturer and window.capturer.poll() not in (None, 0):
                self.kills["capturer_crashed"] += 1
                window.start_capturer(self.seed())
            if window.syncer and window.syncer.poll() is not None:
                self.kills["syncer_crashed"] += 1
                window.start_syncer(self.seed(), SYNCER_LIFETIME)

    def _maybe_restore(self) -> None:
        window = self.windows[0]
        progress = captures_in(window) / window.quota
        if self._copy is None and progress >= 0.2 and not window.capturer_finished():
            self._copy = self._take_copy(window)
        elif (self._copy is not None and "restored_at" not in self.restore and progress >= 0.5
              and captures_in(window) >= self.restore["window_copied_at"] + RESTORE_GAP):
            self._restore_copy(window, self._copy)

    def _take_copy(self, window: Window) -> Path:
        window.stop_children()
        copy = window.data_dir.with_name(window.data_dir.name + "-copia")
        shutil.copytree(window.data_dir, copy)
        self.restore.update(copied_at=self.captured(), window_copied_at=captures_in(window))
        window.start_capturer(self.seed())
        window.start_syncer(self.seed(), SYNCER_LIFETIME)
        return copy

    def _restore_copy(self, window: Window, copy: Path) -> None:
        """Like a disk replaced after the last sync: stop capturing, let the window push
        everything, then put the copy back and let both children go on."""
        kill9(window.capturer)
        waited = self._wait_drained(window)
        kill9(window.syncer)
        shutil.rmtree(window.data_dir)
        shutil.copytree(copy, window.data_dir)
        self.restore.update(restored_at=self.captured(), drain_seconds=waited)
        window.start_syncer(self.seed(), SYNCER_LIFETIME)
        if self.restore_capture == "after-sync":
            self._wait_synced_once(window, last_success(window.data_dir))
        window.start_capturer(self.seed())

    def _wait_synced_once(self, window: Window, before: str | None) -> None:
        started = time.monotonic()
        while last_success(window.data_dir) == before:
            if time.monotonic() - started > DRAIN_WAIT:
                raise TimeoutError(f"restored {window.ventanilla} never synced")
            if window.syncer is None or window.syncer.poll() is not None:
                window.start_syncer(self.seed(), SYNCER_LIFETIME)
            time.sleep(0.5)

    def _wait_drained(self, window: Window) -> float:
        started = time.monotonic()
        while time.monotonic() - started < DRAIN_WAIT:
            if window.syncer is None or window.syncer.poll() is not None:
                window.start_syncer(self.seed(), SYNCER_LIFETIME)
            if local_backlog(window.data_dir) == 0:
                return time.monotonic() - started
            time.sleep(0.5)
        raise TimeoutError(f"{window.ventanilla} did not drain before its restore")


def last_success(data_dir: Path) -> str | None:
    with closing(raw_store(data_dir)) as db:
        row = db.execute("SELECT last_success_at FROM sync_state WHERE id = 1").fetchone()
    return None if row is None else row[0]


def local_backlog(data_dir: Path) -> int:
    """Outbox rows not acked plus expedientes not yet fully on the platform (anexos included)."""
    with closing(raw_store(data_dir)) as db:
        pending = db.execute("SELECT count(*) FROM outbox WHERE state != 'acked'").fetchone()[0]
        unsynced = db.execute("SELECT count(*) FROM expedientes WHERE sync_state NOT IN "
                              "('sincronizado')").fetchone()[0]
    return int(pending) + int(unsynced)
