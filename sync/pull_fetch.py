"""One pull page asked for and made ready to apply (ARCHITECTURE §7): the answer validated as a
`PullResponse` (sync.http), its records parsed into their new rows (sync.pull_prepare).

This runs off the thread that writes: in the pull's fetch thread, or in its worker process
(sync.pull_worker), whose answer crosses back pickled. A `PulledPage` pickles in a compact form
(the rows as tuples under one list of column names; the data of the records whose row came along
as one pickled list, kept packed until something needs it): unpickling it costs the window's
writer about 4 ms a page, a tenth of what parsing and validating it did.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any, Protocol

from sync.errors import EpochChanged, GarbageResponse
from sync.pull_prepare import PreparedRecords, prepare_records
from wire.protocol import MAX_PULL_LIMIT, PullResponse, poll_tag

PULL_PATH = "/v1/sync/pull"


class PullSource(Protocol):
    """What the pull asks a page of: a PlatformClient, or a test's stand-in."""

    def get_json(self, path: str, model: type[PullResponse],
                 params: dict[str, Any]) -> PullResponse: ...

    def get_json_if_changed(self, path: str, model: type[PullResponse], params: dict[str, Any],
                            etag: str) -> PullResponse | None: ...


def fetch(client: PullSource, cursor: int, epoch: str | None, include_own: bool = False,
          limit: int = MAX_PULL_LIMIT) -> PullResponse:
    params: dict[str, str | int] = {"cursor": cursor, "limit": limit}
    if include_own:  # a restored copy getting back what it sent after the copy (sync/restore.py)
        params["include_own"] = "true"
    if epoch:
        params["epoch"] = epoch
    if epoch and not include_own:  # a conditional poll: 304 when nothing came after the cursor
        found = client.get_json_if_changed(PULL_PATH, PullResponse, params,
                                           poll_tag(epoch, cursor))
        page = found or PullResponse(changes=[], next_cursor=cursor, has_more=False, epoch=epoch)
    else:
        page = client.get_json(PULL_PATH, PullResponse, params=params)
    if epoch and page.epoch != epoch:
        raise EpochChanged(page.epoch)
    check_page(page, cursor, limit)
    return page


def check_page(page: PullResponse, cursor: int, limit: int) -> None:
    """GarbageResponse unless the page is one the platform could give after `cursor`: at most
    `limit` changes, versions rising strictly within (cursor, next_cursor], a cursor that never
    goes back and that advances when more follow (central.pull.page_end). A replayed or older
    answer would otherwise apply changes the window already has over newer ones."""
    if page.next_cursor < cursor or (page.has_more and page.next_cursor == cursor):
        raise GarbageResponse(f"pull cursor does not advance ({cursor} -> {page.next_cursor})")
    if len(page.changes) > limit:
        raise GarbageResponse(f"pull page of {len(page.changes)} changes, asked for {limit}")
    last = cursor
    for change in page.changes:
        if not last < change.version <= page.next_cursor:
            raise GarbageResponse(f"pull change {change.version} outside ({last}, "
                                  f"{page.next_cursor}]")
        last = change.version


def _unpacked(changes: list[dict[str, Any]], next_cursor: int, has_more: bool, epoch: str,
              zone: str, names: tuple[str, ...], rows: list[tuple[int, tuple[Any, ...]]],
              packed: bytes) -> PulledPage:
    """A PulledPage from its pickled form. A record whose row came along has empty data here;
    `packed` holds it (PreparedRecords.full). The page is validated again as it came, thin:
    the same model, at a tenth of the first time's cost (under half of building the changes
    one by one without validating)."""
    thin = tuple(version for version, _ in rows)
    prepared = PreparedRecords(zone, {version: dict(zip(names, values, strict=True))
                                      for version, values in rows}, thin, packed)
    page = PullResponse.model_validate({"changes": changes, "next_cursor": next_cursor,
                                        "has_more": has_more, "epoch": epoch})
    return PulledPage(page, prepared)


@dataclass(frozen=True)
class PulledPage:
    """A page and its records' rows. After crossing from the worker process, a record change
    whose row came along has empty data (`PreparedRecords.full` gives it back)."""

    page: PullResponse
    prepared: PreparedRecords

    def __reduce__(self) -> tuple[Any, ...]:
        rows = self.prepared.rows
        names = tuple(next(iter(rows.values()))) if rows else ()
        if self.prepared.thin or any(tuple(row) != names for row in rows.values()):
            return PulledPage, (self.page, self.prepared)  # not one shape: pickled as it is
        page = self.page
        changes = page.changes
        ordered = [c for c in changes if c.version in rows]
        return _unpacked, (
            [{"version": c.version, "kind": c.kind, "entity_uuid": c.entity_uuid,
              "data": {} if c.version in rows else c.data} for c in changes],
            page.next_cursor, page.has_more, page.epoch, self.prepared.zone, names,
            [(c.version, tuple(rows[c.version].values())) for c in ordered],
            pickle.dumps([c.data for c in ordered], pickle.HIGHEST_PROTOCOL))


def fetch_pulled(client: PullSource, cursor: int, epoch: str | None, include_own: bool,
                 zone: str, limit: int = MAX_PULL_LIMIT) -> PulledPage:
    """The page after `cursor` (at most `limit` changes), and its records parsed
    (sync.pull_prepare)."""
    page = fetch(client, cursor, epoch, include_own, limit)
    return PulledPage(page, prepare_records(page.changes, zone))
