"""A dialog whose confirm button runs one task off the GUI thread (through the TaskRunner).

While the task runs the button says what is happening, `busy` is set and Esc does not close the
dialog (what is being written must get its outcome). A refusal puts the button back and explains
itself in the dialog's message line; an unexpected error also opens the error dialog.

Subclasses make `confirm` (the button) and lay out `message` (`lay_out_form` stacks a simple
form over Volver and the confirm button); `FIT_HEIGHT` sizes a dialog with wrapped text to it
when shown and whenever the message changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.error_dialog import refusal_text
from ui.layout_parts import fit_height, message_label
from ui.tasks import Lane, TaskRunner


class TaskDialog(QDialog):
    FIT_HEIGHT = False
    confirm: QPushButton

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.busy = False
        self.message = message_label("formError")
        self._busy_text = self._idle_text = ""

    def lay_out_form(self, widgets: tuple[QWidget, ...], *, width: int) -> None:
        """The widgets one under another, then Volver (like Esc) and the confirm button."""
        self.back = QPushButton("Volver")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(8)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setFixedWidth(width)

    def run_confirmed(self, lane: Lane, task: Callable[[], Any],
                      on_done: Callable[[Any], None], busy_text: str) -> None:
        """Run `task()` on a worker of `lane`; `on_done(result)` on the GUI thread once it
        succeeded."""
        self._idle_text, self._busy_text = self.confirm.text(), busy_text
        self._set_busy(True)
        self._runner.run(lane, task, lambda result: self._done(on_done, result), self._refused,
                         owner=self)

    def locked_while_busy(self) -> tuple[QWidget, ...]:
        """What cannot be used while the task runs (the confirm button, at least)."""
        return (self.confirm,)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in self.locked_while_busy():
            widget.setEnabled(not busy)
        self.confirm.setText(self._busy_text if busy else self._idle_text)

    def _done(self, on_done: Callable[[Any], None], result: Any) -> None:
        self.busy = False
        on_done(result)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.show_message(refusal_text(self, exc))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        if self.FIT_HEIGHT:
            fit_height(self)

    def message_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.FIT_HEIGHT:
            fit_height(self)

    def reject(self) -> None:
        if not self.busy:  # the task is being written: wait for its outcome
            super().reject()
