"""`central publish-config` (issue 10): the impact report against the bundle in force on the
platform — the window's own report — then a confirmation; `--yes` for scripts; without a
terminal and without --yes nothing is published (exit 2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from catalogo.impact import impact_report
from catalogo.impact_text import report_text
from central import admin
from central.bundles import latest_version
from central.db import Database
from desktop.bundles.apply import parse_payload
from tests.central.test_central_cli import Cli
from tests.impact_bundles import crafted_v2, demo_payload
from wire.canonical import canonical_json


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    db = Database(url)
    admin.init_platform(db)
    admin.publish_config(db, canonical_json(demo_payload()))
    db.dispose()
    return Cli(url, capsys)


def _v2(tmp_path: Path) -> Path:
    path = tmp_path / "v2.json"
    path.write_bytes(canonical_json(crafted_v2()))
    return path


def _published(cli: Cli) -> int:
    db = Database(cli.db_url)
    try:
        with db.read() as session:
            return latest_version(session)
    finally:
        db.dispose()


def _window_report() -> str:
    before = parse_payload(json.dumps(demo_payload()).encode())
    return report_text(impact_report(before, parse_payload(json.dumps(crafted_v2()).encode())))


def test_yes_prints_the_windows_report_and_publishes(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("publish-config", str(_v2(tmp_path)), "--yes")
    assert (code, err) == (0, "")
    assert out == _window_report() + "\nConfiguración versión 2 publicada.\n"
    assert out.startswith("Configuración versión 2: 1 trámite nuevo, 2 cambiados, 1 retirado")
    assert _published(cli) == 2


def test_without_a_terminal_and_without_yes_nothing_is_published(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = cli("publish-config", str(_v2(tmp_path)))
    assert code == 2
    assert out.startswith("Configuración versión 2: 1 trámite nuevo")  # the report was shown
    assert "use --yes" in err and "No se publicó nada" in err
    assert _published(cli) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "version"), [("s\n", 0, 2), ("n\n", 1, 1),
                                                        ("\n", 1, 1)])
def test_a_terminal_is_asked(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             answer: str, code: int, version: int) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    done, out, err = cli("publish-config", str(_v2(tmp_path)))
    assert done == code
    assert "¿Publicar la configuración versión 2? [s/N]" in out
    assert _published(cli) == version
    if code:
        assert err == "error: Publicación cancelada: no se publicó nada.\n"


def test_a_payload_windows_would_refuse_is_said_so(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "minimo.json"
    path.write_text(json.dumps({"format": "ventanilla-bundle/1", "version": 2}))
    code, out, _err = cli("publish-config", str(path), "--yes")
    assert code == 0
    assert out.splitlines()[0].startswith(
        "Configuración versión 2: no se puede calcular el impacto (el dato «valid_from»")
    assert "Las ventanillas rechazarán este paquete." in out
