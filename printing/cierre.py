"""Cierre del día (carta): per window of the office, the captures by trámite, the cobros by
concepto, the cancelled folios, the pending and rejected envíos and the cajas still open, with
the warnings (unsent records, open cajas) first, naming the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from formatting import format_date_long, format_datetime_long, format_money
from printing.blocks import section, text
from printing.layouts import Layout, get_layout
from printing.styles import Styles, build_styles


@dataclass(frozen=True)
class CierreVentanilla:
    ventanilla: str
    captures: list[tuple[str, int]]  # (trámite, expedientes captured that day)
    cobros: list[tuple[str, str, Decimal]]  # (concepto, CRI, total paid that day)
    cancelled: list[tuple[str, str]]  # (folio, reason)
    pending: int  # expedientes not yet confirmed by the platform (this window only)
    rejected: int
    open_cajas: list[str]  # "abierta por X el …"
    known: bool = True  # False: another window; its envíos and cajas are not known here


@dataclass(frozen=True)
class CierreData:
    municipio: str
    oficina_nombre: str
    day: date  # the office's calendar day
    made_at: datetime  # the office's wall clock (aware)
    made_by: str
    ventanillas: list[CierreVentanilla]
    warnings: list[str]
    demo: bool = False


def render_cierre(data: CierreData) -> bytes:
    layout = get_layout("carta")
    st = build_styles(layout)
    story: list[Flowable] = [
        Paragraph(f"H. Ayuntamiento de {text(data.municipio)}", st.body_bold),
        Paragraph(f"Cierre del día · {text(data.oficina_nombre)}", st.title),
        Paragraph(f"{format_date_long(data.day)} · elaborado por {text(data.made_by)} el "
                  f"{format_datetime_long(data.made_at)}", st.center),
    ]
    if data.demo:
        story.append(Paragraph("DEMOSTRACIÓN — SIN VALIDEZ OFICIAL", st.mark))
    story += [Paragraph(f"⚠ {text(w)}", st.mark) for w in data.warnings]
    for ventanilla in data.ventanillas:
        story += _ventanilla(ventanilla, layout, st)
    story += [Spacer(1, 20 * mm), Paragraph("_" * 34, st.center),
              Paragraph(f"Supervisor: {text(data.made_by)}", st.center)]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter, leftMargin=layout.margin,
                      rightMargin=layout.margin, topMargin=14 * mm, bottomMargin=16 * mm,
                      title=f"Cierre del día {data.day.isoformat()}", creator="Ventanilla",
                      author=f"H. Ayuntamiento de {data.municipio}").build(story)
    return buffer.getvalue()


def _ventanilla(v: CierreVentanilla, layout: Layout, st: Styles) -> list[Flowable]:
    width = layout.frame_width
    out: list[Flowable] = [*section(f"Ventanilla {v.ventanilla}", layout, st)]
    out.append(_table(["Trámite", "Capturas"], [[t, str(n)] for t, n in v.captures]
                      or [["Sin capturas este día", ""]], [width - 30 * mm, 30 * mm], st))
    total = sum((amount for _c, _cri, amount in v.cobros), Decimal("0"))
    rows = [[c, cri, format_money(a)] for c, cri, a in v.cobros] or [["Sin cobros", "", ""]]
    out += [Spacer(1, 2 * mm),
            _table(["Cobros por concepto", "CRI", "Importe"],
                   [*rows, ["TOTAL", "", format_money(total)]],
                   [width - 64 * mm, 30 * mm, 34 * mm], st)]
    if v.cancelled:
        out += [Spacer(1, 2 * mm),
                _table(["Folio cancelado", "Motivo"], [[f, r] for f, r in v.cancelled],
                       [60 * mm, width - 60 * mm], st)]
    if v.known:
        envios = f"Envíos pendientes: {v.pending} · rechazados: {v.rejected}"
        cajas = ("Cajas abiertas: " + "; ".join(v.open_cajas)) if v.open_cajas else \
            "Cajas: todas cerradas con su corte"
    else:
        envios = "Envíos y cajas: los conoce su propia ventanilla (registros recibidos por " \
            "sincronización)"
        cajas = ""
    out += [Spacer(1, 2 * mm), Paragraph(text(envios), st.body)]
    if cajas:
        out.append(Paragraph(text(cajas), st.body))
    return out


def _table(head: list[str], rows: list[list[str]], widths: list[float], st: Styles) -> Table:
    data: list[list[object]] = [[Paragraph(f"<b>{text(h)}</b>", st.small) for h in head]]
    data += [[Paragraph(text(cell), st.body) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "#888888"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5 * mm),
    ]))
    return table
