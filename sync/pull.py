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
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.context import AppContext
from localdb.models import SyncState
from sync.errors import EpochChanged
from sync.gc_pace import fewer_collections
from sync.http import PlatformClient
from sync.pull_apply import MissingTramite, apply_change
from sync.pull_fetch import PulledPage, PullSource
from sync.pull_page import apply_set_based
from sync.pull_prepare import PreparedRecords
from sync.pull_records import UnusableChange
from sync.pull_worker import PageFetcher
from sync.set_aside import (
    WAITS_FOR_EARLIER,
    blocked_entities,
    count_set_aside,
    forget_set_aside,
    retry_set_aside,
    set_aside,
    try_apply,
)
from wire.protocol import MAX_PULL_LIMIT, Change, PullResponse

__all__ = ["MissingTramite", "PullOutcome", "UnusableChange", "apply_change", "apply_page",
           "pull_changes"]

log = logging.getLogger(__name__)


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
    records = prepared or PreparedRecords("")
    aside = apply_set_based(session, page.changes, blocked, prepared) if set_based else None
    if aside is None:
        aside = _apply_one_by_one(session, [records.full(c) for c in page.changes], blocked)
    for change, reason in aside:
        set_aside(session, records.full(change), page.epoch, reason)
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


def _saved_cursor(ctx: AppContext) -> tuple[int, str | None]:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        return state.pull_cursor, state.epoch


def pull_changes(ctx: AppContext, client: PlatformClient | PullSource, max_pages: int = 1_000,
                 include_own: bool = False, page_size: int = MAX_PULL_LIMIT) -> PullOutcome:
    """Pull until has_more is false, in pages of at most `page_size` changes (the platform's
    cap). A 410 resets the cursor ONCE per run (never loops).

    Page k+1 is fetched and parsed while page k is applied: in a thread, and once the platform
    says more pages follow, in a worker process (sync.pull_worker). Pages are still applied one
    at a time, in order, each only if the saved cursor is the one it was asked after
    (apply_page); one page is asked for at a time. A failed fetch surfaces after the page before
    it was saved. The garbage collector runs less often meanwhile (sync.gc_pace).
    """
    outcome = PullOutcome()
    with ctx.write() as session:
        outcome.changes += retry_set_aside(session, apply_change)
        zone = office_zone(session)
    fetcher = PageFetcher(client, include_own, zone, page_size)
    with fewer_collections(), fetcher:
        ahead: tuple[int, str | None, Future[PulledPage]] | None = None
        while outcome.pages < max_pages:
            if ahead is None:
                cursor, epoch = _saved_cursor(ctx)
                ahead = cursor, epoch, fetcher.ask(cursor, epoch)
            cursor, epoch, fetching = ahead
            ahead = None
            try:
                pulled = fetcher.take(fetching, cursor, epoch)
            except EpochChanged as exc:
                if outcome.epoch_resets:
                    raise
                outcome.epoch_resets += 1
                _reset_cursor(ctx, exc.epoch)
                continue
            page = pulled.page
            outcome.pages += 1
            if page.has_more and outcome.pages < max_pages:  # asked after the cursor it saves
                ahead = page.next_cursor, page.epoch, fetcher.ask(page.next_cursor, page.epoch,
                                                                  more=True)
            if page.changes or page.next_cursor != cursor or page.epoch != epoch:
                with ctx.write() as session:
                    outcome.changes += apply_page(session, page, cursor, epoch,
                                                  prepared=pulled.prepared)
                    saved = session.get_one(SyncState, 1).pull_cursor == page.next_cursor
                if not saved:  # dropped (the cursor moved): what was fetched after it goes too
                    ahead = None
            if not page.has_more:
                break
    with ctx.write() as session:
        outcome.set_aside = count_set_aside(session)
    return outcome
