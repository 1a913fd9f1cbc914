"""Shared fixtures: every test gets its own data folder and real SQLite file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")
# The high-water marks of the tests' data folders (desktop/records/high_water.py), never the
# user's own state folder.
os.environ.setdefault("VENTANILLA_STATE_DIR", tempfile.mkdtemp(prefix="ventanilla-state-"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "datos"


@pytest.fixture
def demo_ctx(data_dir: Path) -> Iterator[object]:
    """A fresh demo office (demo bundle + demo users), as `main.py init` makes it."""
    from tests.demo_office import open_demo_office

    ctx = open_demo_office(data_dir)
    yield ctx
    ctx.close()


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[object]:
    """A real IPP printer (ippeveprinter) on a loopback port, its jobs spooled to tmp_path.
    Tests that use it carry the `printer` marker and skip without cups-ipp-utils."""
    from tests.ipp_printer import find_ippeveprinter, running_printer

    executable = find_ippeveprinter()
    assert executable is not None, "ippeveprinter (Debian package cups-ipp-utils) missing"
    with running_printer(executable, tmp_path / "printer") as running:
        yield running


@pytest.fixture
def office(data_dir: Path) -> Iterator[object]:
    """A demo office with one captured expediente (tests/document_fixtures.seed_office).
    tests/ui has its own `office` fixture (the window's OfficeInfo), which overrides this one."""
    from tests.document_fixtures import seed_office

    seeded = seed_office(data_dir)
    yield seeded
    seeded.ctx.close()



@pytest.fixture(params=["plain", "sqlcipher"])
def bench_ctx(request: pytest.FixtureRequest, data_dir: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Benchmarks: the demo office encrypted as the app opens it, or plain as before (the
    baseline, tests/plain_store.py), so one run measures both."""
    from tests.demo_office import open_demo_office
    from tests.plain_store import open_plain_office

    ctx = (open_plain_office(data_dir, monkeypatch) if request.param == "plain"
           else open_demo_office(data_dir))
    yield ctx
    ctx.close()
