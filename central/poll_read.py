"""The reads of a poll answered in front (central.poll_front), on a pooled DBAPI connection.

Two plain statements, no ORM session: `poller` reads, by the sha256 of the bearer token, the
machine (not revoked), its stored report, the platform's epoch and its office's counter in one
indexed read; `page` reads the changes after the cursor up to that counter, as
`central.pull.read_changes` does. Every writer bumps the counter in its own transaction, so all
versions up to the value read are committed and visible to the second statement, whichever
process wrote them. A change's `data` is stored JSON text on SQLite and goes into the answer as
is (PostgreSQL's driver hands back the value, encoded again).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from central.db import Database
from central.models import Change, Machine, Platform, ScopeCounter
from central.pull import Page, PageChange, page_end, page_json
from wire.protocol import poll_tag

_POLLER = (
    "SELECT m.id, m.office, m.app_version, m.config_applied, m.pending, p.epoch, s.version "
    f"FROM {Machine.__tablename__} m JOIN {Platform.__tablename__} p ON p.id = 1 "
    f"LEFT JOIN {ScopeCounter.__tablename__} s ON s.scope = m.office "
    "WHERE m.token_sha256 = {0} AND m.revoked_at IS NULL"
)
_PAGE = (
    f"SELECT version, kind, entity_uuid, data FROM {Change.__tablename__} "
    "WHERE scope = {0} AND version > {0} AND version <= {0} "
    "AND (origin_machine IS NULL OR origin_machine != {0}) ORDER BY version LIMIT {0}"
)


@dataclass(frozen=True)
class Poller:
    machine_id: str
    office: str
    stored_report: tuple[str | None, int | None, int | None]
    epoch: str
    version: int  # the office's counter


class PollReader:
    def __init__(self, db: Database) -> None:
        self.db = db
        mark = "?" if db.is_sqlite else "%s"
        self._poller, self._page = _POLLER.format(mark), _PAGE.format(mark)

    def poller(self, token_sha256: str) -> Poller | None:
        rows = self._fetch(self._poller, (token_sha256,))
        if not rows:
            return None
        row = rows[0]
        return Poller(row[0], row[1], (row[2], row[3], row[4]), row[5], row[6] or 0)

    def page(self, poller: Poller, cursor: int, limit: int) -> tuple[bytes, str | None]:
        """The PullResponse JSON of the changes after `cursor` (the machine's own skipped), and
        its ETag (None when there are more pages), as the route answers them."""
        rows = self._fetch(self._page, (poller.office, cursor, poller.version, poller.machine_id,
                                        limit + 1))
        next_cursor, has_more = page_end([r[0] for r in rows], limit, poller.version, cursor)
        changes = [PageChange(r[0], r[1], r[2], _json_text(r[3])) for r in rows[:limit]]
        body = page_json(Page(changes, next_cursor, has_more), poller.epoch)
        return body, None if has_more else poll_tag(poller.epoch, next_cursor)

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        connection = self.db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool (rolled back there)


def _json_text(data: Any) -> str:
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)

