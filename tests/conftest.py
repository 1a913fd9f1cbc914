"""Shared fixtures: every test gets its own data folder and real SQLite file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "datos"


@pytest.fixture
def demo_ctx(data_dir: Path) -> Iterator[object]:
    """A freshly bootstrapped demo office (demo bundle + demo users) in a temp folder."""
    from desktop.context import open_context

    ctx = open_context(data_dir)
    yield ctx
    ctx.close()
