"""Paragraph styles of a document, derived from the layout's type scale and the document fonts."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from printing.fonts import document_fonts
from printing.layouts import Layout

INK = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5b6472")
BAND = colors.HexColor("#6d1a36")  # guinda, the usual colour of Mexican municipal letterheads
BAND_TEXT = colors.white
RULE = colors.HexColor("#c9ced6")
SHADE = colors.HexColor("#f1f2f4")
ALERT = colors.HexColor("#b3261e")
OK = colors.HexColor("#1e6b3a")
BLACK = colors.black


@dataclass(frozen=True)
class Palette:
    """The colours a layout draws with; on the ticket all black (thermal paper has no greys)."""
    ink: colors.Color
    muted: colors.Color
    band: colors.Color
    rule: colors.Color
    shade: colors.Color | None  # None: no shaded backgrounds
    alert: colors.Color


CARTA_PALETTE = Palette(ink=INK, muted=MUTED, band=BAND, rule=RULE, shade=SHADE, alert=ALERT)
TICKET_PALETTE = Palette(ink=BLACK, muted=BLACK, band=BLACK, rule=BLACK, shade=None, alert=BLACK)


def palette_for(layout: Layout) -> Palette:
    return TICKET_PALETTE if layout.monochrome else CARTA_PALETTE


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_bold: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    section: ParagraphStyle
    folio: ParagraphStyle
    title: ParagraphStyle
    band_title: ParagraphStyle
    band_sub: ParagraphStyle
    mark: ParagraphStyle
    right: ParagraphStyle
    right_bold: ParagraphStyle
    center: ParagraphStyle
    palette: Palette


def build_styles(layout: Layout) -> Styles:
    fonts = document_fonts()
    size = layout.body_size
    pal = palette_for(layout)

    def sized(points: float) -> float:
        return max(points, layout.min_text_size)
    centered = TA_CENTER if layout.is_ticket else TA_LEFT

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {"fontName": fonts.regular, "fontSize": size,
                                   "leading": size * 1.3, "textColor": pal.ink}
        base.update(kw)
        return ParagraphStyle(name, **base)

    return Styles(
        body=style("body"),
        body_bold=style("body_bold", fontName=fonts.bold),
        small=style("small", fontSize=sized(size - 1.5), leading=sized(size - 1.5) * 1.3,
                    textColor=pal.muted),
        label=style("label", fontSize=sized(size - 2), leading=sized(size - 2) * 1.25,
                    textColor=pal.muted),
        section=style("section", fontName=fonts.bold, fontSize=size + 0.5, spaceBefore=size,
                      spaceAfter=size * 0.35, textColor=pal.band),
        folio=style("folio", fontName=fonts.bold, fontSize=layout.folio_size,
                    leading=layout.folio_size * 1.2, alignment=centered),
        title=style("title", fontName=fonts.bold, fontSize=size + 3, leading=(size + 3) * 1.25,
                    alignment=TA_CENTER),
        band_title=style("band_title", fontName=fonts.bold, fontSize=size + 4,
                         leading=(size + 4) * 1.2, textColor=BAND_TEXT),
        band_sub=style("band_sub", fontSize=size, leading=size * 1.3, textColor=BAND_TEXT),
        mark=style("mark", fontName=fonts.bold, fontSize=size + 1, leading=(size + 1) * 1.3,
                   alignment=TA_CENTER, textColor=pal.alert),
        right=style("right", alignment=TA_RIGHT),
        right_bold=style("right_bold", fontName=fonts.bold, alignment=TA_RIGHT),
        center=style("center", alignment=TA_CENTER),
        palette=pal,
    )
