"""The orden de pago's "pay here" block: fecha límite de pago, línea de captura (referencia) in
grouped text, and the same referencia as a Code 128 barcode a bank's or the caja's scanner reads.

Bars are two dots of a 203 dpi thermal head (0.25 mm) on the ticket and 0.33 mm on letter paper;
the code keeps its quiet zones (12 modules each side; Code 128 asks for at least 10). On letter
paper a referencia too long for the width gets thinner bars, down to MIN_BAR; on the ticket
(thinner bars would be uneven dots) and past MIN_BAR, it is printed as text only. On the 80 mm
ticket that is from about 26 characters (an oficina + ventanilla longer than about 14).
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
MIN_BAR = 0.19 * mm  # letter paper only (laser/inkjet, 300 dpi and up)
QUIET_MODULES = 12  # white each side, in bar widths (Code 128 asks for at least 10)
CARTA_BAR_HEIGHT = 13 * mm
TICKET_BAR_HEIGHT = 11 * mm


def barcode(referencia: str, layout: Layout, width: float) -> Code128 | None:
    """A Code 128 barcode of `referencia` that fits `width` points, quiet zones included; None
    when even MIN_BAR bars would not fit (a very long folio: the text alone is printed)."""
    bar = TICKET_BAR if layout.is_ticket else CARTA_BAR
    height = TICKET_BAR_HEIGHT if layout.is_ticket else CARTA_BAR_HEIGHT
    code = _code128(referencia, bar, height)
    if code.width > width and not layout.is_ticket:  # a thermal head has no half dots
        code = _code128(referencia, max(MIN_BAR, bar * width / code.width), height)
    if code.width > width:
        return None
    code.hAlign = "CENTER" if layout.is_ticket else "LEFT"
    return code


def _code128(referencia: str, bar: float, height: float) -> Code128:
    quiet = QUIET_MODULES * bar
    return Code128(referencia, barWidth=bar, barHeight=height, humanReadable=False,
                   barFillColor=colors.black, lquiet=quiet, rquiet=quiet)


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
    ]
    code = barcode(data.referencia, layout, width)
    if code is not None:
        story += [Spacer(1, 1 * mm), code]
    story += [
        Spacer(1, 1 * mm),
        Paragraph("Pague en la caja de la Tesorería municipal o en ventanilla bancaria con esta "
                  "referencia, a más tardar en la fecha límite.", st.body),
    ]
    return story
