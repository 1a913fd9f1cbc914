"""Backoff: full jitter 1 s → 5 min, Retry-After honoured, persisted, driven only by the timer."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from desktop.context import AppContext
from localdb.models import SyncState
from sync.backoff import (
    CAP_SECONDS,
    MAX_WAIT_SECONDS,
    backoff_delay,
    is_due,
    parse_retry_after,
    record_failure,
    record_success,
)
from sync.engine import SyncEngine
from tests.sync.central_server import CentralServer
from tests.sync.fake_platform import FakePlatform, busy
from tests.sync.machines import capture_many, point_to, sync_state


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _state() -> SyncState:
    return SyncState(id=1, machine_id="M1", oficina="HMO", ventanilla="V01",
                     backoff_attempts=0, next_attempt_at=None)


def test_delay_ceiling_doubles_from_one_second_to_five_minutes() -> None:
    rng = random.Random(7)
    steps = [(0, 1), (1, 2), (3, 8), (8, 256), (9, CAP_SECONDS), (40, CAP_SECONDS)]
    for attempts, ceiling in steps:
        draws = [backoff_delay(attempts, rng) for _ in range(300)]
        assert all(0 <= d <= ceiling for d in draws)
        assert max(draws) > 0.9 * ceiling  # full jitter spans the whole range
        assert min(draws) < 0.1 * ceiling


def test_failures_grow_the_wait_and_success_resets_it() -> None:
    state, now = _state(), datetime(2026, 3, 2, 9, 0)
    waits = []
    for _ in range(12):
        waits.append((record_failure(state, now, rng=random.Random(3)) - now).total_seconds())
    assert state.backoff_attempts == 12
    assert waits[0] <= 1 and max(waits) <= CAP_SECONDS and waits[-1] > waits[0]
    record_success(state)
    assert state.backoff_attempts == 0 and state.next_attempt_at is None


def test_retry_after_seconds_and_http_date() -> None:
    now_utc = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert parse_retry_after("120", now_utc) == 120
    assert parse_retry_after(format_datetime(now_utc + timedelta(seconds=90), usegmt=True),
                             now_utc) == pytest.approx(90)
    assert parse_retry_after(format_datetime(now_utc - timedelta(hours=1), usegmt=True),
                             now_utc) == 0
    assert parse_retry_after("999999", now_utc) == MAX_WAIT_SECONDS
    assert parse_retry_after("mañana", now_utc) is None
    assert parse_retry_after(None, now_utc) is None


def test_retry_after_is_a_floor_for_the_jittered_delay() -> None:
    state, now = _state(), datetime(2026, 3, 2, 9, 0)
    due = record_failure(state, now, retry_after=120, rng=random.Random(1))
    assert due - now >= timedelta(seconds=120)


def test_a_wrong_clock_cannot_block_syncing_for_long() -> None:
    state, now = _state(), datetime(2026, 3, 2, 9, 0)
    state.next_attempt_at = now + timedelta(days=30)  # set while the clock was wrong
    assert is_due(state, now)
    state.next_attempt_at = now + timedelta(seconds=30)
    assert not is_due(state, now)


@pytest.fixture
def busy_platform() -> Iterator[FakePlatform]:
    platform = FakePlatform(busy("120"))
    yield platform
    platform.close()


def test_engine_waits_for_retry_after_and_new_captures_do_not_hurry_it(
        window: AppContext, central: CentralServer, busy_platform: FakePlatform) -> None:
    clock = FakeClock()
    point_to(window, busy_platform.url)
    engine = SyncEngine(window, clock=clock, rng=random.Random(5))
    first = engine.run_once()
    assert not first.ok and first.next_attempt_at is not None
    assert first.next_attempt_at - clock.now >= timedelta(seconds=120)
    assert "temporal" in first.message and busy_platform.count("GET") == 1

    clock.advance(60)
    capture_many(window, 1)  # a new write does not trigger or hurry a retry
    restarted = SyncEngine(window, clock=clock)  # the schedule survives a restart
    assert restarted.run_once().skipped == "not_due"
    assert busy_platform.count("GET") == 1

    clock.advance(61)
    assert not restarted.run_once().ok
    assert busy_platform.count("GET") == 2 and sync_state(window).backoff_attempts == 2

    point_to(window, central.url)
    assert restarted.run_once(force=True).ok  # "Sincronizar ahora" ignores the schedule
    state = sync_state(window)
    assert state.backoff_attempts == 0 and state.next_attempt_at is None
    assert state.last_error is None and state.last_success_at == clock.now
