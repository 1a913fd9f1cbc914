"""Printing to a real IPP printer (ippeveprinter on loopback) and failing in Spanish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.documents.service import (
    PRINT_ACTION,
    PrinterError,
    print_command,
    print_document,
    set_default_printer,
)
from localdb.models import AuditEntry, Expediente
from printing import ipp_jobs
from printing.acuse import render_acuse
from printing.ipp import decode_response, http_url
from printing.ipp_jobs import ABORTED, COMPLETED, job_status, wait_for_job
from printing.printers import PrintFailed, list_printers, print_pdf
from printing.sample_document import sample_document_data
from tests.cups_server import CupsServer, find_cupsd, running_cupsd
from tests.document_fixtures import FOLIO, Office, pdf_text
from tests.ipp_printer import IppPrinter, find_ippeveprinter, free_port, running_printer

IPPEVEPRINTER = find_ippeveprinter()
needs_printer = pytest.mark.skipif(
    IPPEVEPRINTER is None,
    reason="ippeveprinter (Debian package cups-ipp-utils) is not installed")
CUPSD = find_cupsd()
needs_cupsd = pytest.mark.skipif(
    CUPSD is None, reason="cupsd/lpadmin (Debian packages cups-daemon, cups-client) missing")
QUEUE = "Ventanilla_Caja_1"


@pytest.fixture
def failing_printer(tmp_path: Path) -> Iterator[IppPrinter]:
    """A printer whose print command fails, so it aborts every job."""
    assert IPPEVEPRINTER is not None
    with running_printer(IPPEVEPRINTER, tmp_path / "printer", command="false") as running:
        yield running


@pytest.fixture
def slow_printer(tmp_path: Path) -> Iterator[IppPrinter]:
    """A printer that takes 3 s per job, like one warming up or printing a queue."""
    assert IPPEVEPRINTER is not None
    script = tmp_path / "slow-print"
    script.write_text("#!/bin/sh\nsleep 3\n")
    script.chmod(0o755)
    with running_printer(IPPEVEPRINTER, tmp_path / "printer", command=str(script)) as running:
        yield running


@pytest.fixture
def cups(monkeypatch: pytest.MonkeyPatch) -> Iterator[CupsServer]:
    """A private CUPS scheduler that `lp` and `lpstat` talk to for this test."""
    assert CUPSD is not None
    with running_cupsd(CUPSD) as server:
        monkeypatch.setenv("CUPS_SERVER", str(server.socket))
        yield server


@pytest.mark.printer
@needs_printer
def test_acuse_reaches_the_printer_over_ipp(printer: IppPrinter) -> None:
    pdf = render_acuse(sample_document_data(), "ticket")
    job = print_pdf(pdf, printer.uri, "Acuse de recibo OFI-V03-2026-000123")
    assert job == "1"
    [spooled] = printer.wait_for_job()
    assert "OFI-V03-2026-000123" in pdf_text(spooled.read_bytes())


@pytest.mark.printer
@needs_printer
def test_print_command_prints_and_records_the_copy(printer: IppPrinter, office: Office) -> None:
    code, message = print_command(office.ctx, office.user, FOLIO, "acuse", "carta", printer.uri)
    assert code == 0
    assert message == f"Acuse de recibo {FOLIO}: enviado a {printer.uri} (trabajo 1)."
    job = print_document(office.ctx, office.user, FOLIO, "recibo", "ticket", printer.uri)
    assert job == "2"
    first, second = printer.wait_for_job(2)
    assert "José Peña Núñez" in pdf_text(first.read_bytes())
    assert "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N." in pdf_text(second.read_bytes())
    with office.ctx.write() as s:
        destinos = [e.detail["destino"] for e in s.query(AuditEntry).filter_by(
            action=PRINT_ACTION).order_by(AuditEntry.id)]
    assert destinos == [[printer.uri], [printer.uri]]


def test_unreachable_ipp_printer_is_a_spanish_printer_error(office: Office) -> None:
    uri = f"ipp://127.0.0.1:{free_port()}/ipp/print"  # nothing listens there
    with pytest.raises(PrinterError) as error:
        print_document(office.ctx, office.user, FOLIO, "acuse", "ticket", uri)
    assert error.value.message.startswith(f"No se pudo imprimir en «{uri}»: sin conexión")
    assert "El expediente quedó guardado" in error.value.message
    with office.ctx.write() as s:
        assert s.query(AuditEntry).filter_by(action=PRINT_ACTION).count() == 0


def test_missing_cups_queue_is_a_spanish_error() -> None:
    with pytest.raises(PrintFailed) as error:
        print_pdf(b"%PDF-1.4\n%%EOF\n", "Cola_Inexistente", "prueba")
    assert "«Cola_Inexistente»" in error.value.message
    assert "puede imprimir el documento más tarde" in error.value.message


def test_list_printers_is_a_list_even_without_cups() -> None:
    printers = list_printers()
    assert isinstance(printers, list) and all(isinstance(p, str) for p in printers)


def test_ipp_uris_map_to_http() -> None:
    assert http_url("ipp://localhost:8631/ipp/print") == "http://localhost:8631/ipp/print"
    assert http_url("ipp://impresora.local/ipp/print") == "http://impresora.local:631/ipp/print"
    assert http_url("ipps://10.0.0.5/ipp/print") == "https://10.0.0.5:443/ipp/print"
    assert http_url("ipp://[::1]:631/x") == "http://[::1]:631/x"


def test_ipp_response_decoding_reads_status_and_job_id() -> None:
    body = (bytes([1, 1, 0, 0, 0, 0, 0, 7, 0x02])
            + bytes([0x21, 0, 6]) + b"job-id" + bytes([0, 4, 0, 0, 0, 42])
            + bytes([0x41, 0, 14]) + b"status-message" + bytes([0, 2]) + b"ok"
            + bytes([0x03]))
    response = decode_response(body)
    assert response.ok and response.job_id == 42
    assert response.attributes["status-message"] == ["ok"]


@pytest.mark.printer
@needs_printer
def test_printing_waits_until_the_printer_completed_the_job(printer: IppPrinter) -> None:
    job = print_pdf(render_acuse(sample_document_data(), "carta"), printer.uri, "Acuse")
    status = job_status(printer.uri, int(job), user="prueba")  # asked after print_pdf returned
    assert (status.state, status.reasons) == (COMPLETED, ("job-completed-successfully",))


@pytest.mark.printer
@needs_printer
def test_an_aborted_job_is_a_spanish_error_and_no_copy_is_counted(
        failing_printer: IppPrinter, office: Office) -> None:
    with pytest.raises(PrinterError) as error:
        print_document(office.ctx, office.user, FOLIO, "acuse", "ticket", failing_printer.uri)
    assert error.value.message == (
        f"No se pudo imprimir en «{failing_printer.uri}»: la impresora abortó el trabajo 1 por un "
        "error (aborted-by-system). El expediente quedó guardado; puede imprimir el documento "
        "más tarde desde la consulta de expedientes.")
    with office.ctx.write() as s:
        assert s.query(AuditEntry).filter_by(action=PRINT_ACTION).count() == 0
        assert s.query(Expediente).filter_by(folio=FOLIO).one().print_count in (0, None)


@pytest.mark.printer
@needs_printer
def test_a_job_still_printing_at_the_deadline_counts_as_sent(
        slow_printer: IppPrinter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipp_jobs, "JOB_WAIT_SECONDS", 0.6)
    job = print_pdf(render_acuse(sample_document_data(), "ticket"), slow_printer.uri, "Acuse")
    assert job == "1"
    status = job_status(slow_printer.uri, 1, user="prueba")
    assert not status.finished and status.state_name in ("pendiente", "imprimiendo")
    final = wait_for_job(slow_printer.uri, 1, user="prueba", timeout=15)
    assert final.state == COMPLETED


def _value(tag: int, name: bytes, value: bytes) -> bytes:
    size = len(value).to_bytes(2, "big")
    return bytes([tag]) + len(name).to_bytes(2, "big") + name + size + value


def test_job_state_enum_is_decoded_as_a_number() -> None:
    body = (bytes([1, 1, 0, 0, 0, 0, 0, 9, 0x02])
            + _value(0x23, b"job-state", (8).to_bytes(4, "big"))
            + _value(0x44, b"job-state-reasons", b"aborted-by-system")
            + _value(0x44, b"", b"job-printing")  # a second value of the same set
            + bytes([0x03]))
    response = decode_response(body)
    assert response.attributes["job-state"] == [ABORTED]
    assert response.attributes["job-state-reasons"] == ["aborted-by-system", "job-printing"]


@pytest.mark.printer
@needs_printer
@needs_cupsd
def test_default_cups_queue_prints_without_a_dialog(
        printer: IppPrinter, cups: CupsServer, office: Office) -> None:
    cups.add_queue(QUEUE, printer.uri)
    assert QUEUE in list_printers()
    set_default_printer(office.ctx, office.user, QUEUE)
    job = print_document(office.ctx, office.user, FOLIO, "recibo", "ticket")  # no printer named
    assert job == f"{QUEUE}-1"
    [spooled] = printer.wait_for_job(timeout=30)
    text = pdf_text(spooled.read_bytes())
    assert FOLIO in text and "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N." in text
    with office.ctx.write() as s:
        [entry] = s.query(AuditEntry).filter_by(action=PRINT_ACTION).all()
    assert entry.detail["destino"] == [QUEUE]


@pytest.mark.printer
@needs_cupsd
def test_unknown_queue_on_a_running_cups_is_a_spanish_error(
        cups: CupsServer, office: Office) -> None:
    code, message = print_command(office.ctx, office.user, FOLIO, "acuse", "carta",
                                  "Cola_Inexistente")
    assert (code, message) == (1, (
        "No se pudo imprimir en «Cola_Inexistente»: la impresora no existe o no está "
        "disponible. El expediente quedó guardado; puede imprimir el documento más tarde desde "
        "la consulta de expedientes."))
    with office.ctx.write() as s:
        assert s.query(Expediente).filter_by(folio=FOLIO).count() == 1
        assert s.query(AuditEntry).filter_by(action=PRINT_ACTION).count() == 0
