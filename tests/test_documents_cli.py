"""`main.py print` and `main.py verify-receipt` run as real processes on a demo office: the paper
that comes out, the QR scanned from it, and the Spanish answer when the printer is missing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from desktop.context import open_context
from desktop.documents.service import PRINT_ACTION, SAVE_ACTION
from desktop.records.referencia import referencia_for
from formatting import group_referencia
from localdb.models import AuditEntry
from tests.document_fixtures import pdf_text
from tests.ipp_printer import IppPrinter, find_ippeveprinter, free_port
from tests.test_cli import _answers_file, run
from tests.test_receipt_signing import scan_qr

IPPEVEPRINTER = find_ippeveprinter()


@pytest.fixture
def captured(tmp_path: Path) -> tuple[Path, str]:
    """A demo store with one expediente captured through the CLI: (data dir, folio)."""
    data = tmp_path / "d"
    homoclave, answers = _answers_file(data, tmp_path)
    done = run(data, "capture", "--tramite", homoclave, "--answers", str(answers),
               "--user", "operador")
    assert done.returncode == 0, done.stderr
    return data, done.stdout.split("folio ")[1].split(",")[0]


def _destinations(data: Path) -> list[list[str]]:
    """Where each paper copy went, then (as one-item lists) each electronic copy's file."""
    ctx = open_context(data)
    try:
        with ctx.write() as s:
            printed = [e.detail["destino"] for e in s.query(AuditEntry).filter_by(
                action=PRINT_ACTION).order_by(AuditEntry.id)]
            saved = [[e.detail["archivo"]] for e in s.query(AuditEntry).filter_by(
                action=SAVE_ACTION).order_by(AuditEntry.id)]
            return printed + saved
    finally:
        ctx.close()


def test_print_pdf_then_verify_its_qr_and_a_forged_total(captured: tuple[Path, str],
                                                          tmp_path: Path) -> None:
    data, folio = captured
    first, second = tmp_path / "acuse.pdf", tmp_path / "acuse-2.pdf"
    done = run(data, "print", folio, "--doc", "acuse", "--layout", "carta", "--pdf", str(first))
    assert (done.returncode, done.stdout.strip()) == (
        0, f"Acuse de recibo {folio}: copia electrónica guardada en {first}.")
    url = scan_qr(first.read_bytes())
    total = parse_qs(urlsplit(url).query)["t"][0]
    ok = run(data, "verify-receipt", url)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"Comprobante AUTÉNTICO: folio {folio}, total $")
    forged = run(data, "verify-receipt", url.replace(f"t={total}", "t=1.00"))
    assert forged.returncode == 1
    assert forged.stderr.startswith("Comprobante NO válido: la firma no corresponde")
    again = run(data, "print", folio, "--pdf", str(second))
    assert again.stdout.strip() == (f"Acuse de recibo {folio}: copia electrónica guardada en "
                                    f"{second}.")
    assert "COPIA ELECTRÓNICA" in pdf_text(second.read_bytes())  # saved PDFs never count
    assert "REIMPRESIÓN" not in pdf_text(second.read_bytes())
    assert _destinations(data) == [[str(first)], [str(second)]]


@pytest.mark.printer
@pytest.mark.skipif(IPPEVEPRINTER is None, reason="ippeveprinter (cups-ipp-utils) missing")
def test_print_recibo_ticket_to_a_printer_and_a_pdf(captured: tuple[Path, str],
                                                    printer: IppPrinter, tmp_path: Path) -> None:
    data, folio = captured
    target = tmp_path / "recibo.pdf"
    done = run(data, "print", folio, "--doc", "recibo", "--layout", "ticket",
               "--printer", printer.uri, "--pdf", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"Orden de pago {folio}: copia electrónica guardada en "
                                   f"{target}; enviado a {printer.uri} (trabajo 1).")
    [spooled] = printer.wait_for_job()
    paper, saved = pdf_text(spooled.read_bytes()), pdf_text(target.read_bytes())
    assert folio in paper and folio in saved and "PESOS" in paper
    assert "COPIA ELECTRÓNICA" in saved and "COPIA ELECTRÓNICA" not in paper
    assert _destinations(data) == [[printer.uri], [str(target)]]


def test_missing_printer_is_explained_and_the_expediente_stays(captured: tuple[Path, str],
                                                               tmp_path: Path) -> None:
    data, folio = captured
    uri = f"ipp://127.0.0.1:{free_port()}/ipp/print"  # nothing listens there
    failed = run(data, "print", folio, "--printer", uri)
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"No se pudo imprimir en «{uri}»: sin conexión con la "
                                    "impresora")
    assert failed.stderr.strip().endswith(
        "El expediente quedó guardado; puede imprimir el documento más tarde desde la consulta "
        "de expedientes.")
    assert run(data, "show", folio).returncode == 0
    saved = tmp_path / "acuse.pdf"  # the PDF is written even though the printer failed
    partly = run(data, "print", folio, "--printer", uri, "--pdf", str(saved))
    assert partly.returncode == 1 and folio in pdf_text(saved.read_bytes())
    assert _destinations(data) == [[str(saved)]]


@pytest.mark.printer
@pytest.mark.skipif(IPPEVEPRINTER is None, reason="ippeveprinter (cups-ipp-utils) missing")
def test_default_printer_is_chosen_once_then_used_without_naming_it(
        captured: tuple[Path, str], printer: IppPrinter) -> None:
    data, folio = captured
    shown = run(data, "printer")
    assert shown.stdout.startswith("Sin impresora predeterminada")
    unknown = run(data, "printer", "Impresora-De-Caja", "--user", "operador")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("No hay una impresora «Impresora-De-Caja» en este equipo.")
    assert run(data, "printer").stdout.startswith("Sin impresora predeterminada")  # unchanged

    chosen = run(data, "printer", printer.uri, "--user", "operador")
    assert (chosen.returncode, chosen.stdout.strip()) == (
        0, f"Impresora predeterminada: {printer.uri}. Los documentos se imprimirán sin diálogo.")
    done = run(data, "print", folio)  # no --printer: the default one
    assert done.returncode == 0, done.stderr
    [spooled] = printer.wait_for_job()
    assert folio in pdf_text(spooled.read_bytes())

    cleared = run(data, "printer", "--clear", "--user", "operador")
    assert cleared.returncode == 0
    assert run(data, "printer").stdout.startswith("Sin impresora predeterminada")


def test_list_finds_a_folio_by_its_referencia_and_refuses_a_typo(
        captured: tuple[Path, str]) -> None:
    data, folio = captured
    referencia = referencia_for(folio)
    found = run(data, "list", "--search", group_referencia(referencia))
    assert found.returncode == 0, found.stderr
    assert [line.split("\t")[0] for line in found.stdout.splitlines()] == [folio]
    wrong = str((int(referencia[-3]) + 1) % 10)
    typo = referencia[:-3] + wrong + referencia[-2:]
    refused = run(data, "list", "--search", typo)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"La referencia {typo} no es válida: sus dígitos "
                                     "verificadores no corresponden.")
