"""The engine's contract with the scheduler and the UI: one run at a time, never raises, tells
its observer, records its outcome; the scheduler runs it on a jittered timer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from desktop.access.credentials import CredentialStore
from desktop.context import AppContext
from sync.engine import BUSY, SyncEngine, SyncReport
from sync.machine_token import TOKEN_NAME
from sync.observer import ConnectionState, SyncStatus
from sync.scheduler import JOB_ID, SyncScheduler
from sync.status import sync_status
from tests.sync.central_server import CentralServer
from tests.sync.fake_platform import FakePlatform, always_gone
from tests.sync.machines import capture_many, point_to, sync_state


class Recorder:
    def __init__(self) -> None:
        self.states: list[SyncStatus] = []

    def on_sync_state(self, state: SyncStatus) -> None:
        self.states.append(state)


class BrokenObserver:
    def on_sync_state(self, state: SyncStatus) -> None:
        raise RuntimeError("a UI bug")


@pytest.fixture
def slow_platform() -> Iterator[FakePlatform]:
    platform = FakePlatform(always_gone, delay=0.4)
    yield platform
    platform.close()


def test_a_second_caller_is_told_a_sync_is_running(window: AppContext,
                                                  slow_platform: FakePlatform) -> None:
    point_to(window, slow_platform.url)
    engine = SyncEngine(window)
    first = threading.Thread(target=engine.run_once, kwargs={"force": True})
    first.start()
    assert slow_platform.request_seen.wait(5)
    second = engine.run_once(force=True)
    first.join()
    assert second.skipped == "busy" and second.message == BUSY
    assert slow_platform.count("GET /v1/config") == 1


def test_observer_sees_the_run_and_the_pending_count(window: AppContext,
                                                     central: CentralServer) -> None:
    capture_many(window, 2)
    recorder = Recorder()
    SyncEngine(window, recorder).run_once(force=True)
    first, last = recorder.states[0], recorder.states[-1]
    assert (first.state, first.pending) == (ConnectionState.SINCRONIZANDO, 2)
    assert (last.state, last.pending, last.label) == (ConnectionState.CONECTADO, 0, "Conectado")
    assert last.last_success_at is not None


def test_nothing_escapes_to_the_scheduler(window: AppContext, central: CentralServer) -> None:
    engine = SyncEngine(window, BrokenObserver())
    assert engine.run_once(force=True).ok  # an observer bug does not break syncing
    central.stop()
    report = engine.run_once(force=True)
    assert report.state == ConnectionState.SIN_CONEXION and "Sin conexión" in report.message


def test_unknown_machine_token_asks_for_a_new_enrollment(window: AppContext,
                                                         central: CentralServer) -> None:
    CredentialStore(window.data_dir).set(TOKEN_NAME, "token-revocado")
    recorder = Recorder()
    report = SyncEngine(window, recorder).run_once(force=True)
    assert report.state == ConnectionState.ERROR and "enrolarlo de nuevo" in report.message
    assert recorder.states[-1].state == ConnectionState.ERROR


def test_demo_machine_does_not_try_to_sync(demo_ctx: AppContext) -> None:
    report = SyncEngine(demo_ctx).run_once(force=True)
    assert report.skipped == "not_enrolled" and "demostración" in report.message


def test_status_summary(window: AppContext, central: CentralServer) -> None:
    capture_many(window, 2)
    with window.write() as session:
        before = sync_status(session)
    assert before["pending_mutations"] == 2 and before["enrolled"]
    assert before["server_url"] == central.url and before["last_success_at"] is None
    SyncEngine(window).run_once(force=True)
    with window.write() as session:
        after = sync_status(session)
    assert after["pending_mutations"] == 0 and after["rejected_mutations"] == 0
    assert after["last_success_at"] and after["epoch"] and after["config_version"] >= 1


def test_scheduler_runs_the_job_on_a_jittered_interval(window: AppContext,
                                                       central: CentralServer) -> None:
    capture_many(window, 1)
    scheduler = SyncScheduler(SyncEngine(window), interval_seconds=0.3, jitter_seconds=0.05)
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job(JOB_ID)
        assert job.max_instances == 1 and job.coalesce
        deadline = time.monotonic() + 10
        while sync_state(window).last_success_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
    assert sync_state(window).last_success_at is not None
    assert not scheduler.running


def test_default_timer_is_60s_with_20_percent_jitter(window: AppContext) -> None:
    scheduler = SyncScheduler(SyncEngine(window))
    scheduler.start(run_now=False)
    try:
        trigger = scheduler._scheduler.get_job(JOB_ID).trigger
        assert isinstance(trigger, IntervalTrigger)
        assert trigger.interval.total_seconds() == 60 and trigger.jitter == 12
    finally:
        scheduler.stop()


class RecordingEngine(SyncEngine):
    """Keeps the report of every run the scheduler (force=False) asked for."""

    scheduled: list[SyncReport]

    def run_once(self, force: bool = False) -> SyncReport:
        report = super().run_once(force)
        if not force:
            self.scheduled.append(report)
        return report


def test_timer_and_sync_now_share_one_lock(window: AppContext,
                                           slow_platform: FakePlatform) -> None:
    point_to(window, slow_platform.url)
    engine = RecordingEngine(window)
    engine.scheduled = []
    manual: list[SyncReport] = []
    now = threading.Thread(target=lambda: manual.append(engine.run_once(force=True)))
    now.start()  # "Sincronizar ahora"
    assert slow_platform.request_seen.wait(5)
    scheduler = SyncScheduler(engine, interval_seconds=0.1, jitter_seconds=0.02)
    scheduler.start()  # ticks at once and every ~0.1 s while the manual run holds the lock
    try:
        deadline = time.monotonic() + 10
        while not engine.scheduled and time.monotonic() < deadline:
            time.sleep(0.02)
        now.join(timeout=10)
    finally:
        scheduler.stop()
    assert engine.scheduled[0].skipped == "busy" and engine.scheduled[0].message == BUSY
    assert manual and manual[0].skipped is None  # the manual run itself really ran
