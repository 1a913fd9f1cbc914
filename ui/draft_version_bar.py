"""The strip a borrador pinned to an older trámite version shows over its form: it says so, and
offers to move it to the version in force (desktop/capture/draft_move.py). Before moving, a
question lists every answer, requisito and anexo that will not carry over; "Pasar a la versión
vigente" moves it, anything else changes nothing. Unsaved answers must be saved first.

Signals:
    moved(str): the borrador's uuid, now on the version in force (reopen it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from desktop.access.permissions import CurrentUser
from desktop.capture.draft_move import DraftMovePlan, move_draft, plan_move
from desktop.context import AppContext
from ui.error_dialog import show_error
from ui.tasks import Lane, TaskRunner

SAVE_FIRST = ("Guarde el borrador (Ctrl+B) antes de pasarlo a la versión vigente: el cambio "
              "parte de lo guardado.")


def plan_text(plan: DraftMovePlan) -> str:
    """What the operador reads before moving: what stays behind, or that nothing does."""
    lines = [f"El borrador pasará de la versión {plan.from_version} a la versión "
             f"{plan.to_version} de «{plan.nombre}». Los cobros se calcularán con las reglas y "
             "la UMA de la versión vigente."]
    if plan.loses_nothing:
        lines.append("Todos los datos capturados se conservan.")
    if plan.dropped:
        lines.append("Estos datos no se conservan:")
        lines += [f"• {d.etiqueta}: «{d.value}» ({d.reason})" for d in plan.dropped]
    if plan.requisitos_dropped:
        lines.append("Requisitos que ya no se piden: " + ", ".join(plan.requisitos_dropped))
    if plan.anexos_dropped:
        lines.append("Anexos que ya no se piden: " + ", ".join(plan.anexos_dropped))
    return "\n".join(lines)


class DraftVersionBar(QFrame):
    moved = Signal(str)

    def __init__(self, current: int, newer: int, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, draft_state: Callable[[], tuple[str | None, bool]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._user, self._runner, self._state = ctx, user, runner, draft_state
        self.setObjectName("draftVersionBar")
        self.question: QMessageBox | None = None
        text = QLabel(f"Este borrador usa la versión {current} del trámite; la versión vigente "
                      f"es la {newer}.")
        text.setWordWrap(True)
        self.button = QPushButton("Pasar a la versión vigente…")
        self.button.setObjectName("moveDraft")
        self.button.clicked.connect(self.ask)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(text, 1)
        layout.addWidget(self.button)

    def ask(self) -> None:
        uuid, dirty = self._state()
        if uuid is None or dirty:
            show_error(self.window(), SAVE_FIRST, title="Borrador sin guardar")
            return
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: plan_move(ctx, user, uuid), self._confirm,
                         owner=self)

    def _confirm(self, plan: DraftMovePlan) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Pasar a la versión vigente",
                          plan_text(plan), QMessageBox.StandardButton.NoButton, self.window())
        box.setObjectName("moveDraftQuestion")
        move = box.addButton("Pasar a la versión vigente", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Volver", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _r: self._answered(box.clickedButton() is move, plan))
        self.question = box
        box.open()

    def _answered(self, move: bool, plan: DraftMovePlan) -> None:
        self.question = None
        if not move:
            return
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: move_draft(ctx, user, plan),
                         lambda done: self.moved.emit(done.uuid), owner=self)
