"""The demo office as main.py sets it up (`init`, or the window on an empty folder), for tests
that need the demo catálogo and users without running main.py."""

from __future__ import annotations

from pathlib import Path

from desktop.context import AppContext, open_context
from desktop.demo_setup import bootstrap_if_empty


def open_demo_office(data_dir: Path) -> AppContext:
    """Open the store in `data_dir`, creating the demo office first if it is empty."""
    ctx = open_context(data_dir)
    bootstrap_if_empty(ctx)
    return ctx
