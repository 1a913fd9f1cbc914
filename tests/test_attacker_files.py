"""Files an operador or administrator names, as an attacker or a broken world would hand them: a
named pipe, a device that never ends, a folder, as a bundle, a paper archive, an answers file
or an anexo. Each command exits 2 with a Spanish reason, at
once, and nothing is written. Real main.py in a subprocess, real SQLCipher store."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.bundles.apply import applied_version, current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.context import AppContext
from desktop.records.expedientes import count_expedientes, page_expedientes
from localdb.models import Expediente
from tests.archivo_lines import TRAMITE, csv_row, csv_text
from tests.archivo_lines import record as archivo_record
from tests.factories import answers_file, valid_answers
from tests.raw_store import raw_store
from tests.sync.machines import capture_many

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CAP = 1_500_000_000  # a device read whole would hit this, not the machine


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _run(data_dir: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VENTANILLA_PASSWORD": password, "VENTANILLA_CREDENTIALS": "file"}
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          preexec_fn=_capped)


def _commands(path: Path) -> dict[str, tuple[list[str], str]]:
    return {
        "import-config": (["import-config", str(path), "--user", "admin"], "admin123"),
        "config-diff": (["config-diff", str(path)], "admin123"),
        "import-archivo": (["import-archivo", str(path), "--tramite", TRAMITE,
                            "--user", "supervisor"], "supervisor123"),
        "import-archivo --revisar": (["import-archivo", str(path), "--tramite", TRAMITE,
                                      "--revisar", "--user", "supervisor"], "supervisor123"),
    }


def _named(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A path of `kind` and what the refusal says about it."""
    if kind == "a named pipe":
        fifo = tmp_path / "paquete.csv"
        os.mkfifo(fifo)
        return fifo, "no es un archivo común"
    if kind == "a device that never ends":
        return Path("/dev/zero"), "demasiado grande"
    folder = tmp_path / "carpeta.csv"
    folder.mkdir()
    return folder, "es una carpeta"


@pytest.mark.parametrize("kind", ["a named pipe", "a device that never ends", "a folder"])
@pytest.mark.parametrize("command", ["import-config", "config-diff", "import-archivo",
                                     "import-archivo --revisar"])
def test_a_file_that_is_not_a_file_is_refused_at_once(
        demo_ctx: AppContext, data_dir: Path, tmp_path: Path, kind: str, command: str) -> None:
    with demo_ctx.read() as session:
        version = applied_version(session)
    path, reason = _named(tmp_path, kind)
    args, password = _commands(path)[command]

    done = _run(data_dir, *args, password=password)

    assert done.returncode == 2, done.stderr
    assert reason in done.stderr and "Error inesperado" not in done.stderr, done.stderr
    with demo_ctx.read() as session:
        assert applied_version(session) == version
        assert session.query(Expediente).count() == 0


@pytest.mark.parametrize("where", ["the answers file", "an anexo"])
def test_a_named_pipe_given_to_capture_is_refused_at_once(
        demo_ctx: AppContext, data_dir: Path, tmp_path: Path, where: str) -> None:
    with demo_ctx.read() as session:
        homoclave = search_tramites(session, "")[0].homoclave
        tramite = get_tramite(session, homoclave)
        data = answers_file(tramite, valid_answers(tramite,
                                                   current_bundle(session).clave_catastral_patron))
    fifo = tmp_path / "escaneo.pdf"
    os.mkfifo(fifo)
    answers = tmp_path / "respuestas.json"
    answers.write_text(json.dumps({**data, "attachments": [{"path": str(fifo)}]}))

    done = _run(data_dir, "capture", "--tramite", homoclave, "--answers",
                str(fifo if where == "the answers file" else answers), "--user", "operador",
                password="operador123")

    assert done.returncode == 2, done.stderr
    assert "no es un archivo común" in done.stderr, done.stderr
    with demo_ctx.read() as session:
        assert session.query(Expediente).count() == 0


BAD_LINES = {
    "a lone surrogate in the paper's folio": {"folio_original": "ARCH-\ud800"},
    "a NUL in the paper's folio": {"folio_original": "ARCH-\x00-1"},
    "a NUL in a requisito's nota": {"requisitos": [
        {"clave": "identificacion", "recibido": False, "nota": "falta\x00copia"}]},
}


def test_bad_characters_in_an_archive_line_refuse_that_line_only(
        demo_ctx: AppContext, data_dir: Path, tmp_path: Path) -> None:
    lines = [{**archivo_record(n), **bad} for n, bad in enumerate(BAD_LINES.values(), start=1)]
    lines.append(archivo_record(9))
    path = tmp_path / "archivo.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    done = _run(data_dir, "import-archivo", str(path), "--tramite", TRAMITE,
                "--user", "supervisor", password="supervisor123")

    assert done.returncode == 2, done.stderr
    assert "Error inesperado" not in done.stderr
    assert "importadas 1, ya existían 0, con errores 3." in done.stdout, done.stdout
    for number in (1, 2):
        assert f"Línea {number}: el folio original contiene caracteres no permitidos" \
            in done.stderr
    assert "Línea 3:" in done.stderr and "caracteres no permitidos" in done.stderr
    with demo_ctx.read() as session:
        assert [e.archivo_folio for e in session.query(Expediente)] == ["ARCH-000009"]


@pytest.mark.parametrize("search", ['"', '""', '" "'])
def test_a_search_of_only_quotes_finds_nothing_instead_of_failing(
        demo_ctx: AppContext, data_dir: Path, search: str) -> None:
    with demo_ctx.read() as session:  # what the Expedientes view and the review queue ask
        assert count_expedientes(session, search) == 0
        assert page_expedientes(session, search) == []

    done = _run(data_dir, "list", "--search", search, password="operador123")

    assert done.returncode == 0, done.stderr
    assert "Error inesperado" not in done.stderr


@pytest.mark.parametrize("limit", ["99999999999999999999", "١٢", "0"])
def test_a_limit_out_of_range_is_refused_by_the_command_line(data_dir: Path, demo_ctx: AppContext,
                                                             limit: str) -> None:
    done = _run(data_dir, "list", "--limit", limit, password="operador123")

    assert done.returncode == 2, done.stderr
    assert "debe ser un número entero de 1 a" in done.stderr, done.stderr


def _damage_credentials(data_dir: Path, name: str | None, value: object) -> None:
    path = data_dir / "credentials.json"
    if name is None:
        path.write_bytes(b"\xff\xfe" + path.read_bytes())  # not UTF-8 any more
        return
    secrets = json.loads(path.read_text(encoding="utf-8"))
    secrets[name] = value
    path.write_text(json.dumps(secrets), encoding="utf-8")


@pytest.mark.parametrize(("name", "value", "command", "code", "says"), [
    ("store_key_database", 5, "status", 2, "No se encontró la llave que cifra la base"),
    ("store_key_database", "zz", "list", 2, "No se encontró la llave que cifra la base"),
    (None, None, "status", 2, "archivo de credenciales"),
    ("audit_chain_key", "zz", "verify-audit", 2, "La llave de la bitácora"),
    ("audit_chain_key", '{"key": 5}', "verify-audit", 2, "está dañada"),
    ("audit_chain_key", "zz", "list", 0, ""),
], ids=["database key a number", "database key not hex", "file not UTF-8",
        "audit key not JSON", "audit key of the wrong shape", "reading goes on"])
def test_a_damaged_credentials_file_is_explained_never_a_traceback(
        demo_ctx: AppContext, data_dir: Path, name: str | None, value: object, command: str,
        code: int, says: str) -> None:
    demo_ctx.close()
    _damage_credentials(data_dir, name, value)

    done = _run(data_dir, command, password="operador123")

    assert done.returncode == code, done.stderr
    assert says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Error inesperado" not in done.stderr


@pytest.mark.parametrize("command", ["status", "init", "list"])
def test_a_data_folder_that_is_a_file_is_explained(tmp_path: Path, command: str) -> None:
    in_the_way = tmp_path / "datos"
    in_the_way.write_text("no soy una carpeta")

    done = _run(in_the_way, command, password="operador123")

    assert done.returncode == 2, done.stderr
    assert "no es una carpeta" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert in_the_way.read_text() == "no soy una carpeta"


def test_a_huge_cell_refuses_its_line_and_the_lines_after_it_are_imported(
        demo_ctx: AppContext, data_dir: Path, tmp_path: Path) -> None:
    rows = [csv_row(n) for n in range(1, 5)]
    rows[1][5] = "x" * 200_000  # past csv's own 128 KB limit per field: line 3 of the file
    path = tmp_path / "archivo.csv"
    path.write_text(csv_text(rows), encoding="utf-8")

    done = _run(data_dir, "import-archivo", str(path), "--tramite", TRAMITE,
                "--user", "supervisor", password="supervisor123")

    assert done.returncode == 2, done.stderr
    assert "importadas 3, ya existían 0, con errores 1." in done.stdout, done.stdout
    assert "Línea 3:" in done.stderr and "domicilio" in done.stderr, done.stderr
    with demo_ctx.read() as session:
        assert session.query(Expediente).count() == 3


def test_verify_audit_names_a_row_whose_json_was_edited_into_garbage(
        demo_ctx: AppContext, data_dir: Path) -> None:
    uuids = capture_many(demo_ctx, 3)
    with demo_ctx.read() as session:
        folios = [session.get_one(Expediente, u).folio for u in uuids]
    demo_ctx.close()
    raw = raw_store(data_dir)
    try:  # an attacker with the key: the immutability trigger goes, the JSON is cut short
        raw.execute("DROP TRIGGER expedientes_answers_immutable")
        raw.execute("UPDATE expedientes SET answers = '{\"nombre\": ' WHERE uuid = ?",
                    (uuids[1],))
        raw.commit()
    finally:
        raw.close()

    done = _run(data_dir, "verify-audit", password="operador123")

    assert done.returncode == 2, done.stderr
    assert "Error inesperado" not in done.stderr
    assert folios[1] in done.stderr and folios[0] not in done.stderr, done.stderr


def test_a_named_pipe_dropped_on_the_anexos_panel_is_unreadable_not_a_stuck_lane(
        tmp_path: Path) -> None:
    from ui.anexos_panel import inspect_file

    fifo = tmp_path / "escaneo.pdf"
    os.mkfifo(fifo)
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(inspect_file(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if not done:  # unblock the worker so the test run can end
        with open(fifo, "wb"):
            pass
    assert done and not done[0].readable  # type: ignore[attr-defined]
