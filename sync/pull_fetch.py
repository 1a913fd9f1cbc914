"""One pull page asked for and made ready to apply (ARCHITECTURE §7): the answer validated as a
`PullResponse` (sync.http), its records parsed into their new rows (sync.pull_prepare).

This runs off the thread that writes: in the pull's fetch thread, or in its worker process
(sync.pull_worker), whose answer crosses back pickled. A `PulledPage` pickles in a compact form
(each change's data as one JSON text, the rows as tuples under one list of column names) and is
rebuilt without validating again: unpickling it costs the window's writer a few milliseconds a
page, a tenth of what parsing and validating it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic_core import from_json, to_json

from sync.errors import EpochChanged, GarbageResponse
from sync.pull_prepare import PreparedRecords, prepare_records
from wire.protocol import MAX_PULL_LIMIT, Change, PullResponse, poll_tag

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
    if page.has_more and page.next_cursor <= cursor:
        raise GarbageResponse(f"pull cursor does not advance ({cursor} -> {page.next_cursor})")
    if epoch and page.epoch != epoch:
        raise EpochChanged(page.epoch)
    return page


def _unpacked(changes: list[tuple[int, str, str, bytes]], next_cursor: int, has_more: bool,
              epoch: str, zone: str, names: tuple[str, ...],
              rows: list[tuple[int, tuple[Any, ...]]]) -> PulledPage:
    """A PulledPage from its pickled form (validated where it was made: not again). A record
    whose row came along keeps its data as text (PreparedRecords.full decodes it if needed)."""
    prepared = PreparedRecords(zone, {version: dict(zip(names, values, strict=True))
                                      for version, values in rows})
    thin = prepared.rows.keys()
    built = []
    for version, kind, uuid, data in changes:
        if version in thin:
            prepared.texts[version] = data
            built.append(Change.model_construct(version=version, kind=kind, entity_uuid=uuid,
                                                data={}))
        else:
            built.append(Change.model_construct(version=version, kind=kind, entity_uuid=uuid,
                                                data=from_json(data)))
    page = PullResponse.model_construct(changes=built, next_cursor=next_cursor,
                                        has_more=has_more, epoch=epoch)
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
        if self.prepared.texts or any(tuple(row) != names for row in rows.values()):
            return PulledPage, (self.page, self.prepared)  # not one shape: pickled as it is
        page = self.page
        return _unpacked, (
            [(c.version, c.kind, c.entity_uuid, to_json(c.data)) for c in page.changes],
            page.next_cursor, page.has_more, page.epoch, self.prepared.zone, names,
            [(version, tuple(row.values())) for version, row in rows.items()])


def fetch_pulled(client: PullSource, cursor: int, epoch: str | None, include_own: bool,
                 zone: str, limit: int = MAX_PULL_LIMIT) -> PulledPage:
    """The page after `cursor` (at most `limit` changes), and its records parsed
    (sync.pull_prepare)."""
    page = fetch(client, cursor, epoch, include_own, limit)
    return PulledPage(page, prepare_records(page.changes, zone))
