"""Fast start (issue 15): what is imported by the time the login window shows, and by
`status --json`. Not timed, so it cannot flake: the window's start must not import sync, the
documents (reportlab), the platform's server, the scheduler, capture or the bundles — they come
after the login."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_BEFORE_LOGIN = ("sync", "reportlab", "fastapi", "uvicorn", "apscheduler", "requests",
                    "printing", "alembic", "segno", "num2words", "simpleeval", "pydantic",
                    "desktop.capture.service", "desktop.bundles", "desktop.documents",
                    "ui.main_window", "ui.operations")
# pydantic too: staleness is plain (wire.staleness); a bundle that sets its own thresholds is
# validated by wire.sin_conexion, and this store's bundle does not. keyring: the file credentials.
NOT_FOR_STATUS = ("reportlab", "printing", "fastapi", "apscheduler", "alembic", "requests",
                  "desktop.capture.service", "desktop.bundles", "desktop.cli", "ui",
                  "PySide6", "pydantic", "num2words", "keyring", "cryptography")


def _env() -> dict[str, str]:
    return {**os.environ, "VENTANILLA_CREDENTIALS": "file", "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    data_dir = tmp_path / "datos"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), "init"],
                   env=_env(), check=True, capture_output=True)
    return data_dir


def _offenders(modules: list[str], heavy: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in heavy))


def test_login_window_shows_before_anything_it_does_not_need_is_imported(store: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tests.start_login_probe", str(store),
                           "--modules"], env=_env(), cwd=ROOT, check=True, capture_output=True,
                          text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert lines[0] == "login shown", done.stderr
    assert "ui.login_dialog" in lines and "desktop.context" in lines  # the probe saw the window
    assert _offenders(lines[1:], NOT_BEFORE_LOGIN) == []


def test_status_json_imports_only_what_it_reports(store: Path) -> None:
    code = ("import runpy, sys; sys.argv = ['main.py', '--data-dir', sys.argv[1], 'status', "
            "'--json']\ntry:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
            "except SystemExit:\n    pass\nprint('\\n'.join(sorted(sys.modules)), "
            "file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(store)], env=_env(), cwd=ROOT,
                          check=True, capture_output=True, text=True, timeout=120)
    modules = done.stderr.splitlines()
    assert '"expedientes": 0' in done.stdout and "desktop.status" in modules
    assert _offenders(modules, NOT_FOR_STATUS) == [], _offenders(modules, NOT_FOR_STATUS)


def test_the_pull_worker_imports_no_store_code() -> None:
    """The pull's worker process (sync/pull_worker.py) is spawned and imports what it runs: no
    SQLAlchemy, no store, which would double a long pull's memory (ARCHITECTURE §7)."""
    done = subprocess.run([sys.executable, "-c", "import sys, sync.pull_worker; "
                           "print('\\n'.join(sorted(sys.modules)))"], env=_env(), cwd=ROOT,
                          check=True, capture_output=True, text=True, timeout=120)
    modules = done.stdout.splitlines()
    assert "sync.pull_fetch" in modules and "sync.pull_records" in modules
    assert _offenders(modules, ("sqlalchemy", "sqlcipher3", "localdb.models", "localdb.engine",
                                "desktop.context", "desktop.records")) == []
