"""The supervisor's queues over the expedientes list: by status and by where each one stands
with the platform (pending, rejected, confirmed). Filtering itself happens in SQL.

Keys: Alt+S opens the status list, Alt+V the envío list.

Signals:
    filters_changed(object, object): the status and the sync queue chosen (None: any).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from desktop.states import ENVIO_QUEUE_LABELS, STATUS_QUEUE_LABELS

# (label, value): the value is the stored state as a plain string, "" for any.
STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    ("Todos los estados", ""),
    *((label, status.value) for status, label in STATUS_QUEUE_LABELS.items()),
)
SYNC_CHOICES: tuple[tuple[str, str], ...] = (
    ("Todos los envíos", ""),
    *((label, state.value) for state, label in ENVIO_QUEUE_LABELS.items()),
)


def _combo(name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for label, value in choices:
        combo.addItem(label, value)
    return combo


class ExpedienteFilters(QWidget):
    filters_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_box = _combo("statusFilter", STATUS_CHOICES)
        self.sync_box = _combo("syncFilter", SYNC_CHOICES)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for caption, box in (("E&stado", self.status_box), ("En&vío", self.sync_box)):
            label = QLabel(caption)
            label.setBuddy(box)
            layout.addWidget(label)
            layout.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self._emit())

    def status(self) -> str | None:
        return str(self.status_box.currentData()) or None

    def sync_state(self) -> str | None:
        return str(self.sync_box.currentData()) or None

    def choose(self, status: str | None = None, sync_state: str | None = None) -> None:
        """Select a queue as a user would (emits filters_changed once per list changed)."""
        self.status_box.setCurrentIndex(self.status_box.findData(str(status or "")))
        self.sync_box.setCurrentIndex(self.sync_box.findData(str(sync_state or "")))

    def _emit(self) -> None:
        self.filters_changed.emit(self.status(), self.sync_state())
