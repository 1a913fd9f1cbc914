"""The orden de pago's línea de captura: ISO 7064 MOD 97-10 against its published worked
examples, the Code 128 barcode decoded by zbar from the rasterised page, and the fecha límite de
pago in días hábiles."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from reportlab.lib.units import mm
from stdnum.iso7064 import mod_97_10

from desktop.documents.service import DEFAULT_DIAS_PARA_PAGO, render_document
from desktop.errors import VentanillaError
from desktop.records.expedientes import count_expedientes, page_expedientes
from desktop.records.payments import register_payment
from desktop.records.referencia import (
    looks_like_referencia,
    parse_referencia,
    referencia_for,
)
from formatting import group_referencia
from printing.blocks import aside_width
from printing.layouts import CARTA, TICKET, LayoutName
from printing.linea_captura import barcode
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data
from tests.cajas import ensure_open_caja
from tests.document_fixtures import (
    FOLIO,
    Office,
    _bundle,
    _tramite_def,
    pdf_text,
    seed_office,
)

REFERENCIA = "OFIV03202600012356"
needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm")
                                is None, reason="zbarimg (zbar-tools) or pdftoppm missing: "
                                "scripts/system-deps.sh installs them")


@pytest.mark.parametrize(("body", "check"), [
    # Wikipedia "International Bank Account Number", generating IBAN check digits: the BBAN
    # WEST12345698765432 of GB gives GB82 WEST 1234 5698 7654 32.
    ("WEST12345698765432GB", "82"),
    # ISO 11649 (structured creditor reference), its example RF18 5390 0754 7034.
    ("539007547034RF", "18"),
    # python-stdnum's own doctest of the algorithm.
    ("99991234567890121414", "90"),
])
def test_mod_97_10_matches_the_published_worked_examples(body: str, check: str) -> None:
    assert mod_97_10.calc_check_digits(body) == check
    assert mod_97_10.is_valid(body + check)


def test_the_referencia_is_the_folio_and_its_check_digits() -> None:
    assert referencia_for(FOLIO) == REFERENCIA
    assert mod_97_10.is_valid(REFERENCIA)
    assert group_referencia(REFERENCIA) == "OFIV 0320 2600 0123 56"
    assert parse_referencia("ofiv 0320 2600 0123 56") == "OFIV032026000123"


@pytest.mark.parametrize("typo", [
    "OFIV03202600012365",  # check digits swapped
    "OFIV03202600021356",  # two neighbours swapped
    "OFIV03202600012456",  # one digit wrong
])
def test_a_mistyped_referencia_is_refused_in_spanish(typo: str) -> None:
    assert looks_like_referencia(typo)
    with pytest.raises(VentanillaError, match="no es válida: sus dígitos verificadores no "
                                               "corresponden"):
        parse_referencia(typo)


def test_a_curp_or_a_name_is_not_taken_for_a_referencia() -> None:
    for text in ("PENJ800101HSRXXS05", "José Peña", FOLIO, "000123"):
        assert not looks_like_referencia(text)
    with pytest.raises(VentanillaError, match="no es una referencia de pago"):
        parse_referencia("PENJ800101HSRXXS05")


def decode_barcodes(pdf: bytes, tmp_path: Path, dpi: int) -> list[str]:
    """Rasterise page 1 with pdftoppm and read every Code 128 on it with zbarimg."""
    source, image = tmp_path / "orden.pdf", tmp_path / "orden"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(image)], check=True)
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable",
                           f"{image}.png"], capture_output=True, text=True)
    assert done.returncode in (0, 4), done.stderr  # 4: nothing found
    return done.stdout.split()


@needs_zbar
@pytest.mark.parametrize(("layout", "dpi"), [("carta", 150), ("ticket", 203)])
def test_the_barcode_decodes_to_the_referencia(office: Office, tmp_path: Path, layout: str,
                                               dpi: int) -> None:
    rendered = render_document(office.ctx, office.user, FOLIO, "recibo", layout)
    assert decode_barcodes(rendered.pdf, tmp_path, dpi) == [REFERENCIA]
    assert mod_97_10.is_valid(REFERENCIA)
    text = pdf_text(rendered.pdf)
    assert "LÍNEA DE CAPTURA / REFERENCIA OFIV 0320 2600 0123 56" in text
    assert "FECHA LÍMITE DE PAGO" in text


@needs_zbar
def test_a_recibo_de_pago_carries_no_barcode(data_dir: Path, tmp_path: Path) -> None:
    office = seed_office(data_dir)
    ensure_open_caja(office.ctx)
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    paid = render_document(office.ctx, office.user, FOLIO, "recibo", "carta").pdf
    office.ctx.close()
    assert decode_barcodes(paid, tmp_path, 150) == []
    assert "LÍNEA DE CAPTURA" not in pdf_text(paid)


def test_the_fecha_limite_skips_a_weekend_and_a_holiday(data_dir: Path) -> None:
    # Friday 13 Nov 2026 + 3 días hábiles: Sat 14 and Sun 15 are the weekend, Mon 16 Nov is
    # the 20 de noviembre rest day (LFT art. 74, third Monday), Thu 19 a municipal día inhábil.
    office = seed_office(data_dir, dias_para_pago=3, dias_inhabiles=[date(2026, 11, 19)],
                         captured_at=datetime(2026, 11, 13, 9, 30))
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, "recibo", "ticket").pdf)
    office.ctx.close()
    assert "FECHA LÍMITE DE PAGO 20 de noviembre de 2026" in text  # 17, 18, 20


def test_without_dias_para_pago_the_default_applies(office: Office) -> None:
    # Monday 23 Nov 2026 + 5 días hábiles: 24, 25, 26, 27 and Monday 30.
    assert DEFAULT_DIAS_PARA_PAGO == 5
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, "recibo", "carta").pdf)
    assert "FECHA LÍMITE DE PAGO 30 de noviembre de 2026" in text


def test_a_paid_folio_is_found_by_its_referencia(office: Office) -> None:
    ensure_open_caja(office.ctx)
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    with office.ctx.read() as session:
        [row] = page_expedientes(session, search=group_referencia(REFERENCIA))
        assert row.folio == FOLIO and row.payment_method == "efectivo"
        assert count_expedientes(session, search=REFERENCIA.lower()) == 1
        assert page_expedientes(session, search="OFIV03202600012365") == []  # bad check digits
        assert count_expedientes(session, search="PENJ800101HSRXXS05") == 1  # CURP: full text


def test_dias_para_pago_is_optional_and_left_out_of_the_payload_when_unset() -> None:
    tramite = _tramite_def("Licencia")
    unset = _bundle(tramite).model_dump(mode="json")
    assert "dias_para_pago" not in unset  # bundles signed before it keep their bytes
    assert _bundle(tramite, dias_para_pago=10).model_dump(mode="json")["dias_para_pago"] == 10
    with pytest.raises(ValidationError):
        _bundle(tramite, dias_para_pago=0)


def test_a_cancelled_orden_de_pago_offers_no_referencia(data_dir: Path) -> None:
    office = seed_office(data_dir, status="anulado", cancel_reason="Captura duplicada")
    text = pdf_text(render_document(office.ctx, office.user, FOLIO, "recibo", "ticket").pdf)
    office.ctx.close()
    assert "Captura duplicada" in text
    assert "LÍNEA DE CAPTURA" not in text and "FECHA LÍMITE" not in text


@needs_zbar
def test_a_long_referencia_narrows_its_bars_or_falls_back_to_text(tmp_path: Path) -> None:
    def orden(body: str, layout: LayoutName) -> tuple[str, bytes]:
        referencia = body + mod_97_10.calc_check_digits(body)
        return referencia, render_recibo(replace(sample_document_data(demo=False),
                                                 referencia=referencia), layout)

    fits, pdf = orden("HMOCENTROV122026000123", "ticket")  # 24 characters: 2-dot bars fit
    assert decode_barcodes(pdf, tmp_path, 203) == [fits]
    too_long, pdf = orden("DESARROLLOURBANOV122026000123", "ticket")  # 31: text only
    assert decode_barcodes(pdf, tmp_path, 203) == []
    assert group_referencia(too_long) in pdf_text(pdf)
    assert barcode(too_long, TICKET, TICKET.frame_width) is None
    narrowed, pdf = orden("OFICINAPRINCIPALDELCENTROHISTV122026000123", "carta")  # 44
    code = barcode(narrowed, CARTA, aside_width(CARTA))
    assert code is not None and code.barWidth < 0.33 * mm  # letter paper: thinner bars
    assert decode_barcodes(pdf, tmp_path, 300) == [narrowed]
