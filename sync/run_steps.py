"""The steps of one sync run, each retried a few times with short delays, none ending the run.

A step that fails on a flaky link (no answer, 429/5xx, an answer we cannot trust) is retried up
to `RetryPolicy.attempts` times with full-jitter delays; if it still fails it is recorded and the
next step runs anyway (the steps are independent: config, push, anexos, pull). The run stops early
only when going on is pointless: the credential or certificate is refused, no connection
to the platform could be made at all, or it asked (Retry-After) for a longer wait than a run allows.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from desktop.errors import VentanillaError
from sync.backoff import parse_retry_after
from sync.errors import (
    GarbageResponse,
    PlatformBusy,
    PlatformUnreachable,
    RequestRefused,
    SyncError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# What each step is called when the run reports it could not do it.
STEP_LABELS = {
    "config": "descargar la configuración",
    "copia": "comprobar si este equipo es una copia restaurada",
    "push": "enviar expedientes",
    "anexos": "subir anexos",
    "pull": "recibir cambios",
}
RETRYABLE = (PlatformUnreachable, PlatformBusy, GarbageResponse)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_seconds: float = 0.25
    cap_seconds: float = 2.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempt))


ONE_ATTEMPT = RetryPolicy(attempts=1)  # each step once: a failure waits for the next run


@dataclass(frozen=True)
class StepFailure:
    step: str
    error: VentanillaError

    @property
    def label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)


@dataclass
class StepRunner:
    policy: RetryPolicy
    rng: random.Random
    sleep: Callable[[float], None] = time.sleep
    failures: list[StepFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stopped: bool = False

    def run(self, step: str, action: Callable[[], T]) -> T | None:
        """The step's result, or None when it failed (recorded) or the run has stopped."""
        if self.stopped:
            self.skipped.append(step)
            return None
        for attempt in range(self.policy.attempts):
            try:
                result = action()
            except VentanillaError as exc:
                if attempt + 1 < self.policy.attempts and self._wait_before_retry(exc, attempt):
                    log.info("sync step %s failed (%s); retrying", step, type(exc).__name__)
                    continue
                self._fail(step, exc)
                return None
            return result
        return None  # pragma: no cover - the loop always returns

    def _wait_before_retry(self, exc: VentanillaError, attempt: int) -> bool:
        """Sleep before the next attempt; False when this failure is not worth a retry now."""
        if not isinstance(exc, RETRYABLE):
            return False
        wanted = self._retry_after(exc)
        if wanted is not None and wanted > self.policy.cap_seconds:
            return False  # the platform asked for more patience than a run has
        self.sleep(max(self.policy.delay(attempt, self.rng), wanted or 0.0))
        return True

    @staticmethod
    def _retry_after(exc: VentanillaError) -> float | None:
        if not isinstance(exc, PlatformBusy):
            return None
        return parse_retry_after(exc.retry_after, datetime.now(UTC))

    def _fail(self, step: str, exc: VentanillaError) -> None:
        log.info("sync step %s failed: %s", step, type(exc).__name__)
        self.failures.append(StepFailure(step, exc))
        never_reached = isinstance(exc, PlatformUnreachable) and exc.never_connected
        refused = isinstance(exc, SyncError) and not exc.transient and not _step_specific(exc)
        wanted = self._retry_after(exc)
        asked_to_wait = wanted is not None and wanted > self.policy.cap_seconds
        if never_reached or refused or asked_to_wait or not isinstance(exc, SyncError):
            self.stopped = True

    @property
    def failed_steps(self) -> tuple[str, ...]:
        return tuple(f.step for f in self.failures) + tuple(self.skipped)

    def summary(self) -> str:
        """Spanish: what the run could not do, and why (the first failure's message)."""
        labels = [f.label for f in self.failures] + [STEP_LABELS.get(s, s) for s in self.skipped]
        return (f"No se pudo {', '.join(labels)}. {self.failures[0].error.message}"
                if self.failures else "")


def _step_specific(exc: SyncError) -> bool:
    """A refusal of one request (4xx), not of this machine: the other steps may still work."""
    return isinstance(exc, RequestRefused)
