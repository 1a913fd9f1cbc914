"""Retry timing (ARCHITECTURE §7): full-jitter exponential backoff 1 s → 5 min, Retry-After
honoured.

The schedule lives in sync_state (backoff_attempts, next_attempt_at), so a restart or a new capture
never makes the client hammer a struggling platform: only the timer decides when to try again.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from localdb.models import SyncState

BASE_SECONDS = 1.0
CAP_SECONDS = 300.0
# Never wait longer than this, whatever Retry-After or a clock jump says.
MAX_WAIT_SECONDS = 3600.0


def backoff_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Full jitter: uniform(0, min(cap, base·2ⁿ)) seconds for the n-th consecutive failure."""
    exponent = min(max(attempts, 0), 32)
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2**exponent)
    return (rng or random).uniform(0, ceiling)


def parse_retry_after(value: str | None, now_utc: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to float
        return min(float(text), MAX_WAIT_SECONDS)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    seconds = (when - now_utc).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def record_failure(state: SyncState, now: datetime, retry_after: float | None = None,
                   rng: random.Random | None = None) -> datetime:
    """One more consecutive failure: schedule the next attempt; returns its time."""
    delay = backoff_delay(state.backoff_attempts, rng)
    if retry_after is not None:
        delay = max(delay, retry_after)
    state.backoff_attempts += 1
    state.next_attempt_at = now + timedelta(seconds=delay)
    return state.next_attempt_at


def record_success(state: SyncState) -> None:
    state.backoff_attempts = 0
    state.next_attempt_at = None


def is_due(state: SyncState, now: datetime) -> bool:
    """True when the timer may try now. A next_attempt_at absurdly far ahead (the clock was
    wrong when it was set) does not block syncing."""
    due = state.next_attempt_at
    if due is None or due <= now:
        return True
    return (due - now).total_seconds() > MAX_WAIT_SECONDS
