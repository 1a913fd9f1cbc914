"""Fixtures of the sync tests: the real central platform on loopback and enrolled windows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.context import AppContext
from tests.sync.central_server import CentralServer, central_db_url
from tests.sync.machines import enrolled_context


@pytest.fixture
def central_db(tmp_path: Path) -> Iterator[str]:
    """The central database URL; SQLite here, overridden with a PostgreSQL variant where useful."""
    with central_db_url("sqlite", tmp_path / "central") as url:
        yield url


@pytest.fixture
def central(central_db: str) -> Iterator[CentralServer]:
    server = CentralServer(central_db).start()
    yield server
    server.close()


@pytest.fixture
def window(tmp_path: Path, central: CentralServer) -> Iterator[AppContext]:
    """Window V01 of the office, enrolled with `central`."""
    ctx = enrolled_context(tmp_path / "v01", central, "V01")
    yield ctx
    ctx.close()


@pytest.fixture
def other_window(tmp_path: Path, central: CentralServer) -> Iterator[AppContext]:
    """Window V02 of the same office."""
    ctx = enrolled_context(tmp_path / "v02", central, "V02")
    yield ctx
    ctx.close()
