"""A font with every Spanish glyph: DejaVu Sans if installed, else Helvetica (Latin-1 accents)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str


def _find(filename: str) -> Path | None:
    for folder in DEJAVU_DIRS:
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    return None


@cache
def document_fonts() -> FontSet:
    """Register DejaVu Sans (regular and bold) once; fall back to the built-in Helvetica."""
    regular, bold = _find("DejaVuSans.ttf"), _find("DejaVuSans-Bold.ttf")
    if regular is None or bold is None:
        return FontSet("Helvetica", "Helvetica-Bold")
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
                                  italic="DejaVuSans", boldItalic="DejaVuSans-Bold")
    return FontSet("DejaVuSans", "DejaVuSans-Bold")
