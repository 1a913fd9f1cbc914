"""The sync timer: an APScheduler 3 BackgroundScheduler job every 60 s ± 20 % (ARCHITECTURE §3, §7).

`max_instances=1, coalesce=True` keep one run at a time and never queue a backlog after a
suspend. When a failure schedules a retry sooner than the next tick (backoff starts at 1 s), a
one-off job fires then; a retry later than the tick is simply waited for by the tick itself
(the engine skips runs that are not due). New captures never trigger a run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from sync.engine import SyncEngine, SyncReport
from wire.times import as_utc, utc_now

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60
JITTER_SECONDS = 12
JOB_ID = "ventanilla-sync"
RETRY_JOB_ID = "ventanilla-sync-retry"


class SyncScheduler:
    def __init__(self, engine: SyncEngine, interval_seconds: float = INTERVAL_SECONDS,
                 jitter_seconds: float = JITTER_SECONDS) -> None:
        self.engine = engine
        self.interval = interval_seconds
        self.jitter = jitter_seconds
        self._scheduler = BackgroundScheduler(daemon=True)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self, run_now: bool = True) -> None:
        """Start the timer; with `run_now` the first run happens right away."""
        trigger = IntervalTrigger(seconds=self.interval, jitter=self.jitter)
        options = {"next_run_time": datetime.now().astimezone()} if run_now else {}
        self._scheduler.add_job(self._tick, trigger, id=JOB_ID, max_instances=1,
                                coalesce=True, replace_existing=True, **options)
        self._scheduler.start()

    def stop(self, wait: bool = True) -> None:
        """Stop the timer; with `wait`, a run in progress finishes first."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def _tick(self) -> None:
        report = self.engine.run_once()
        self._schedule_retry(report)

    def _schedule_retry(self, report: SyncReport) -> None:
        due = report.next_attempt_at
        if due is None or report.skipped:
            return
        if due - utc_now() >= timedelta(seconds=self.interval - self.jitter):
            return
        self._scheduler.add_job(self._tick, DateTrigger(run_date=as_utc(due)),
                                id=RETRY_JOB_ID, replace_existing=True, max_instances=1,
                                coalesce=True, misfire_grace_time=30)
        log.debug("sync retry scheduled at %s", due)
