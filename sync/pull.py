"""Pull (ARCHITECTURE §7): pages of changes after our cursor, each applied together with the new
cursor in ONE local transaction, so a crash between pages repeats at most one page, harmlessly.

A page is applied set-based (sync.pull_page: a few batched statements); the rules of each change
are those of sync.pull_apply, which also applies the page change by change when a batched write
is refused. A change that cannot be applied here never stops the pull: it is set aside
(sync.set_aside) with its reason, the cursor moves on, and every run retries what was set aside
before pulling.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.context import AppContext
from localdb.models import SyncState
from sync.errors import EpochChanged, GarbageResponse
from sync.gc_pace import fewer_collections
from sync.http import PlatformClient
from sync.pull_apply import MissingTramite, UnusableChange, apply_change
from sync.pull_page import apply_set_based
from sync.pull_prepare import PreparedRecords, prepare_records
from sync.set_aside import (
    WAITS_FOR_EARLIER,
    blocked_entities,
    count_set_aside,
    forget_set_aside,
    retry_set_aside,
    set_aside,
    try_apply,
)
from wire.protocol import MAX_PULL_LIMIT, Change, PullResponse, poll_tag

__all__ = ["MissingTramite", "PullOutcome", "UnusableChange", "apply_change", "apply_page",
           "pull_changes"]

log = logging.getLogger(__name__)
PULL_PATH = "/v1/sync/pull"


@dataclass
class PullOutcome:
    changes: int = 0
    pages: int = 0
    epoch_resets: int = 0
    set_aside: int = 0  # changes waiting aside after this pull


def _apply_one_by_one(session: Session, changes: list[Change],
                      blocked: set[str]) -> list[tuple[Change, str]]:
    """The reference path: each change in its own savepoint (sync.pull_apply)."""
    aside = []
    for change in changes:
        reason = WAITS_FOR_EARLIER if change.entity_uuid in blocked else try_apply(
            session, change, apply_change)
        if reason is not None:
            aside.append((change, reason))
            blocked.add(change.entity_uuid)
    return aside


def apply_page(session: Session, page: PullResponse, sent_cursor: int,
               sent_epoch: str | None, *, set_based: bool = True,
               prepared: PreparedRecords | None = None) -> int:
    """Apply one page and save its cursor, inside the caller's transaction; returns #changes.

    If another process moved the cursor meanwhile, the page is dropped (it will be re-read)."""
    state = session.get_one(SyncState, 1)
    if state.pull_cursor != sent_cursor or state.epoch != sent_epoch:
        log.warning("pull cursor moved during the request; page dropped")
        return 0
    blocked = blocked_entities(session)
    aside = apply_set_based(session, page.changes, blocked, prepared) if set_based else None
    if aside is None:
        aside = _apply_one_by_one(session, page.changes, blocked)
    for change, reason in aside:
        set_aside(session, change, page.epoch, reason)
    state.pull_cursor = page.next_cursor
    state.epoch = page.epoch
    return len(page.changes)


def _reset_cursor(ctx: AppContext, epoch: str | None) -> None:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        log.warning("platform epoch changed (%s -> %s); pull cursor reset", state.epoch, epoch)
        state.pull_cursor = 0
        state.epoch = epoch
        forget_set_aside(session)  # the pull starts over: they will come again


def _fetch(client: PlatformClient, cursor: int, epoch: str | None,
           include_own: bool = False) -> PullResponse:
    params: dict[str, str | int] = {"cursor": cursor, "limit": MAX_PULL_LIMIT}
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


def _fetch_prepared(client: PlatformClient, cursor: int, epoch: str | None, include_own: bool,
                    zone: str) -> tuple[PullResponse, PreparedRecords]:
    """In the fetch thread: the page, and its records parsed (sync.pull_prepare)."""
    page = _fetch(client, cursor, epoch, include_own)
    return page, prepare_records(page.changes, zone)


def _saved_cursor(ctx: AppContext) -> tuple[int, str | None]:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        return state.pull_cursor, state.epoch


def pull_changes(ctx: AppContext, client: PlatformClient, max_pages: int = 1_000,
                 include_own: bool = False) -> PullOutcome:
    """Pull until has_more is false. A 410 resets the cursor ONCE per run (never loops).

    Page k+1 is fetched in a background thread while page k is applied (the wait for the
    platform and SQLite's work both release the GIL). Pages are still applied one at a time, in
    order, each only if the saved cursor is the one it was asked after (apply_page); the client
    is used by that one thread alone. A failed fetch surfaces after the page before it was saved.
    The garbage collector runs less often meanwhile (sync.gc_pace).
    """
    outcome = PullOutcome()
    with ctx.write() as session:
        outcome.changes += retry_set_aside(session, apply_change)
        zone = office_zone(session)
    with fewer_collections(), ThreadPoolExecutor(1, thread_name_prefix="pull-fetch") as fetcher:
        ahead: tuple[int, str | None, Future[tuple[PullResponse, PreparedRecords]]] | None = None
        while outcome.pages < max_pages:
            if ahead is None:
                cursor, epoch = _saved_cursor(ctx)
                ahead = cursor, epoch, fetcher.submit(_fetch_prepared, client, cursor, epoch,
                                                      include_own, zone)
            cursor, epoch, fetching = ahead
            ahead = None
            try:
                page, prepared = fetching.result()
            except EpochChanged as exc:
                if outcome.epoch_resets:
                    raise
                outcome.epoch_resets += 1
                _reset_cursor(ctx, exc.epoch)
                continue
            outcome.pages += 1
            if page.has_more and outcome.pages < max_pages:  # asked after the cursor it saves
                ahead = page.next_cursor, page.epoch, fetcher.submit(
                    _fetch_prepared, client, page.next_cursor, page.epoch, include_own, zone)
            if page.changes or page.next_cursor != cursor or page.epoch != epoch:
                with ctx.write() as session:
                    outcome.changes += apply_page(session, page, cursor, epoch,
                                                  prepared=prepared)
                    saved = session.get_one(SyncState, 1).pull_cursor == page.next_cursor
                if not saved:  # dropped (the cursor moved): what was fetched after it goes too
                    ahead = None
            if not page.has_more:
                break
    with ctx.write() as session:
        outcome.set_aside = count_set_aside(session)
    return outcome
