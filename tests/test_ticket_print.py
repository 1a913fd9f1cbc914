"""Thermal paper: the ticket's text is at least 7 pt and everything is drawn in black.

Read from the PDF content streams themselves: every `Tf` operator's size, and every fill colour
operator (`rg`, `g`, `k`, `sc`, `scn`) — a grey or a colour prints faint or not at all on a ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from printing.acuse import render_acuse
from printing.document_data import DocumentData
from printing.layouts import LAYOUTS, TICKET, get_layout
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data
from printing.styles import build_styles

MIN_TICKET_POINTS = 7.0
FILL_OPERATORS = {b"rg", b"g", b"k", b"sc", b"scn"}
TICKET_LAYOUTS = [name for name, layout in LAYOUTS.items() if layout.is_ticket]
Render = Callable[[DocumentData, str], bytes]


def _operations(pdf: bytes) -> list[tuple[bytes, list[float]]]:
    reader = PdfReader(BytesIO(pdf))
    ops: list[tuple[bytes, list[float]]] = []
    for page in reader.pages:
        stream = ContentStream(page.get_contents(), reader)
        for operands, operator in stream.operations:
            numbers = [float(o) for o in operands if isinstance(o, (int, float))]
            ops.append((bytes(operator), numbers))
    return ops


def _is_black(operator: bytes, values: list[float]) -> bool:
    if operator == b"k":
        return values[:3] == [0, 0, 0] and values[3] == 1
    return all(value == 0 for value in values)


def _documents() -> list[tuple[str, DocumentData]]:
    plain = sample_document_data(demo=False)
    return [
        ("plain", plain),
        ("paid", sample_document_data(demo=False, payment_method="efectivo")),
        ("marked", sample_document_data(demo=True, reprint_number=1,
                                        cancelled_reason="Captura duplicada",
                                        cancelled_label="Cancelado")),
    ]


@pytest.mark.parametrize("layout", TICKET_LAYOUTS)
@pytest.mark.parametrize("render", [render_acuse, render_recibo])
def test_ticket_text_is_at_least_7_points_and_black(layout: str, render: Render) -> None:
    for name, data in _documents():
        ops = _operations(render(data, layout))
        sizes = [values[-1] for op, values in ops if op == b"Tf"]
        assert sizes and min(sizes) >= MIN_TICKET_POINTS, (name, sorted(set(sizes)))
        fills = [(op, values) for op, values in ops if op in FILL_OPERATORS]
        assert fills, name
        assert all(_is_black(op, values) for op, values in fills), (name, fills)


def test_ticket_styles_respect_the_floor_and_carta_keeps_its_colours() -> None:
    ticket = build_styles(TICKET)
    for style in vars(ticket).values():
        if hasattr(style, "fontSize"):
            assert style.fontSize >= MIN_TICKET_POINTS, style.name
    carta = build_styles(get_layout("carta"))
    assert carta.palette.muted != ticket.palette.muted
