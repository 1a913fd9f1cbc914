"""One line of text that shrinks to fit its column instead of wrapping: a folio or an amount must
be read whole at a glance, never split as "…-00000 / 1" or "$1,234,567. / 89"."""

from __future__ import annotations

from typing import Literal

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

LEADING = 1.2  # line height as a multiple of the font size
Align = Literal["left", "center", "right"]


class FittedLine(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """`text` in `font` at `max_size` points, or smaller so that it fits the available width."""

    def __init__(self, text: str, font: str, max_size: float, color: Color, *,
                 align: Align = "left", leading: float = LEADING) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.max_size = max_size
        self.color = color
        self.align = align
        self.leading = leading
        self.size = max_size
        self.width = self.height = 0.0

    def fitted_size(self, width: float) -> float:
        natural = float(stringWidth(self.text, self.font, self.max_size))
        if natural <= width or natural == 0:
            return self.max_size
        return self.max_size * width / natural * 0.995  # a hair of room against rounding

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.size = self.fitted_size(availWidth)
        self.width, self.height = availWidth, self.size * self.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(self.color)
        canvas.setFont(self.font, self.size)
        baseline = self.height - self.size  # where a one-line Paragraph puts it
        if self.align == "center":
            canvas.drawCentredString(self.width / 2, baseline, self.text)
        elif self.align == "right":
            canvas.drawRightString(self.width, baseline, self.text)
        else:
            canvas.drawString(0, baseline, self.text)
