"""Building blocks shared by the acuse and the recibo: letterhead, folio, marks, QR, privacy notice.

Every user-supplied string goes through `text()` so names with `&` or `<` stay literal.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer, Table, TableStyle

from formatting import format_datetime_long
from printing.document_data import DocumentData
from printing.fitted import FittedLine
from printing.layouts import Layout
from printing.qr import QrFlowable
from printing.styles import BAND, SHADE, Styles

DEMO_MARK = "DEMO — SIN VALIDEZ OFICIAL"
ELECTRONIC_MARK = "COPIA ELECTRÓNICA"


def text(value: object) -> str:
    """Escape a value for Paragraph markup."""
    return escape(str(value))


def letterhead(data: DocumentData, layout: Layout, st: Styles, title: str) -> list[Flowable]:
    """Municipality, estado and dependencia; on letter paper a coloured band with the title."""
    ayuntamiento = f"H. AYUNTAMIENTO DE {text(data.municipio.upper())}"
    place = f"{text(data.oficina_nombre)} · Ventanilla {text(data.ventanilla)}"
    if layout.is_ticket:
        return [
            Paragraph(f"<b>{ayuntamiento}</b>", st.center),
            Paragraph(text(data.estado), st.center),
            Paragraph(f"<b>{text(data.dependencia)}</b>", st.center),
            Paragraph(place, st.center),
            _rule(st, thick=True),
            Paragraph(title.upper(), st.title),
            _rule(st, thick=True),
        ]
    left = [Paragraph(ayuntamiento, st.band_title), Paragraph(text(data.estado), st.band_sub)]
    right = Paragraph(f"<para alignment='right'>{title.upper()}</para>", st.band_title)
    band = Table([[left, right]], colWidths=[layout.frame_width * 0.62, layout.frame_width * 0.38])
    band.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), BAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm),
    ]))
    return [
        band,
        Spacer(1, 2.5 * mm),
        Paragraph(f"<b>{text(data.dependencia)}</b>", st.body_bold),
        Paragraph(place, st.small),  # the office name already reads "Oficina …"
        Spacer(1, 3 * mm),
    ]


def folio_block(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    """The folio, big, and the date and time of reception beside (or under) it."""
    when = [Paragraph("FECHA Y HORA", st.label),
            Paragraph(format_datetime_long(data.captured_at), st.body_bold)]
    if layout.is_ticket:
        return [Spacer(1, 1.5 * mm), *_centered([Paragraph("FOLIO", st.label)], st),
                _folio_line(data, st, centered=True), *_centered(when, st),
                Spacer(1, 1.5 * mm)]
    folio = [Paragraph("FOLIO", st.label), _folio_line(data, st, centered=False)]
    box = Table([[folio, when]], colWidths=[layout.frame_width * 0.62, layout.frame_width * 0.38])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("BOX", (0, 0), (-1, -1), 0.8, BAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ]))
    return [box]


def _folio_line(data: DocumentData, st: Styles, *, centered: bool) -> FittedLine:
    """The folio on one line, in the folio style's size or smaller if it is long."""
    return FittedLine(data.folio, st.folio.fontName, st.folio.fontSize, st.folio.textColor,
                      align="center" if centered else "left")


def _centered(paragraphs: list[Paragraph], st: Styles) -> list[Flowable]:
    return [Paragraph(f"<para alignment='center'>{p.text}</para>", p.style) for p in paragraphs]


def marks(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    """Boxed warnings the citizen must not miss: demo, electronic copy, reprint, cancelled."""
    lines: list[str] = []
    if data.demo:
        lines.append(DEMO_MARK)
    if data.electronic_copy:
        lines.append(ELECTRONIC_MARK)
    elif data.reprint_number > 0:
        lines.append(f"REIMPRESIÓN {data.reprint_number}")
    if data.cancelled_reason is not None:
        lines.append(f"{text(data.cancelled_label.upper())}: {text(data.cancelled_reason)}")
    if not lines:
        return []
    box = Table([[Paragraph(line, st.mark)] for line in lines], colWidths=[layout.frame_width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, st.palette.alert),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
    ]))
    return [Spacer(1, 2 * mm), box]


def section(title: str, layout: Layout, st: Styles) -> list[Flowable]:
    return [Paragraph(title.upper() if layout.is_ticket else title, st.section),
            _rule(st, thick=False)]


def _rule(st: Styles, *, thick: bool) -> HRFlowable:
    return HRFlowable(width="100%", thickness=1.2 if thick else 0.5,
                      color=st.palette.band if thick else st.palette.rule,
                      spaceBefore=0.8 * mm, spaceAfter=1.2 * mm)


def fields(rows: list[tuple[str, str]], layout: Layout, st: Styles) -> list[Flowable]:
    """Label/value rows; values wrap inside their column, never past the margin."""
    label_w = 22 * mm if layout.is_ticket else 42 * mm
    data = [[Paragraph(text(label), st.label), Paragraph(value, st.body)] for label, value in rows]
    table = Table(data, colWidths=[label_w, layout.frame_width - label_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8 * mm),
    ]))
    return [table]


def aside_width(layout: Layout) -> float:
    """The width beside the QR on letter paper (what `verification` gives its `aside`)."""
    return float(layout.frame_width - layout.qr_size - 4 * mm)


def verification(data: DocumentData, layout: Layout, st: Styles,
                 aside: list[Flowable]) -> list[Flowable]:
    """The signed QR with its caption; on letter paper `aside` sits to its left."""
    qr = QrFlowable(data.qr_url, layout.qr_size)
    caption = Paragraph("Escanee el código para verificar la autenticidad de este documento.",
                        st.small)
    if layout.is_ticket:
        qr.hAlign = "CENTER"
        return [Spacer(1, 2 * mm), *aside, Spacer(1, 2 * mm), qr, _centered([caption], st)[0]]
    side = [*aside, Spacer(1, 2 * mm), caption]
    table = Table([[side, qr]], colWidths=[aside_width(layout), layout.qr_size + 4 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
    ]))
    return [Spacer(1, 4 * mm), table]


def privacy_notice(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    if not data.aviso_privacidad.strip():
        return []
    return [Spacer(1, 3 * mm), _rule(st, thick=False),
            Paragraph(f"<b>Aviso de privacidad.</b> {text(data.aviso_privacidad)}", st.small)]
