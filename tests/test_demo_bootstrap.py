"""Opening a store never creates users; only main.py's `init` and the window set up the demo office,
and say so. Every other command on an empty folder asks for `init` instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from desktop.context import open_context
from desktop.demo_setup import DEMO_CREATED
from desktop.office import office_is_set_up
from localdb.models import User
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]


def _users(data_dir: Path) -> int:
    ctx = open_context(data_dir)
    try:
        with ctx.write() as session:
            return session.scalar(select(func.count()).select_from(User)) or 0
    finally:
        ctx.close()


def test_opening_an_empty_folder_yields_an_empty_store(data_dir: Path) -> None:
    ctx = open_context(data_dir)
    try:
        with ctx.write() as session:
            assert not office_is_set_up(session)
            assert session.scalars(select(User)).all() == []
    finally:
        ctx.close()


AUTH_FIRST = """
import sys
from pathlib import Path
import desktop.access.auth
from desktop.context import open_context
from localdb.models import User
ctx = open_context(Path(sys.argv[1]))
with ctx.write() as session:
    print(session.query(User).count(), "desktop.demo_setup" in sys.modules)
"""


def test_desktop_auth_imports_first_and_opening_loads_no_demo_code(data_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-c", AUTH_FIRST, str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False"]


def test_init_creates_the_demo_office_once_and_says_so(data_dir: Path) -> None:
    first = run(data_dir, "init")
    assert first.returncode == 0, first.stderr
    created, ready = first.stdout.splitlines()
    assert created == DEMO_CREATED
    assert created.startswith("Se creó la oficina de demostración Oficina Centro (DEMO) con los "
                              "usuarios operador, supervisor y admin (contraseñas publicadas")
    assert ready.startswith(f"Almacén listo en {data_dir} — oficina HMO, ventanilla V01 (DEMO)")
    again = run(data_dir, "init")
    assert again.returncode == 0 and again.stdout.splitlines() == [ready]
    assert _users(data_dir) == 3


def test_other_commands_on_an_empty_folder_ask_for_init_and_create_no_users(
        data_dir: Path) -> None:
    for command in (["status"], ["list"], ["capture", "--tramite", "X", "--answers", "a.json",
                                            "--user", "operador"]):
        refused = run(data_dir, *command)
        assert refused.returncode == 2, command
        assert refused.stdout == ""
        assert refused.stderr.strip() == (
            f"Todavía no hay un almacén de Ventanilla en {data_dir}. Créelo con "
            f"`python main.py --data-dir {data_dir} init` (oficina de demostración) y vuelva a "
            "intentarlo.")
    assert _users(data_dir) == 0
