"""Orden de pago (before payment) / recibo de pago (after): conceptos, CRI, total in words."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from formatting import amount_in_words, format_datetime_long, format_money
from formatting.payment_methods import PAYMENT_METHODS
from printing.blocks import (
    aside_width,
    fields,
    folio_block,
    letterhead,
    marks,
    section,
    text,
    verification,
)
from printing.document_data import DocumentData
from printing.fitted import FittedLine
from printing.layouts import Layout, LayoutName, get_layout
from printing.linea_captura import pay_here
from printing.pages import build_pdf
from printing.styles import Styles, build_styles


def recibo_title(data: DocumentData) -> str:
    return "Recibo de pago" if data.payment_method else "Orden de pago"


def render_recibo(data: DocumentData, layout: LayoutName = "carta") -> bytes:
    """The orden de pago / recibo as PDF bytes, on letter paper or as an 80 mm ticket."""
    geometry = get_layout(layout)
    st = build_styles(geometry)
    title = recibo_title(data)
    story: list[Flowable] = [
        *letterhead(data, geometry, st, title),
        *folio_block(data, geometry, st),
        *marks(data, geometry, st),
        Spacer(1, 2 * mm),
        *fields(_header_rows(data), geometry, st),
        *section("Conceptos", geometry, st),
        _conceptos(data, geometry, st),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Importe con letra:</b> ({text(amount_in_words(data.total))})", st.body),
        *verification(data, geometry, st, _payment(data, geometry, st)),
    ]
    return build_pdf(story, geometry, data, title)


def _header_rows(data: DocumentData) -> list[tuple[str, str]]:
    return [
        *([("Recibo oficial", f"<b>{text(data.recibo_folio)}</b>")]
          if data.payment_method and data.recibo_folio else []),
        ("Expediente", text(data.folio)),
        ("Caja / ventanilla", f"{text(data.ventanilla)} · {text(data.oficina_nombre)}"),
        ("Contribuyente", f"<b>{text(data.solicitante_nombre)}</b>"),
        *([("RFC", text(data.solicitante_rfc))] if data.solicitante_rfc else []),
        ("Trámite", f"{text(data.tramite_nombre)} ({text(data.homoclave)})"),
        ("Atendió", text(data.funcionario)),
    ]


def _conceptos(data: DocumentData, layout: Layout, st: Styles) -> Table:
    """One row per concepto with its CRI code and amount, then the total in figures."""
    head = [Paragraph("<b>Concepto</b>", st.small), Paragraph("<b>CRI</b>", st.small),
            Paragraph("<para alignment='right'><b>Importe</b></para>", st.small)]
    rows: list[list[object]] = [head]
    for line in data.cobros:
        rows.append([Paragraph(text(line.concepto), st.body), Paragraph(text(line.cri), st.small),
                     _amount(line.importe, st.right)])
    rows.append([Paragraph("<b>TOTAL</b>", st.body_bold), "", _amount(data.total, st.right_bold)])
    cri_w, amount_w = (13 * mm, 21 * mm) if layout.is_ticket else (26 * mm, 34 * mm)
    table = Table(rows, colWidths=[layout.frame_width - cri_w - amount_w, cri_w, amount_w],
                  repeatRows=1)
    last = len(rows) - 1
    padding = 0 if layout.is_ticket else 1.5 * mm
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (0, -1), max(padding, 1.5 * mm)),  # concepto never touches CRI
        ("LEFTPADDING", (2, 0), (2, -1), max(padding, 1 * mm)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.palette.band),
        ("LINEBELOW", (0, 1), (-1, last - 1), 0.25, st.palette.rule),
        ("LINEABOVE", (0, last), (-1, last), 1.0, st.palette.band),
        ("SPAN", (0, last), (1, last)),
    ]
    if st.palette.shade is not None:
        commands.append(("BACKGROUND", (0, last), (-1, last), st.palette.shade))
    table.setStyle(TableStyle(commands))
    return table


def _amount(amount: Decimal, style: ParagraphStyle) -> FittedLine:
    """An amount on one line, right-aligned; a very large one shrinks rather than wraps."""
    return FittedLine(format_money(amount), style.fontName, style.fontSize, style.textColor,
                      align="right", leading=style.leading / style.fontSize)


def _payment(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    if data.payment_method:
        method = PAYMENT_METHODS.get(data.payment_method, data.payment_method)
        paid: list[Flowable] = [Paragraph("FORMA DE PAGO", st.label),
                                Paragraph(f"<b>{text(method)}</b>", st.body)]
        if data.payment_reference:
            paid.append(Paragraph(f"Referencia: {text(data.payment_reference)}", st.body))
        if data.paid_at:
            paid.append(Paragraph(f"Pagado el {format_datetime_long(data.paid_at)}", st.body))
        return paid
    if data.referencia and data.cancelled_reason is None:
        width = layout.frame_width if layout.is_ticket else aside_width(layout)
        return [Paragraph("PENDIENTE DE PAGO", st.label), Spacer(1, 1.5 * mm),
                *pay_here(data, layout, st, width)]
    return [Paragraph("PENDIENTE DE PAGO", st.label),
            Paragraph("Presente esta orden en la caja de la Tesorería municipal para "
                      "realizar el pago.", st.body)]
