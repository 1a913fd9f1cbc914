"""The orden de pago's "pay here" block: fecha límite de pago, línea de captura (referencia) in
grouped text, and the same referencia as a Code 128 barcode a bank's or the caja's scanner reads.

Bars are whole multiples of a thermal printer's dot (203 dpi: 0.125 mm) on the ticket; the code
keeps its quiet zones (18 pt each side, more than the 10 modules Code 128 asks for). A referencia
too long for the width gets thinner bars, never fewer than MIN_BAR.
"""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from formatting import format_date_long, group_referencia
from printing.blocks import text
from printing.document_data import DocumentData
from printing.layouts import Layout
from printing.styles import Styles

CARTA_BAR = 0.33 * mm
TICKET_BAR = 0.25 * mm  # two dots of a 203 dpi thermal head
MIN_BAR = 0.19 * mm
CARTA_BAR_HEIGHT = 13 * mm
TICKET_BAR_HEIGHT = 11 * mm


def barcode(referencia: str, layout: Layout, width: float) -> Code128:
    """A Code 128 barcode of `referencia` that fits `width` points, quiet zones included."""
    bar = TICKET_BAR if layout.is_ticket else CARTA_BAR
    height = TICKET_BAR_HEIGHT if layout.is_ticket else CARTA_BAR_HEIGHT
    code = Code128(referencia, barWidth=bar, barHeight=height, humanReadable=False,
                   barFillColor=colors.black)
    if code.width > width:
        code = Code128(referencia, barWidth=max(MIN_BAR, bar * width / code.width),
                       barHeight=height, humanReadable=False, barFillColor=colors.black)
    code.hAlign = "CENTER" if layout.is_ticket else "LEFT"
    return code


def _referencia_style(st: Styles) -> ParagraphStyle:
    """The referencia a little larger than the body, bold, so it reads at arm's length."""
    size = st.body_bold.fontSize + 2
    return ParagraphStyle("referencia", parent=st.body_bold, fontSize=size, leading=size * 1.3)


def pay_here(data: DocumentData, layout: Layout, st: Styles, width: float) -> list[Flowable]:
    """Fecha límite, referencia and barcode; where to pay. Empty without a referencia."""
    if not data.referencia:
        return []
    story: list[Flowable] = []
    if data.fecha_limite_pago is not None:
        story += [Paragraph("FECHA LÍMITE DE PAGO", st.label),
                  Paragraph(f"<b>{format_date_long(data.fecha_limite_pago)}</b>", st.body)]
    story += [
        Spacer(1, 1.5 * mm),
        Paragraph("LÍNEA DE CAPTURA / REFERENCIA", st.label),
        Paragraph(text(group_referencia(data.referencia)), _referencia_style(st)),
        Spacer(1, 1 * mm),
        barcode(data.referencia, layout, width),
        Spacer(1, 1 * mm),
        Paragraph("Pague en la caja de la Tesorería municipal o en ventanilla bancaria con esta "
                  "referencia, a más tardar en la fecha límite.", st.body),
    ]
    return story
