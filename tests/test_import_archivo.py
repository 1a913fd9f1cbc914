"""import-archivo, run as a real process on a real store: CSV and JSON Lines, every bad line
reported with its number, --revisar writing nothing, reruns importing each paper exactly once
(after a fix, and after a kill -9 in the middle), the paper's folio and date on the acuse, in the
payload and in `show`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from desktop.capture.archivo_import import IMPORT_ACTION
from tests.archivo_lines import (
    TRAMITE,
    csv_row,
    csv_text,
    jsonl_text,
    paper_folio,
    record,
)
from tests.demo_office import open_demo_office
from tests.document_fixtures import pdf_text
from tests.raw_store import raw_store
from tests.test_cli import ROOT, run

SUPERVISOR = "supervisor123"
EXAMPLE = ROOT / "docs/ejemplos/archivo-HMO-SPM-001.csv"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    data = tmp_path / "d"
    open_demo_office(data).close()
    return data


def counts(data: Path) -> dict[str, int]:
    raw = raw_store(data)
    try:
        return {table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("expedientes", "outbox", "audit_log", "folio_counters")}
    finally:
        raw.close()


def imported(data: Path, *args: str, password: str = SUPERVISOR) -> subprocess.CompletedProcess:
    return run(data, "import-archivo", *args, "--tramite", TRAMITE, "--user", "supervisor",
               password=password)


def test_the_readme_example_csv_imports_once_and_shows_on_the_acuse(
    store: Path, tmp_path: Path,
) -> None:
    checked = imported(store, str(EXAMPLE), "--revisar")
    assert checked.returncode == 0, checked.stderr
    assert "se importarían 3, ya existían 0, con errores 0. No se escribió nada." in checked.stdout
    done = imported(store, str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "importadas 3, ya existían 0, con errores 0." in done.stdout
    again = imported(store, str(EXAMPLE))
    assert again.returncode == 0 and "importadas 0, ya existían 3, con errores 0." in again.stdout
    assert counts(store)["expedientes"] == 3

    listed = json.loads(run(store, "list", "--json").stdout)["expedientes"]
    folio = next(e["folio"] for e in listed if e["nombre"] == "María López Ruiz")
    shown = json.loads(run(store, "show", folio).stdout)
    assert (shown["archivo_folio"], shown["archivo_fecha"]) == ("SPM-2019-0001", "2019-03-04")
    pdf = tmp_path / "acuse.pdf"
    assert run(store, "print", folio, "--pdf", str(pdf)).returncode == 0
    assert ("Captura de archivo — folio original SPM-2019-0001 del 04/03/2019"
            in pdf_text(pdf.read_bytes()))
    assert run(store, "verify-audit").returncode == 0  # the content hash covers the paper


def test_the_paper_folio_and_date_travel_in_the_payload_and_each_run_is_audited(
    store: Path, tmp_path: Path,
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl_text([record(1), record(2)]), encoding="utf-8")
    assert imported(store, str(path)).returncode == 0
    raw = raw_store(store)
    try:
        payloads = [json.loads(p) for (p,) in raw.execute(
            "SELECT payload FROM outbox WHERE kind = 'expediente.create' ORDER BY mutation_id")]
        runs = [json.loads(d) for (d,) in raw.execute(
            "SELECT detail FROM audit_log WHERE action = ?", (IMPORT_ACTION,))]
    finally:
        raw.close()
    assert [(p["archivo_folio"], p["archivo_fecha"]) for p in payloads] == [
        (paper_folio(1), "2019-01-02"), (paper_folio(2), "2019-01-03")]
    assert runs == [{"archivo": "a.jsonl", "sha256": runs[0]["sha256"], "lineas": 2,
                     "importadas": 2, "ya_existian": 0, "con_errores": 0}]


def _bad_jsonl() -> str:
    no_folio = {**record(2), "folio_original": ""}
    future = {**record(3), "fecha_original": "01/01/2999"}
    bad_curp = record(4)
    bad_curp["answers"] = {**bad_curp["answers"], "curp": "XXXX"}
    no_requisito = {**record(5), "requisitos": []}
    wrong_shape = {**record(6), "answers": ["no", "es", "objeto"]}
    lines = [json.dumps(record(1)), json.dumps(no_folio), json.dumps(future),
             json.dumps(bad_curp), json.dumps(no_requisito), json.dumps(wrong_shape),
             "{esto no es json", "", json.dumps(record(1) | {"answers": record(9)["answers"]})]
    return "\n".join(lines) + "\n"


def _reported(stderr: str) -> dict[int, str]:
    found = {}
    for line in stderr.splitlines():
        if line.startswith("Línea "):
            number, _, reason = line.removeprefix("Línea ").partition(": ")
            found[int(number)] = reason
    return found


def test_revisar_reports_every_bad_line_by_number_and_writes_nothing(
    store: Path, tmp_path: Path,
) -> None:
    path = tmp_path / "malas.jsonl"
    path.write_text(_bad_jsonl(), encoding="utf-8")
    before = counts(store)
    checked = imported(store, str(path), "--revisar")
    assert checked.returncode == 2
    reasons = _reported(checked.stderr)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 9]  # line 8 is blank, line 1 is good
    assert "falta el folio original" in reasons[2]
    assert "posterior a hoy" in reasons[3]
    assert "CURP" in reasons[4]
    assert "falta el requisito «identificacion»" in reasons[5]
    assert "no tiene la forma esperada" in reasons[6]
    assert "no es un objeto JSON válido" in reasons[7]
    assert f"repite el folio original {paper_folio(1)} de la línea 1" in reasons[9]
    assert "se importarían 1, ya existían 0, con errores 7" in checked.stdout
    assert counts(store) == before  # nothing written, not even an audit entry


def test_bad_lines_are_skipped_and_a_rerun_after_fixing_them_imports_only_those(
    store: Path, tmp_path: Path,
) -> None:
    rows = [csv_row(n) for n in range(1, 6)]
    rows[1][3] = "NO-ES-CURP"  # line 3 of the file (the header is line 1)
    rows[3][7] = "999"  # metros cúbicos past the trámite's maximum: line 5
    path = tmp_path / "archivo.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8"))  # Excel's BOM
    first = imported(store, str(path))
    assert first.returncode == 2
    assert sorted(_reported(first.stderr)) == [3, 5]
    assert "importadas 3, ya existían 0, con errores 2." in first.stdout
    assert counts(store)["expedientes"] == 3

    path.write_text(csv_text([csv_row(n) for n in range(1, 6)]), encoding="utf-8")
    fixed = imported(store, str(path))
    assert fixed.returncode == 0, fixed.stderr
    assert "importadas 2, ya existían 3, con errores 0." in fixed.stdout
    assert counts(store)["expedientes"] == 5


def test_an_operador_may_not_back_capture_and_a_bad_file_is_refused_whole(
    store: Path, tmp_path: Path,
) -> None:
    refused = run(store, "import-archivo", str(EXAMPLE), "--tramite", TRAMITE,
                  "--user", "operador")
    assert refused.returncode == 2 and "no tiene permiso para importar" in refused.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(csv_text([csv_row(1)]).replace("Persona", "Peña").encode("latin-1"))
    assert "no está en UTF-8" in imported(store, str(latin1)).stderr
    no_header = tmp_path / "sin.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    said = imported(store, str(no_header))
    assert said.returncode == 2 and "faltan: folio_original, fecha_original" in said.stderr
    assert imported(store, str(tmp_path / "no-existe.csv")).returncode == 2
    assert counts(store)["expedientes"] == 0


def _wait_for(data: Path, at_least: int, process: subprocess.Popen[Any]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        found = counts(data)["expedientes"]
        if found >= at_least:
            return found
        time.sleep(0.05)
    raise AssertionError("the import did not get going")


def test_a_rerun_after_kill_9_imports_the_rest_exactly_once(store: Path, tmp_path: Path) -> None:
    total = 400
    path = tmp_path / "grande.csv"
    path.write_text(csv_text([csv_row(n) for n in range(1, total + 1)]), encoding="utf-8")
    env = {**os.environ, "VENTANILLA_PASSWORD": SUPERVISOR, "VENTANILLA_CREDENTIALS": "file"}
    process = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(store), "import-archivo", str(path),
         "--tramite", TRAMITE, "--user", "supervisor"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(store, 20, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    landed = counts(store)
    assert 20 <= landed["expedientes"] < total, "killed too late to prove anything"
    # Every committed line is whole: its outbox mutation came with it.
    assert landed["outbox"] == landed["expedientes"]

    rerun = imported(store, str(path))
    assert rerun.returncode == 0, rerun.stderr
    assert (f"importadas {total - landed['expedientes']}, ya existían {landed['expedientes']}, "
            "con errores 0.") in rerun.stdout
    raw = raw_store(store)
    try:
        papers = [p for (p,) in raw.execute("SELECT archivo_folio FROM expedientes")]
        folios = [f for (f,) in raw.execute("SELECT folio FROM expedientes")]
        creates = raw.execute("SELECT count(*) FROM outbox WHERE kind = 'expediente.create'")
        assert creates.fetchone()[0] == total
    finally:
        raw.close()
    assert sorted(papers) == [paper_folio(n) for n in range(1, total + 1)]
    assert len(set(folios)) == total
