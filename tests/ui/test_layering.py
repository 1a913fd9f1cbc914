"""ARCHITECTURE §3 as a test: only ui/ (and main.py) import Qt, and ui/ never reaches into
localdb/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from desktop.context import AppContext
from desktop.errors import NotFound
from desktop.office import NOT_SET_UP, office_info
from localdb.models import SyncState

ROOT = Path(__file__).resolve().parents[2]
QT_FREE = ("desktop", "sync", "localdb", "printing", "central", "formatting", "wire")
PROJECT_PACKAGES = ("desktop", "ui", "sync", "localdb", "printing", "central", "wire")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _offenders(packages: tuple[str, ...], forbidden: str) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        for module in _imported_modules(path)
        if module == forbidden or module.startswith(forbidden + ".")
    )


def test_only_ui_imports_qt() -> None:
    assert _offenders(QT_FREE, "PySide6") == []


def test_ui_never_imports_localdb() -> None:
    assert _offenders(("ui",), "localdb") == []


def test_formatting_is_a_leaf_every_layer_can_import() -> None:
    assert [hit for package in PROJECT_PACKAGES
            for hit in _offenders(("formatting",), package)] == []


def test_office_info_reads_the_machine_and_explains_when_it_has_none(ctx: AppContext) -> None:
    with ctx.write() as session:
        office = office_info(session)
        assert (office.oficina_nombre, office.ventanilla, office.demo) == (
            "Oficina Centro (DEMO)", "V01", True)
        assert office.config_version == 1
        session.delete(session.get_one(SyncState, 1))
        session.flush()
        with pytest.raises(NotFound) as refused:
            office_info(session)
        assert refused.value.message == NOT_SET_UP
        session.rollback()
