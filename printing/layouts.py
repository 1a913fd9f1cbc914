"""Page geometry and type scale of the two layouts: letter paper and 80 mm thermal ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm

LayoutName = Literal["carta", "ticket"]


@dataclass(frozen=True)
class Layout:
    name: LayoutName
    page_width: float
    margin: float
    body_size: float
    folio_size: float
    qr_size: float
    # Thermal paper: no text smaller than this, every mark black (it prints no greys).
    min_text_size: float = 0.0

    @property
    def frame_width(self) -> float:
        return self.page_width - 2 * self.margin

    @property
    def is_ticket(self) -> bool:
        return self.name == "ticket"

    @property
    def monochrome(self) -> bool:
        return self.is_ticket


CARTA = Layout("carta", letter[0], 16 * mm, 9.5, 22, 38 * mm)
# 80 mm paper prints about 72 mm; the page grows with the content.
TICKET = Layout("ticket", 80 * mm, 4 * mm, 8, 15, 44 * mm, min_text_size=7)

LAYOUTS: dict[str, Layout] = {"carta": CARTA, "ticket": TICKET}


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        raise ValueError(f"unknown layout {name!r}; expected carta or ticket") from None
