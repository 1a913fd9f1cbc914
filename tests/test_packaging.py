"""What ships: the desktop app imports nothing of the `central` extra; the license is declared."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DESKTOP_PACKAGES = ("desktop", "ui", "sync", "localdb", "printing", "catalogo")
CENTRAL_ONLY = ("fastapi", "starlette", "uvicorn", "psycopg")

_IMPORT_EVERYTHING = f"""
import importlib, pkgutil, sys
import main
for package in {DESKTOP_PACKAGES!r}:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if ".migrations" not in info.name:  # Alembic environments run only under Alembic
            importlib.import_module(info.name)
print(" ".join(sorted({{m.split(".")[0] for m in sys.modules}} & set({CENTRAL_ONLY!r}))))
"""


def test_desktop_modules_import_no_central_dependency() -> None:
    done = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], cwd=REPO, text=True,
                          capture_output=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_central_dependencies_are_an_extra() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    core = " ".join(project["dependencies"])

    assert not [name for name in CENTRAL_ONLY if name in core]
    assert {"fastapi", "uvicorn", "psycopg"} <= {
        dep.split("[")[0].split(">")[0] for dep in project["optional-dependencies"]["central"]}
    assert project["license"] == "Apache-2.0" and (REPO / "LICENSE").is_file()
