"""The server process's garbage collector, settled once the app has started.

A push builds tens of thousands of short-lived objects (parsed JSON, rows, results), and the
collector's passes cost 10–20 % of a push's CPU: its full passes walk every long-lived object too
(the imported modules, SQLAlchemy's and pydantic's caches), and its youngest generation fills up
every 700 allocations. After startup the long-lived objects live as long as the process, so
`gc.freeze()` moves them out of the collector's reach (the practice CPython's documentation gives
for servers), and the youngest generation is collected every 20,000 allocations instead (a cycle
of garbage lives a little longer; nothing that refcounting frees waits for it). The app releases
both when it stops, so a process that starts and stops apps (the tests) is left as it was:
objects it dropped meanwhile are collected then.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000
_saved: list[tuple[int, int, int]] = []


def settle() -> None:
    """Collect what startup left behind, freeze the survivors, collect the young less often."""
    gc.collect()
    gc.freeze()
    threshold = gc.get_threshold()
    _saved.append(threshold)
    gc.set_threshold(max(threshold[0], YOUNG_THRESHOLD), threshold[1], threshold[2])


def release() -> None:
    """Give the frozen objects back to the collector and its thresholds as they were."""
    if _saved:
        gc.set_threshold(*_saved.pop())
    gc.unfreeze()
