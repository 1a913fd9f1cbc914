"""The application's look: a small QSS theme and a readable font stack."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

FONT_FAMILIES = ["Inter", "Segoe UI", "Noto Sans", "Cantarell", "DejaVu Sans"]


def stylesheet() -> str:
    """The QSS with its icon folder made absolute (QSS resolves relative urls from the CWD)."""
    icons = Path(str(resources.files("ui"))).as_posix()
    qss = resources.files("ui").joinpath("theme.qss").read_text(encoding="utf-8")
    return qss.replace("@ICONS@", icons)


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet())


def set_dynamic_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the stylesheet selects on, and make Qt re-read the style."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
