"""The verification QR as a reportlab Drawing, sized to scan from paper and from a 150 dpi scan."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_drawing(url: str, size: float) -> Drawing:
    """A square Drawing `size` points wide encoding `url`: error correction M, 4-module margin."""
    widget = QrCodeWidget(url, barLevel="M", barBorder=4, barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing
