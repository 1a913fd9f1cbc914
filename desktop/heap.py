"""The process's garbage collector: paused while a process starts, settled once a user is in.

Start-up imports the modules, builds SQLAlchemy's tables and mappers and opens the store: tens of
thousands of objects that live as long as the process, which the collector's passes meanwhile
only walk (~40 ms of `status --json`'s ~400 ms of CPU). main.py opens the store inside
`collector_paused()`; the command then runs with the collector on.

When the main window shows, the window's process already holds most of what it will hold until
it stops: the imported modules, Qt's wrappers, SQLAlchemy's and pydantic's caches. CPython's
oldest generation walks all of it on each full collection; one cost ~50 ms in the middle of a
capture (issue 15: capture p95). `gc.freeze()` moves the survivors of one collection out of the
collector's reach, as central does at start-up (central/heap.py); `release()` gives them back
when the window's session ends, so a process that runs several sessions (the tests) is left as
it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; the collector as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Collect what start-up left behind and freeze the survivors."""
    gc.collect()
    gc.freeze()


def release() -> None:
    gc.unfreeze()
