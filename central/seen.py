"""When each machine was last seen, written off the request path in batches.

A poll notes the moment in memory; a background thread writes what was noted every
`FLUSH_SECONDS` in one transaction (one executemany), and the app's shutdown writes the rest. A
machine is written again only when its last written moment is older than `SEEN_EVERY`, so a
machine polling every minute costs one row update a minute, never a write lock per request.
Pushes keep writing `last_seen` themselves, in the transaction they write anyway; a flush never
moves `last_seen` backwards.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlalchemy.exc import SQLAlchemyError

from central.db import Database
from central.models import Machine, table_of, utc_now

log = logging.getLogger(__name__)

FLUSH_SECONDS = 15.0
SEEN_EVERY = timedelta(seconds=60)


class SeenRecorder:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._noted: dict[str, datetime] = {}
        self._written: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def note(self, machine_id: str) -> None:
        now = utc_now()
        written = self._written.get(machine_id)
        if written is not None and now - written < SEEN_EVERY:
            return
        with self._lock:
            self._noted[machine_id] = now

    def flush(self) -> int:
        """Write what was noted; returns how many machines were written."""
        with self._lock:
            noted, self._noted = self._noted, {}
        if not noted:
            return 0
        machines = table_of(Machine)
        stmt = update(machines).where(
            machines.c.id == bindparam("b_id"),
            or_(machines.c.last_seen.is_(None), machines.c.last_seen < bindparam("b_seen")),
        ).values(last_seen=bindparam("b_seen"))
        try:
            with self.db.write() as session:
                session.connection().execute(
                    stmt, [{"b_id": m, "b_seen": at} for m, at in noted.items()])
        except SQLAlchemyError:
            log.exception("last_seen of %d machine(s) not written; kept for the next flush",
                          len(noted))
            with self._lock:
                self._noted = {**noted, **self._noted}
            return 0
        self._written.update(noted)
        return len(noted)

    def start(self, every: float = FLUSH_SECONDS) -> None:
        def loop() -> None:
            while not self._stop.wait(every):
                self.flush()

        self._thread = threading.Thread(target=loop, name="last-seen-flush", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()
