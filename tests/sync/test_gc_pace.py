"""The collector's thresholds are raised while a pull runs and put back after it (sync.gc_pace),
also when pulls overlap or one fails."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest

from desktop.context import AppContext
from sync.errors import PlatformUnreachable
from sync.gc_pace import PULL_THRESHOLD, fewer_collections
from sync.pull import pull_changes
from tests.sync.pull_killed import FilePages
from tests.sync.test_pull_fts_batch import _pages
from wire.protocol import PullResponse


class _Watching(FilePages):
    """Notes the thresholds in force while each page is fetched; fails the cursor `broken`."""

    def __init__(self, pages: dict[int, PullResponse], broken: int | None = None) -> None:
        super().__init__(pages)
        self.seen: list[tuple[int, int, int]] = []
        self.broken = broken

    def get_json_if_changed(self, path: str, model: type[PullResponse], params: dict[str, Any],
                            etag: str) -> PullResponse:
        self.seen.append(gc.get_threshold())
        if int(params["cursor"]) == self.broken:
            raise PlatformUnreachable("conexión perdida")
        return super().get_json_if_changed(path, model, params, etag)


def test_a_pull_raises_the_threshold_and_puts_it_back(demo_ctx: AppContext) -> None:
    before = gc.get_threshold()
    platform = _Watching(_pages(demo_ctx, 2))
    pull_changes(demo_ctx, platform, max_pages=10)  # type: ignore[arg-type]
    assert platform.seen and all(seen[0] == PULL_THRESHOLD for seen in platform.seen)
    assert gc.get_threshold() == before


def test_a_failed_pull_puts_it_back_too(demo_ctx: AppContext) -> None:
    before = gc.get_threshold()
    pages = _pages(demo_ctx, 2)
    with pytest.raises(PlatformUnreachable):
        pull_changes(demo_ctx, _Watching(pages, broken=max(pages)),  # type: ignore[arg-type]
                     max_pages=10)
    assert gc.get_threshold() == before


def test_overlapping_blocks_restore_the_thresholds_found_first() -> None:
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other_pull() -> None:
        with fewer_collections():
            inside.set()
            leave.wait(10)

    other = threading.Thread(target=other_pull)
    with fewer_collections():
        other.start()
        inside.wait(10)
    assert gc.get_threshold()[0] == PULL_THRESHOLD  # the other block still runs
    leave.set()
    other.join()
    assert gc.get_threshold() == before
