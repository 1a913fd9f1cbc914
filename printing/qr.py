"""The verification QR as a flowable, sized to scan from paper and from a 150 dpi scan.

The matrix comes from `segno` (error correction M, kept at M; the smallest version that fits),
with a fixed data mask: every mask is valid and any reader undoes it, and choosing one spares the
encoder scoring all eight, which was most of the time of a document (issue 15). It is painted as
one filled path of rectangles, each a run of dark modules in a row, so a PDF carries a few hundred
vector rectangles instead of thousands of shapes.
"""

from __future__ import annotations

import itertools

import segno
from reportlab.lib import colors
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white margin a scanner needs around the code
MASK = 0  # ISO/IEC 18004 data mask pattern 000: (row + column) mod 2 == 0


def qr_matrix(value: str) -> list[list[bool]]:
    code = segno.make_qr(value, error="m", boost_error=False, mask=MASK)
    return [[bool(cell) for cell in row] for row in code.matrix]


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A square QR code `size` points wide, quiet zone included."""

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        self.value = value
        self.size = size
        self.width = self.height = size
        self.matrix = qr_matrix(value)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.matrix)
        module = self.size / (count + 2 * QUIET_ZONE)
        canvas = self.canv
        path = canvas.beginPath()
        for r, row in enumerate(self.matrix):
            y = self.size - (r + QUIET_ZONE + 1) * module
            c = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((c + QUIET_ZONE) * module, y, length * module, module)
                c += length
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()
