"""The acuse and recibo as a citizen reads them: rendered PDFs read back with pypdf / pdfium."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from desktop.states import ExpedienteStatus, status_label
from printing.acuse import render_acuse
from printing.document_data import FeeLine, RequisitoLine
from printing.layouts import get_layout
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data
from tests.document_fixtures import pdf_pages, pdf_text

LAYOUTS = ["carta", "ticket"]
LONG_NAME = ("María de los Ángeles Guadalupe Fernández-Villaseñor Íñiguez de la Concepción "
             "Echeverría Zúñiga Montemayor y Peñaloza Ortiz de Domínguez")
LONG_TRAMITE = ("Licencia de construcción, ampliación, remodelación o demolición de inmuebles "
                "habitacionales, comerciales e industriales con dictamen de protección civil")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_acuse_shows_everything_the_citizen_needs(layout: str) -> None:
    text = pdf_text(render_acuse(sample_document_data(demo=False), layout))  # type: ignore[arg-type]
    for expected in [
        "H. AYUNTAMIENTO DE HERMOSILLO", "Sonora", "ACUSE DE RECIBO",
        "Dirección General de Desarrollo Urbano y Ecología",
        "OFI-V03-2026-000123", "23 de noviembre de 2026, 10:42",
        "Licencia de construcción para vivienda unifamiliar", "HMO-DDUE-001",
        "José Peña Núñez", "PENJ800101HSRXXX09", "PENJ800101AB1",
        "Requisitos recibidos (3)", "Identificación oficial vigente con fotografía",
        "Nota: Se recibieron 2 juegos impresos",
        "Requisitos pendientes (1)", "Pago del impuesto predial al corriente",
        "Nota: Entregar en un plazo de 5 días hábiles",
        "15 días hábiles", "Fecha compromiso 14 de diciembre de 2026",
        "María Fernanda Gutiérrez Ibáñez", "Ventanilla V03",
        "Aviso de privacidad.", "Ley General de Protección de Datos Personales",
    ]:
        assert expected.lower() in text.lower(), expected  # the ticket capitalises headings
    assert "REIMPRESIÓN" not in text
    assert "DEMO" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_orden_de_pago_lists_conceptos_and_total_in_figures_and_words(layout: str) -> None:
    text = pdf_text(render_recibo(sample_document_data(demo=False), layout))  # type: ignore[arg-type]
    for expected in [
        "ORDEN DE PAGO", "OFI-V03-2026-000123", "V03",
        "Derechos por licencia de construcción (hasta 60 m²)", "4.3.1.1", "$850.00",
        "Revisión de planos arquitectónicos", "4.3.1.2", "$312.50",
        "Constancia de alineamiento y número oficial", "4.3.9.4", "$72.00",
        "TOTAL $1,234.50", "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N.",
        "PENDIENTE DE PAGO",
    ]:
        assert expected in text, expected


@pytest.mark.parametrize("layout", LAYOUTS)
def test_paid_recibo_shows_payment_method(layout: str) -> None:
    data = sample_document_data(payment_method="efectivo")
    text = pdf_text(render_recibo(data, layout))  # type: ignore[arg-type]
    assert "RECIBO DE PAGO" in text
    assert "FORMA DE PAGO Efectivo" in text
    assert "PENDIENTE DE PAGO" not in text


def test_one_peso_recibo_says_un_peso() -> None:
    data = sample_document_data(cobros=[FeeLine("Copia simple", "4.3.9.1", Decimal("1.00"))],
                                total=Decimal("1.00"))
    assert "(UN PESO 00/100 M.N.)" in pdf_text(render_recibo(data, "ticket"))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("render", [render_acuse, render_recibo])
def test_reprint_and_demo_are_visible(layout: str, render: object) -> None:
    data = sample_document_data(reprint_number=2, demo=True)
    text = pdf_text(render(data, layout))  # type: ignore[operator]
    assert "REIMPRESIÓN 2" in text
    assert "DEMO — SIN VALIDEZ OFICIAL" in text


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("render", [render_acuse, render_recibo])
def test_cancelled_expediente_says_cancelado_as_the_screen_does(layout: str,
                                                                render: object) -> None:
    label = status_label(ExpedienteStatus.CANCELADO)
    data = sample_document_data(cancelled_reason="Captura duplicada", cancelled_label=label)
    text = pdf_text(render(data, layout))  # type: ignore[operator]
    assert "CANCELADO: Captura duplicada" in text
    assert "ANULADO" not in text


def test_a_cancelled_document_needs_its_label() -> None:
    with pytest.raises(ValueError, match="label"):
        sample_document_data(cancelled_reason="Captura duplicada")


def _char_boxes(pdf: bytes) -> list[tuple[float, float, float, float, float]]:
    """(page width, left, bottom, right, top) of every character of every page."""
    document = pdfium.PdfDocument(pdf)
    boxes = []
    for page in document:
        width = page.get_width()
        text_page = page.get_textpage()
        for index in range(text_page.count_chars()):
            boxes.append((width, *text_page.get_charbox(index)))
        text_page.close()
        page.close()
    document.close()
    return boxes


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("render", [render_acuse, render_recibo])
def test_long_names_wrap_inside_the_page(layout: str, render: object) -> None:
    data = sample_document_data(solicitante_nombre=LONG_NAME, tramite_nombre=LONG_TRAMITE,
                                funcionario=LONG_NAME)
    pdf = render(data, layout)  # type: ignore[operator]
    text = pdf_text(pdf)
    assert LONG_NAME in text
    assert " ".join(LONG_TRAMITE.split()) in text
    for width, left, _bottom, right, _top in _char_boxes(pdf):
        assert left >= 0 and right <= width + 0.5, (left, right, width)
    if layout == "ticket":
        assert pdf_pages(pdf) == 1  # the ticket grows, it never breaks onto a second page


def test_long_name_takes_more_than_one_line_on_the_ticket() -> None:
    data = sample_document_data(solicitante_nombre=LONG_NAME)
    document = pdfium.PdfDocument(render_acuse(data, "ticket"))
    text_page = document[0].get_textpage()
    full = text_page.get_text_range()
    start = full.index("María de los")
    baselines = {round(text_page.get_charbox(start + i)[1]) for i in range(0, 60, 5)}
    assert len(baselines) >= 2


def test_many_requisitos_flow_onto_a_second_letter_page_and_one_long_ticket() -> None:
    requisitos = [RequisitoLine(f"Documento número {i} con descripción", i % 2 == 0)
                  for i in range(60)]
    data = sample_document_data(requisitos=requisitos)
    carta = render_acuse(data, "carta")
    assert pdf_pages(carta) >= 2
    assert "Página 2" in pdf_text(carta)
    ticket = render_acuse(data, "ticket")
    assert pdf_pages(ticket) == 1
    assert "Documento número 59 con descripción" in pdf_text(ticket)


def test_markup_characters_in_names_print_literally() -> None:
    data = sample_document_data(solicitante_nombre="Pérez & Hijos <S.A.>")
    assert "Pérez & Hijos <S.A.>" in pdf_text(render_acuse(data, "carta"))


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        render_acuse(replace(sample_document_data()), "a4")  # type: ignore[arg-type]


def test_without_dejavu_helvetica_still_prints_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    from printing import fonts

    monkeypatch.setattr(fonts, "DEJAVU_DIRS", ())
    fonts.document_fonts.cache_clear()
    try:
        assert fonts.document_fonts().regular == "Helvetica"
        text = pdf_text(render_recibo(sample_document_data(reprint_number=1), "ticket"))
    finally:
        fonts.document_fonts.cache_clear()
    for expected in ["José Peña Núñez", "REIMPRESIÓN 1", "DEMO — SIN VALIDEZ OFICIAL",
                     "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N."]:
        assert expected in text


def _lines_holding(pdf: bytes, needle: str) -> list[tuple[float, float]]:
    """(baseline, glyph height) of each occurrence of `needle` that sits whole on one line."""
    document = pdfium.PdfDocument(pdf)
    found = []
    for page in document:
        text_page = page.get_textpage()
        full = text_page.get_text_range()
        start = full.find(needle)
        while start >= 0:
            boxes = [text_page.get_charbox(start + i, loose=True) for i in range(len(needle))]
            bottoms = {round(box[1], 1) for box in boxes}
            if len(bottoms) == 1:
                found.append((bottoms.pop(), max(box[3] - box[1] for box in boxes)))
            start = full.find(needle, start + 1)
        text_page.close()
        page.close()
    document.close()
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("render", [render_acuse, render_recibo])
@pytest.mark.parametrize("folio", ["HMO-V01-2026-000001", "OFI-V03-2026-000123",
                                   "TESORERIA-MUNICIPAL-V12-2026-0000001"])
@pytest.mark.parametrize("reprint", [0, 3])
def test_folio_is_printed_big_and_on_one_line(layout: str, render: object, folio: str,
                                               reprint: int) -> None:
    pdf = render(sample_document_data(folio=folio, reprint_number=reprint), layout)  # type: ignore[operator]
    assert folio in pdf_text(pdf).split(" ")  # pypdf reads it as one unbroken word
    lines = _lines_holding(pdf, folio)
    assert lines, f"{folio} is split across lines"
    tallest = max(height for _baseline, height in lines)
    full_size = get_layout(layout).folio_size
    if len(folio) <= 19:  # what format_folio makes of a 3-letter oficina: full size
        assert tallest >= full_size * 0.98, (tallest, full_size)
    else:  # an unusually long folio shrinks, but stays bigger than the footer's 7 pt
        assert tallest > 7.5, tallest


@pytest.mark.parametrize("layout", LAYOUTS)
def test_large_amounts_stay_on_one_line(layout: str) -> None:
    cobros = [FeeLine("Licencia de construcción industrial", "4.3.1.1", Decimal("1234567.89")),
              FeeLine("Dictamen de protección civil", "4.3.10.12", Decimal("98765432.10"))]
    data = sample_document_data(cobros=cobros, total=Decimal("99999999.99"))
    pdf = render_recibo(data, layout)  # type: ignore[arg-type]
    for figures in ["$1,234,567.89", "$98,765,432.10", "$99,999,999.99"]:
        assert _lines_holding(pdf, figures), figures
    assert "TOTAL $99,999,999.99" in pdf_text(pdf)
    assert ("NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y "
            "NUEVE PESOS 99/100 M.N.") in pdf_text(pdf)
    for width, left, _bottom, right, _top in _char_boxes(pdf):
        assert left >= 0 and right <= width + 0.5, (left, right, width)


def test_office_line_does_not_repeat_the_word_oficina() -> None:
    data = replace(sample_document_data(demo=False), oficina_nombre="Oficina Centro")
    text = pdf_text(render_acuse(data, "carta"))
    assert "Oficina Centro · Ventanilla" in text
    assert "Oficina Oficina" not in text
