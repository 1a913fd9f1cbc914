"""One sync run: configuration → push (with its anexos) → missing anexos → pull, with its outcome
recorded in sync_state.

Each step is retried a few times within the run and a failed step does not stop the next ones
(sync.run_steps); the report lists the steps that could not be done (`failed_steps`), and a run
with any failed step counts as failed for the backoff schedule.

`SyncEngine.run_once` never raises: every failure becomes a `SyncReport`, a sync_state update
(last_error, backoff) and an observer notification. One engine is shared by the scheduled job and
"Sincronizar ahora"; its lock lets one run at a time, and a second caller does not wait — it gets
a report saying a sync is already running (the running one will deliver its own result).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.staleness import record_contact
from localdb.models import SyncState
from sync.attachments import complete_attachments
from sync.backoff import is_due, parse_retry_after, record_failure, record_success
from sync.config import ConfigOutcome, refresh_config
from sync.errors import (
    GarbageResponse,
    NotEnrolled,
    PlatformBusy,
    PlatformUnreachable,
)
from sync.http import APP_VERSION, PlatformClient
from sync.machine_token import load_machine_token
from sync.observer import ConnectionState, NullObserver, SyncObserver, SyncStatus
from sync.pull import PullOutcome, pull_changes
from sync.push import PushOutcome, push_pending
from sync.restore import catch_up_if_restored, own_records_pulled
from sync.run_steps import RetryPolicy, StepRunner
from sync.set_aside import count_set_aside
from sync.status import count_missing_anexos, count_pending, count_rejected
from wire.times import as_utc, utc_now
from wire.window_report import WindowReport

log = logging.getLogger(__name__)

BUSY = "Ya hay una sincronización en curso."
NOT_DUE = "Se reintentará más tarde."
UNEXPECTED = ("Error inesperado al sincronizar; se reintentará automáticamente. Los expedientes "
              "quedan guardados en este equipo. El detalle quedó en el registro.")
OFFLINE_LIKE = (PlatformUnreachable, PlatformBusy, GarbageResponse)
ClientFactory = Callable[[str, str], PlatformClient]


@dataclass(frozen=True)
class SyncReport:
    ok: bool
    state: ConnectionState
    message: str
    skipped: str | None = None  # "busy", "not_due" or "not_enrolled" when nothing was tried
    acked: int = 0
    rejected: int = 0  # refused by the platform in this run
    pulled: int = 0
    config_version: int | None = None
    pending: int = 0
    next_attempt_at: datetime | None = None
    rejected_total: int = 0  # outbox rows in state "rejected", as SyncStatus.rejected
    failed_steps: tuple[str, ...] = ()  # of sync.run_steps.STEP_LABELS, not done in this run
    missing_anexos: int = 0  # expedientes whose anexos the platform has not confirmed yet
    set_aside: int = 0  # pulled changes this machine could not apply yet


@dataclass(frozen=True)
class _Target:
    server_url: str
    machine_id: str


def _success_message(push: PushOutcome, pull: PullOutcome, config: ConfigOutcome) -> str:
    parts = [f"{push.acked} enviado(s)", f"{pull.changes} cambio(s) recibido(s)"]
    if push.rejected:
        parts.append(f"{push.rejected} rechazado(s) por la plataforma")
    if push.refolioed:
        pairs = "; ".join(f"{old} ahora es {new}" for old, new in push.refolioed)
        parts.append(f"{len(push.refolioed)} expediente(s) con folio nuevo porque la plataforma "
                     f"ya tenía el suyo (reimprima el acuse: {pairs})")
    if config.applied_version:
        parts.append(f"configuración versión {config.applied_version} aplicada")
    return "Sincronizado: " + ", ".join(parts) + "."


def _backlog_note(missing_anexos: int, set_aside: int) -> str:
    """What is still waiting although the steps ran, in Spanish ("" when nothing)."""
    notes = []
    if missing_anexos:
        notes.append(f"{missing_anexos} expediente(s) con anexos por confirmar en la plataforma")
    if set_aside:
        notes.append(f"{set_aside} cambio(s) recibido(s) apartado(s) por no poder aplicarse")
    return (" Pendiente: " + "; ".join(notes) + ".") if notes else ""


@dataclass(frozen=True)
class _Steps:
    config: ConfigOutcome
    push: PushOutcome
    pull: PullOutcome
    runner: StepRunner | None


class SyncEngine:
    def __init__(self, ctx: AppContext, observer: SyncObserver | None = None, *,
                 clock: Callable[[], datetime] = utc_now,
                 rng: random.Random | None = None,
                 client_factory: ClientFactory | None = None,
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.ctx = ctx
        self.observer = observer or NullObserver()
        self._clock = clock
        self._rng = rng or random.Random()
        self._client_factory = client_factory or (lambda url, token: PlatformClient(url, token))
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._lock = threading.Lock()

    def run_once(self, force: bool = False) -> SyncReport:
        """One run; `force` ("Sincronizar ahora") ignores the backoff schedule."""
        if not self._lock.acquire(blocking=False):
            return SyncReport(False, ConnectionState.SINCRONIZANDO, BUSY, skipped="busy")
        try:
            return self._run(force)
        except Exception as exc:  # the scheduler thread must never see an exception
            log.exception("sync run failed unexpectedly")
            return self._failed_safely(exc)
        finally:
            self._lock.release()

    def _failed_safely(self, exc: Exception) -> SyncReport:
        try:
            return self._failed(exc, UNEXPECTED)
        except Exception:  # e.g. the local store itself is failing
            log.exception("could not record the sync failure")
            return SyncReport(False, ConnectionState.ERROR, UNEXPECTED)

    def _run(self, force: bool) -> SyncReport:
        target = self._target(force)
        if isinstance(target, SyncReport):
            return target
        self._notify(ConnectionState.SINCRONIZANDO, "Sincronizando…")
        try:
            token = load_machine_token(self.ctx.data_dir)
            with self._client_factory(target.server_url, token) as client:
                steps = self._steps(client, target.machine_id)
        except VentanillaError as exc:  # e.g. no token, or the keyring being locked
            return self._failed(exc, exc.message)
        runner = steps.runner
        if runner is not None and runner.failures:
            return self._failed(runner.failures[0].error, runner.summary(), steps)
        return self._succeeded(steps.push, steps.pull, steps.config)

    def _steps(self, client: PlatformClient, machine_id: str) -> _Steps:
        runner = StepRunner(self._retry, self._rng, self._sleep)
        config = runner.run("config", lambda: refresh_config(self.ctx, client))
        # A window restored from a copy catches its counters up before it pushes anything, and
        # pulls its own later records back (sync.restore).
        restored = runner.run("copia", lambda: catch_up_if_restored(self.ctx, client))
        push = runner.run("push", lambda: push_pending(self.ctx, client, machine_id))
        runner.run("anexos", lambda: complete_attachments(self.ctx, client))
        client.report(self._window_report())  # carried by the pull (wire.window_report)
        pull = runner.run("pull", lambda: pull_changes(self.ctx, client,
                                                        include_own=bool(restored)))
        if restored and pull is not None:
            own_records_pulled(self.ctx)
        return _Steps(config or ConfigOutcome(), push or PushOutcome(), pull or PullOutcome(),
                      runner)

    def _window_report(self) -> WindowReport:
        with self.ctx.read() as session:
            config = session.get_one(SyncState, 1).config_version
            return WindowReport(app_version=APP_VERSION, config_version=config,
                                pending=count_pending(session))

    def _target(self, force: bool) -> _Target | SyncReport:
        with self.ctx.read() as session:
            state = session.get_one(SyncState, 1)
            if not state.demo and state.server_url and (force or is_due(state, self._clock())):
                return _Target(state.server_url, state.machine_id)
            enrolled = not state.demo and bool(state.server_url)
            return SyncReport(False, ConnectionState.SIN_CONEXION,
                              NOT_DUE if enrolled else NotEnrolled().message,
                              skipped="not_due" if enrolled else "not_enrolled",
                              pending=count_pending(session),
                              next_attempt_at=state.next_attempt_at if enrolled else None,
                              rejected_total=count_rejected(session))

    def _succeeded(self, push: PushOutcome, pull: PullOutcome,
                   config: ConfigOutcome) -> SyncReport:
        now = self._clock()
        with self.ctx.write() as session:
            state = session.get_one(SyncState, 1)
            record_success(state)
            state.last_success_at = now
            record_contact(session, now)  # ends any staleness (desktop/records/staleness.py)
            state.last_error = config.refused
            state.last_error_at = now if config.refused else None
            pending, rejected = count_pending(session), count_rejected(session)
            missing, set_aside = count_missing_anexos(session), count_set_aside(session)
        ok = config.refused is None
        state_name = ConnectionState.CONECTADO if ok else ConnectionState.ERROR
        message = _success_message(push, pull, config) if ok else str(config.refused)
        message += _backlog_note(missing, set_aside)
        self._notify(state_name, message, pending, rejected, now)
        return SyncReport(ok, state_name, message, acked=push.acked, rejected=push.rejected,
                          pulled=pull.changes, config_version=config.applied_version,
                          pending=pending, rejected_total=rejected, missing_anexos=missing,
                          set_aside=set_aside)

    def _failed(self, exc: Exception, message: str, steps: _Steps | None = None) -> SyncReport:
        now = self._clock()
        header = exc.retry_after if isinstance(exc, PlatformBusy) else None
        retry_after = parse_retry_after(header, as_utc(now))
        with self.ctx.write() as session:
            state = session.get_one(SyncState, 1)
            next_at = record_failure(state, now, retry_after, self._rng)
            state.last_error, state.last_error_at = message, now
            pending, rejected = count_pending(session), count_rejected(session)
            missing, set_aside = count_missing_anexos(session), count_set_aside(session)
            last_success = state.last_success_at
        log.info("sync failed (%s); next attempt at %s", type(exc).__name__, next_at)
        offline = isinstance(exc, OFFLINE_LIKE)
        state_name = ConnectionState.SIN_CONEXION if offline else ConnectionState.ERROR
        self._notify(state_name, message, pending, rejected, last_success)
        done = steps or _Steps(ConfigOutcome(), PushOutcome(), PullOutcome(), None)
        return SyncReport(False, state_name, message, acked=done.push.acked,
                          rejected=done.push.rejected, pulled=done.pull.changes,
                          config_version=done.config.applied_version, pending=pending,
                          next_attempt_at=next_at, rejected_total=rejected,
                          failed_steps=done.runner.failed_steps if done.runner else (),
                          missing_anexos=missing, set_aside=set_aside)

    def _notify(self, state: ConnectionState, message: str, pending: int | None = None,
                rejected: int = 0, last_success_at: datetime | None = None) -> None:
        if pending is None:
            with self.ctx.write() as session:
                pending, rejected = count_pending(session), count_rejected(session)
        status = SyncStatus(state, pending, rejected, message, last_success_at)
        try:
            self.observer.on_sync_state(status)
        except Exception:
            log.exception("sync observer failed")
