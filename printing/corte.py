"""Corte de caja (carta): every recibo of the caja, cancelled ones with their reasons, totals by
forma de pago and by concepto/CRI, fondo, expected, counted by denomination, the difference, and
signature lines for the operador and the supervisor. A reprint says "REIMPRESIÓN n"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from formatting import format_datetime_long, format_money
from printing.blocks import fields, section, text
from printing.layouts import Layout, get_layout
from printing.styles import Styles, build_styles


@dataclass(frozen=True)
class CorteReciboLine:
    folio: str
    expediente_folio: str
    issued_at: datetime  # the office's wall clock (desktop/records/corte.py converts)
    method_label: str
    amount: Decimal
    cancelled_reason: str | None = None  # set: cancelled, not counted in any total


@dataclass(frozen=True)
class CorteData:
    municipio: str
    oficina_nombre: str
    ventanilla: str
    caja_uuid: str
    opened_by: str
    opened_at: datetime  # opened_at, closed_at: the office's wall clock (aware)
    closed_at: datetime
    fondo: Decimal
    expected: Decimal
    counted: Decimal
    counted_by: str
    signed_by: str
    recibos: list[CorteReciboLine]
    by_method: list[tuple[str, Decimal]]  # (forma de pago, total)
    by_concepto: list[tuple[str, str, Decimal]]  # (concepto, CRI, total)
    counts: list[tuple[str, int, Decimal]]  # (denominación, piezas, importe)
    reprint_number: int = 0
    demo: bool = False

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


def render_corte(data: CorteData) -> bytes:
    layout = get_layout("carta")
    st = build_styles(layout)
    story: list[Flowable] = [
        Paragraph(f"H. Ayuntamiento de {text(data.municipio)}", st.body_bold),
        Paragraph("Corte de caja", st.title),
        *_marks(data, st),
        *fields(_header(data), layout, st),
        *section("Recibos oficiales", layout, st), _recibos(data, layout, st),
        *section("Totales por forma de pago", layout, st),
        _money_table("Forma de pago", [(label, "", amount) for label, amount in data.by_method],
                     layout, st),
        *section("Totales por concepto / CRI", layout, st),
        _money_table("Concepto", data.by_concepto, layout, st),
        *section("Arqueo del efectivo", layout, st), _counts(data, layout, st),
        Spacer(1, 3 * mm), *fields(_balance(data), layout, st),
        Spacer(1, 22 * mm), _signatures(data, layout, st),
    ]
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=layout.margin,
                            rightMargin=layout.margin, topMargin=14 * mm, bottomMargin=16 * mm,
                            title=f"Corte de caja {data.ventanilla}", creator="Ventanilla",
                            author=f"H. Ayuntamiento de {data.municipio}")
    doc.build(story)
    return buffer.getvalue()


def _marks(data: CorteData, st: Styles) -> list[Flowable]:
    marks = []
    if data.reprint_number:
        marks.append(Paragraph(f"REIMPRESIÓN {data.reprint_number}", st.mark))
    if data.demo:
        marks.append(Paragraph("DEMOSTRACIÓN — SIN VALIDEZ OFICIAL", st.mark))
    return marks


def _header(data: CorteData) -> list[tuple[str, str]]:
    return [
        ("Oficina / ventanilla", f"{text(data.oficina_nombre)} · {text(data.ventanilla)}"),
        ("Caja", text(data.caja_uuid)),
        ("Abierta", f"{format_datetime_long(data.opened_at)} por {text(data.opened_by)}"),
        ("Cerrada", format_datetime_long(data.closed_at)),
    ]


def _balance(data: CorteData) -> list[tuple[str, str]]:
    diff = data.difference
    word = "sobrante" if diff > 0 else "faltante" if diff < 0 else "sin diferencia"
    return [
        ("Fondo inicial", format_money(data.fondo)),
        ("Efectivo esperado", f"<b>{format_money(data.expected)}</b> (fondo + efectivo de los "
                              "recibos no cancelados)"),
        ("Efectivo contado", f"<b>{format_money(data.counted)}</b>"),
        ("Diferencia", f"<b>{format_money(diff)}</b> ({word})"),
    ]


def _amount(value: Decimal, st: Styles) -> Paragraph:
    return Paragraph(format_money(value), st.right)


def _grid(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "#888888"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6 * mm),
    ]))
    return table


def _recibos(data: CorteData, layout: Layout, st: Styles) -> Table:
    head = [Paragraph(f"<b>{h}</b>", st.small)
            for h in ("Recibo", "Folio", "Hora", "Forma de pago", "Importe")]
    rows: list[list[object]] = [head]
    for line in data.recibos:
        amount = _amount(line.amount, st)
        method = text(line.method_label)
        if line.cancelled_reason is not None:
            method = f"<b>CANCELADO</b>: {text(line.cancelled_reason)}"
            amount = Paragraph(f"<strike>{format_money(line.amount)}</strike>", st.right)
        rows.append([Paragraph(text(line.folio), st.small),
                     Paragraph(text(line.expediente_folio), st.small),
                     Paragraph(line.issued_at.strftime("%H:%M"), st.small),
                     Paragraph(method, st.small), amount])
    if len(rows) == 1:
        rows.append([Paragraph("Sin recibos en esta caja.", st.small), "", "", "", ""])
    w = layout.frame_width
    return _grid(rows, [50 * mm, 44 * mm, 15 * mm, w - 137 * mm, 28 * mm])


def _money_table(what: str, lines: list[tuple[str, str, Decimal]], layout: Layout,
                 st: Styles) -> Table:
    rows: list[list[object]] = [[Paragraph(f"<b>{what}</b>", st.small),
                                 Paragraph("<b>CRI</b>", st.small),
                                 Paragraph("<para alignment='right'><b>Importe</b></para>",
                                           st.small)]]
    for label, cri, amount in lines:
        rows.append([Paragraph(text(label), st.body), Paragraph(text(cri), st.small),
                     _amount(amount, st)])
    total = sum((amount for _l, _c, amount in lines), Decimal("0"))
    rows.append([Paragraph("<b>TOTAL</b>", st.body_bold), "",
                 Paragraph(format_money(total), st.right_bold)])
    return _grid(rows, [layout.frame_width - 62 * mm, 28 * mm, 34 * mm])


def _counts(data: CorteData, layout: Layout, st: Styles) -> Table:
    rows: list[list[object]] = [[Paragraph("<b>Denominación</b>", st.small),
                                 Paragraph("<para alignment='right'><b>Piezas</b></para>",
                                           st.small),
                                 Paragraph("<para alignment='right'><b>Importe</b></para>",
                                           st.small)]]
    for label, pieces, amount in data.counts:
        rows.append([Paragraph(text(label), st.body), Paragraph(str(pieces), st.right),
                     _amount(amount, st)])
    rows.append([Paragraph("<b>TOTAL CONTADO</b>", st.body_bold), "",
                 Paragraph(format_money(data.counted), st.right_bold)])
    return _grid(rows, [layout.frame_width - 62 * mm, 28 * mm, 34 * mm])


def _signatures(data: CorteData, layout: Layout, st: Styles) -> Table:
    line = "_" * 34
    rows = [[Paragraph(line, st.center), Paragraph(line, st.center)],
            [Paragraph(f"Operador: {text(data.counted_by)}", st.center),
             Paragraph(f"Supervisor: {text(data.signed_by)}", st.center)]]
    half = layout.frame_width / 2
    return Table(rows, colWidths=[half, half])
