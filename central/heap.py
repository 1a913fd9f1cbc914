"""The server process's garbage collector, settled once the app has started.

A push builds tens of thousands of short-lived objects (parsed JSON, rows, results); the
collector's full passes then walk every long-lived object too — the imported modules, SQLAlchemy's
and pydantic's caches — which cost 10–20 % of a push's CPU. After startup those objects live as
long as the process, so `gc.freeze()` moves them out of the collector's reach (the practice
CPython's documentation gives for servers); garbage made later is collected as before. The app
releases them when it stops, so a process that starts and stops apps (the tests) is left as it
was: objects it dropped meanwhile are collected then.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what startup left behind, then freeze the survivors."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """Give the frozen objects back to the collector (the app stopped)."""
    gc.unfreeze()
