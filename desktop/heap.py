"""The window process's garbage collector, settled once a user is in.

When the main window shows, the process already holds most of what it will hold until it stops:
the imported modules, Qt's wrappers, SQLAlchemy's and pydantic's caches. CPython's oldest
generation walks all of it on each full collection; one cost ~50 ms in the middle of a capture
(issue 15: capture p95). `gc.freeze()` moves the survivors of one collection out of the
collector's reach, as central does at start-up (central/heap.py); `release()` gives them back
when the window's session ends, so a process that runs several sessions (the tests) is left as
it was.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what start-up left behind and freeze the survivors."""
    gc.collect()
    gc.freeze()


def release() -> None:
    gc.unfreeze()
