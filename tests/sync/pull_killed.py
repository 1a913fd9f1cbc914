"""Child process for the crash test of tests/sync/test_pull_fts_batch.py: pulls the pages of a
JSON file and kills itself with SIGKILL inside the page that asks it to, right after that page's
rows were inserted and before they were indexed (localdb.fts.indexed_as_a_batch).

    python -m tests.sync.pull_killed DATA_DIR PAGES_JSON KILL_AT_PAGE
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sync.pull_insert
from desktop.context import open_context
from localdb.fts import indexed_as_a_batch
from sync.pull import pull_changes
from wire.protocol import PullResponse


class FilePages:
    """A platform answering the pull from pages by cursor (kept as JSON)."""

    def __init__(self, pages: dict[int, PullResponse]) -> None:
        self.pages = pages

    def get_json_if_changed(self, _path: str, _model: type[PullResponse], params: dict[str, Any],
                            _etag: str) -> PullResponse:
        return self.pages[int(params["cursor"])]

    def get_json(self, path: str, model: type[PullResponse],
                 params: dict[str, Any]) -> PullResponse:
        return self.get_json_if_changed(path, model, params, "")


def load_pages(path: Path) -> dict[int, PullResponse]:
    found = json.loads(path.read_text())
    return {int(cursor): PullResponse.model_validate(page) for cursor, page in found.items()}


def main(data_dir: Path, pages_file: Path, kill_at: int) -> None:
    batches = 0

    @contextmanager
    def killed_in_page(connection: Any) -> Iterator[None]:
        nonlocal batches
        batches += 1
        with indexed_as_a_batch(connection):
            yield
            if batches == kill_at:  # the rows are in, their index entries are not
                os.kill(os.getpid(), signal.SIGKILL)

    sync.pull_insert.indexed_as_a_batch = killed_in_page  # type: ignore[attr-defined]
    ctx = open_context(data_dir)
    pull_changes(ctx, FilePages(load_pages(pages_file)), max_pages=100)  # type: ignore[arg-type]
    ctx.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
