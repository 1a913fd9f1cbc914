"""The verification QR as a flowable, sized to scan from paper and from a 150 dpi scan.

The matrix comes from reportlab's QR encoder (error correction M, best mask); it is painted as one
filled path of row runs, which is several times faster than reportlab's QrCodeWidget shapes.
"""

from __future__ import annotations

import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white margin a scanner needs around the code


def qr_matrix(value: str) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    return [[bool(cell) for cell in row] for row in code.modules]


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
