"""Turn a story of flowables into PDF bytes: letter pages, or one 80 mm ticket as long as needed."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from printing.blocks import DEMO_MARK
from printing.document_data import DocumentData
from printing.fonts import document_fonts
from printing.layouts import Layout
from printing.styles import MUTED

WATERMARK = colors.Color(0.70, 0.15, 0.12, alpha=0.13)
TICKET_WATERMARK = colors.Color(0, 0, 0, alpha=0.13)  # thermal paper: black, however faint
TICKET_SLACK = 6 * mm  # rounding room so the story never spills onto a second ticket page

PageCallback = Callable[[Canvas, BaseDocTemplate], None]


def build_pdf(story: list[Flowable], layout: Layout, data: DocumentData, title: str) -> bytes:
    buffer = BytesIO()
    top = 12 * mm if not layout.is_ticket else layout.margin
    bottom = 16 * mm if not layout.is_ticket else layout.margin
    if layout.is_ticket:
        height = _story_height(story, layout.frame_width) + top + bottom + TICKET_SLACK
        pagesize = (layout.page_width, height)
    else:
        pagesize = letter
    doc = BaseDocTemplate(
        buffer, pagesize=pagesize, leftMargin=layout.margin, rightMargin=layout.margin,
        topMargin=top, bottomMargin=bottom, title=f"{title} {data.folio}",
        author=f"H. Ayuntamiento de {data.municipio}", subject=data.folio,
        creator="Ventanilla",
    )
    # No frame padding: blocks are sized to layout.frame_width exactly.
    frame = Frame(layout.margin, bottom, layout.frame_width, pagesize[1] - top - bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=_decorate(layout, data),
                                       onPageEnd=_overlay(layout, data))])
    doc.build(story)
    return buffer.getvalue()


def _story_height(story: list[Flowable], width: float) -> float:
    total = 0.0
    previous_after = 0.0
    for flowable in story:
        _, h = flowable.wrap(width, 10_000 * mm)
        before = flowable.getSpaceBefore()
        total += h + max(before, previous_after) if total else h
        previous_after = flowable.getSpaceAfter()
    return total + previous_after


def _decorate(layout: Layout, data: DocumentData) -> PageCallback:
    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if not layout.is_ticket:
            canvas.saveState()
            _footer(canvas, layout, data, doc.page)
            canvas.restoreState()

    return on_page


def _overlay(layout: Layout, data: DocumentData) -> PageCallback:
    """Drawn after the content, so shaded boxes cannot hide the translucent demo watermark."""
    def on_page_end(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if data.demo:
            _watermark(canvas, layout, doc.pagesize)

    return on_page_end


def _watermark(canvas: Canvas, layout: Layout, pagesize: tuple[float, float]) -> None:
    width, height = pagesize
    canvas.saveState()
    size = 40 if not layout.is_ticket else 16
    canvas.setFillColor(TICKET_WATERMARK if layout.monochrome else WATERMARK)
    canvas.setFont(document_fonts().bold, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(50 if not layout.is_ticket else 75)
    canvas.drawCentredString(0, -size / 3, DEMO_MARK)
    canvas.restoreState()


def _footer(canvas: Canvas, layout: Layout, data: DocumentData, page: int) -> None:
    canvas.setFillColor(MUTED)
    canvas.setStrokeColor(MUTED)
    canvas.setFont(document_fonts().regular, 7)
    y = 10 * mm
    canvas.setLineWidth(0.3)
    canvas.line(layout.margin, y + 3.2 * mm, layout.page_width - layout.margin, y + 3.2 * mm)
    canvas.drawString(layout.margin, y, f"Folio {data.folio}")
    canvas.drawRightString(layout.page_width - layout.margin, y, f"Página {page}")
