"""Small building blocks the screens share: cards with a title, page headers, message lines,
dialog height."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def card(title: str | None, body: QWidget | QLayout, *, name: str = "card") -> QFrame:
    """A white rounded panel with an optional section title."""
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 16, 20, 20)
    layout.setSpacing(12)
    if title:
        heading = QLabel(title)
        heading.setObjectName("sectionTitle")
        layout.addWidget(heading)
    if isinstance(body, QLayout):
        layout.addLayout(body)
    else:
        layout.addWidget(body)
    return frame


def page_header(title: str, subtitle: str = "") -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setSpacing(2)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    heading.setWordWrap(True)
    layout.addWidget(heading)
    if subtitle:
        sub = QLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        sub.setWordWrap(True)
        layout.addWidget(sub)
    return layout


def style_table(table: QTableView, *, selectable: bool = True) -> None:
    """The look every list shares: whole-row selection, no grid, left-aligned headings."""
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.horizontalHeader().setHighlightSections(False)
    if selectable:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    else:
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)


def message_label(name: str) -> QLabel:
    """A form's inline message line (wrapped, hidden until there is something to say)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label


def fit_height(widget: QWidget) -> None:
    """Make a fixed-width window as tall as its wrapped text needs (Qt sizes top-level windows
    from size hints, which guess the width wrapped labels will get)."""
    layout = widget.layout()
    if layout is not None:
        layout.activate()
        widget.resize(widget.width(), layout.totalHeightForWidth(widget.width()))
