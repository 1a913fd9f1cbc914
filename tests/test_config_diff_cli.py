"""`main.py config-diff FILE [--json]` (issue 10): the impact report against the bundle in force,
verified like an import, never applied; a tampered or damaged file exits 2 in Spanish."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from desktop.bundles.apply import current_bundle
from tests.demo_office import open_demo_office
from tests.impact_bundles import ADDED, CAMPOS, REMOVED, write_crafted
from tests.test_cli import run


def _office(data_dir: Path) -> None:
    open_demo_office(data_dir).close()


def _version(data_dir: Path) -> int:
    ctx = open_demo_office(data_dir)
    try:
        with ctx.read() as session:
            return current_bundle(session).version
    finally:
        ctx.close()


def test_config_diff_prints_the_report_and_applies_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "datos"
    _office(data_dir)
    bundle = write_crafted(tmp_path / "v2.json")
    done = run(data_dir, "config-diff", str(bundle))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Configuración versión 2: 1 trámite nuevo, 2 cambiados, "
                               "1 retirado")
    assert f"  {ADDED} Permiso de poda urgente (v1)" in lines
    assert f"  {REMOVED} Queja o denuncia ciudadana (v1)" in lines
    assert "      + Clave de elector (clave_elector): texto, obligatorio" in lines
    assert "  UMA diaria: $117.31 → $120.00" in lines
    assert _version(data_dir) == 1


def test_config_diff_json(tmp_path: Path) -> None:
    data_dir = tmp_path / "datos"
    _office(data_dir)
    done = run(data_dir, "config-diff", str(write_crafted(tmp_path / "v2.json")), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["version_before"], data["version_after"]) == (1, 2)
    assert [t["homoclave"] for t in data["added"]] == [ADDED]
    say = next(t for t in data["changed"] if t["homoclave"] == CAMPOS)
    assert {"clave": "clave_elector", "etiqueta": "Clave de elector", "change": "agregado",
            "before": "", "after": "texto, obligatorio"} in say["campos"]
    assert say["samples"][0]["before"] == "140.77" and say["samples"][0]["after"] == "144.00"


def test_tampered_or_damaged_files_exit_2_in_spanish(tmp_path: Path) -> None:
    data_dir = tmp_path / "datos"
    _office(data_dir)
    path = write_crafted(tmp_path / "v2.json")
    envelope = json.loads(path.read_text())
    payload = bytearray(base64.b64decode(envelope["payload"]))
    payload[payload.index(b"120.00")] = ord("9")  # the UMA, changed after signing
    envelope["payload"] = base64.b64encode(bytes(payload)).decode()
    tampered = tmp_path / "alterado.json"
    tampered.write_text(json.dumps(envelope))
    done = run(data_dir, "config-diff", str(tampered))
    assert done.returncode == 2 and done.stdout == ""
    assert "La firma del paquete de configuración no es válida" in done.stderr
    damaged = tmp_path / "roto.json"
    damaged.write_text(path.read_text()[:100])
    done = run(data_dir, "config-diff", str(damaged))
    assert done.returncode == 2 and "no es un paquete de configuración válido" in done.stderr
    assert _version(data_dir) == 1
