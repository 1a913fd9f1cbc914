"""Documents of a stored expediente: data from the local store, copies counted and audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.access.credentials import CredentialStore
from desktop.capture.service import capture_expediente
from desktop.documents.receipts import verify_receipt_command
from desktop.documents.service import (
    PRINT_ACTION,
    SAVE_ACTION,
    PrinterError,
    document_data_for,
    print_command,
    print_document,
    produce_document,
    render_document,
    save_document,
    set_default_printer,
)
from desktop.records.audit_verify import verify_chain
from formatting import format_money
from localdb.models import AuditEntry, Expediente
from tests.document_fixtures import AVISO, FOLIO, TOTAL, Office, pdf_text, seed_office
from tests.test_capture import OPERADOR as DEMO_OPERADOR
from tests.test_capture import _request


def _print_entries(office: Office) -> list[AuditEntry]:
    with office.ctx.write() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION)
                              .order_by(AuditEntry.id)))


def _print_count(office: Office) -> int:
    with office.ctx.write() as s:
        return s.scalars(select(Expediente.print_count)).one()


def test_document_data_comes_from_the_expediente_and_its_tramite(office: Office) -> None:
    with office.ctx.write() as s:
        data = document_data_for(s, FOLIO, credentials=CredentialStore(office.ctx.data_dir))
    assert (data.municipio, data.estado) == ("Hermosillo", "Sonora")
    assert data.dependencia == "Desarrollo Urbano y Ecología"
    assert (data.oficina_nombre, data.ventanilla) == ("Centro de Gobierno", "V03")
    assert data.solicitante_nombre == "José Peña Núñez"
    assert [(r.descripcion, r.recibido, r.nota) for r in data.requisitos] == [
        ("Identificación oficial vigente", True, ""),
        ("Planos arquitectónicos firmados", True, "Dos juegos impresos"),
        ("Recibo de predial al corriente", False, "Lo entrega el lunes"),
    ]
    assert data.plazo_dias == 15
    assert data.funcionario == "Lucía Ibáñez Ortega"
    assert data.aviso_privacidad == AVISO
    assert data.total == TOTAL == sum(c.importe for c in data.cobros)
    assert data.reprint_number == 0 and not data.demo
    assert "/v/" in data.qr_url


def test_each_copy_is_audited_and_later_copies_say_reimpresion(office: Office) -> None:
    first = pdf_text(produce_document(office.ctx, office.user, FOLIO, "acuse", "carta"))
    second = pdf_text(produce_document(office.ctx, office.user, FOLIO, "acuse", "ticket"))
    recibo = pdf_text(produce_document(office.ctx, office.user, FOLIO, "recibo", "carta"))
    third = pdf_text(produce_document(office.ctx, office.user, FOLIO, "acuse", "carta"))
    assert "REIMPRESIÓN" not in first and "REIMPRESIÓN" not in recibo
    assert "REIMPRESIÓN 1" in second
    assert "REIMPRESIÓN 2" in third
    entries = _print_entries(office)
    assert [(e.entity, e.detail["doc"], e.detail["layout"], e.detail["reimpresion"])
            for e in entries] == [(FOLIO, "acuse", "carta", 0), (FOLIO, "acuse", "ticket", 1),
                                  (FOLIO, "recibo", "carta", 0), (FOLIO, "acuse", "carta", 2)]
    assert {e.actor for e in entries} == {office.user.username}
    assert _print_count(office) == 4
    with office.ctx.write() as s:
        assert verify_chain(s).ok


def _save_entries(office: Office) -> list[AuditEntry]:
    with office.ctx.write() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == SAVE_ACTION)
                              .order_by(AuditEntry.id)))


def test_only_paper_copies_use_up_the_original(office: Office, tmp_path: Path) -> None:
    for n in range(3):  # saves and previews, in both layouts, any number of times
        for layout in ("carta", "ticket"):
            saved = save_document(office.ctx, office.user, FOLIO, "acuse", layout,
                                  tmp_path / f"acuse-{n}-{layout}.pdf")
            text = pdf_text(saved.pdf)
            assert "COPIA ELECTRÓNICA" in text and "REIMPRESIÓN" not in text
            assert (tmp_path / f"acuse-{n}-{layout}.pdf").read_bytes() == saved.pdf
            render_document(office.ctx, office.user, FOLIO, "acuse", layout)
    assert len(_save_entries(office)) == 6 and _print_count(office) == 0
    first = pdf_text(produce_document(office.ctx, office.user, FOLIO, "acuse", "ticket"))
    assert "REIMPRESIÓN" not in first and "COPIA ELECTRÓNICA" not in first  # the ORIGINAL
    save_document(office.ctx, office.user, FOLIO, "acuse", "carta", tmp_path / "again.pdf")
    second = pdf_text(produce_document(office.ctx, office.user, FOLIO, "acuse", "carta"))
    assert "REIMPRESIÓN 1" in second
    assert "COPIA ELECTRÓNICA" in pdf_text((tmp_path / "again.pdf").read_bytes())
    assert _print_count(office) == 2


def test_a_preview_is_not_a_copy(office: Office) -> None:
    preview = render_document(office.ctx, office.user, FOLIO, "acuse", "carta")
    assert preview.reprint_number == 0
    assert _print_entries(office) == []
    assert "REIMPRESIÓN" not in pdf_text(produce_document(office.ctx, office.user, FOLIO,
                                                          "acuse", "carta"))


def test_demo_office_documents_are_marked(data_dir: Path) -> None:
    office = seed_office(data_dir, demo=True, payment_method="tarjeta")
    text = pdf_text(produce_document(office.ctx, office.user, FOLIO, "recibo", "ticket"))
    office.ctx.close()
    assert "DEMO — SIN VALIDEZ OFICIAL" in text
    assert "Tarjeta de débito o crédito" in text


@pytest.mark.parametrize("doc", ["acuse", "recibo"])
def test_a_cancelled_folio_says_cancelado_on_paper(data_dir: Path, doc: str) -> None:
    office = seed_office(data_dir, status="anulado", cancel_reason="Captura duplicada")
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, doc, "ticket").pdf)
    office.ctx.close()
    assert "CANCELADO: Captura duplicada" in text
    assert "ANULADO" not in text


def test_the_acuse_shows_the_fecha_compromiso_in_dias_habiles(office: Office) -> None:
    # Captured Monday 23 Nov 2026, 15 días hábiles (the trámite's plazo): 14 Dec 2026.
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, "acuse", "ticket").pdf)
    assert "Fecha compromiso 14 de diciembre de 2026" in text


def test_the_municipalitys_dias_inhabiles_push_the_fecha_compromiso(data_dir: Path) -> None:
    office = seed_office(data_dir, dias_inhabiles=[date(2026, 12, 1), date(2026, 12, 2)])
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, "acuse", "carta").pdf)
    office.ctx.close()
    assert "Fecha compromiso 16 de diciembre de 2026" in text


def test_print_command_saves_a_pdf(office: Office, tmp_path: Path) -> None:
    target = tmp_path / "acuse.pdf"
    code, message = print_command(office.ctx, office.user, FOLIO, "acuse", "carta", None, target)
    assert code == 0
    assert message == f"Acuse de recibo {FOLIO}: copia electrónica guardada en {target}."
    assert FOLIO in pdf_text(target.read_bytes())
    assert _print_entries(office) == []  # a saved PDF is not a paper copy
    [saved] = _save_entries(office)
    assert (saved.entity, saved.detail["archivo"]) == (FOLIO, str(target))


def test_print_command_reports_an_unknown_folio_in_spanish(office: Office, tmp_path) -> None:
    code, message = print_command(office.ctx, office.user, "NO-EXISTE", "acuse", "carta", None,
                                  tmp_path / "x.pdf")
    assert (code, message) == (2, "No existe el expediente con folio NO-EXISTE.")


def test_no_printer_configured_is_a_spanish_printer_error(office: Office) -> None:
    with pytest.raises(PrinterError) as error:
        print_document(office.ctx, office.user, FOLIO, "acuse", "ticket")
    assert "no hay una impresora configurada" in error.value.message
    assert "El expediente quedó guardado" in error.value.message
    code, message = print_command(office.ctx, office.user, FOLIO, "acuse", "ticket")
    assert code == 2 and "quedó guardado" in message and "main.py printer" in message
    assert _print_entries(office) == [] and _print_count(office) == 0


def test_missing_cups_queue_fails_without_counting_a_copy(office: Office) -> None:
    set_default_printer(office.ctx, office.user, "Impresora_Que_No_Existe")
    code, message = print_command(office.ctx, office.user, FOLIO, "recibo", "ticket")
    assert code == 1
    assert message.startswith("No se pudo imprimir en «Impresora_Que_No_Existe»")
    assert "puede imprimir el documento más tarde" in message
    assert _print_entries(office) == []


def test_unknown_document_kind_is_refused(office: Office) -> None:
    code, message = print_command(office.ctx, office.user, FOLIO, "factura", "carta", None,
                                  Path("/nonexistent/x.pdf"))
    assert code == 1 and "Documento desconocido «factura»" in message


def test_documents_of_an_expediente_captured_in_the_demo_office(demo_ctx, tmp_path) -> None:
    """End to end with the real capture service and the demo catálogo."""
    result = capture_expediente(demo_ctx, DEMO_OPERADOR, _request(demo_ctx, tmp_path))
    acuse = pdf_text(produce_document(demo_ctx, DEMO_OPERADOR, result.folio, "acuse", "carta"))
    recibo = pdf_text(produce_document(demo_ctx, DEMO_OPERADOR, result.folio, "recibo",
                                       "ticket"))
    assert result.folio in acuse and "José Peña Núñez" in acuse
    assert "DEMO — SIN VALIDEZ OFICIAL" in acuse
    assert "Ana Lucía Valenzuela (DEMO)" in acuse
    assert "Aviso de privacidad." in acuse
    assert f"TOTAL {format_money(result.total)}" in recibo
    with demo_ctx.write() as s:
        data = document_data_for(s, result.folio, credentials=CredentialStore(demo_ctx.data_dir))
    assert verify_receipt_command(demo_ctx, data.qr_url)[0] == 0
