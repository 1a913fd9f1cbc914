"""What an expediente's detail must not hide, for every role: that the folio is cancelled (the
reason, who and when) and what the platform refused of it (with the platform's reason), so the
supervisor reviewing the queue knows what to fix.

`ExpedienteNotes` reads the expediente's standing off the GUI thread and shows one boxed note
for each; it stays hidden when there is nothing to say.

Signals:
    loaded(object): the ExpedienteStanding just shown.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.records.standing import Cancellation, ExpedienteStanding, Rejection
from formatting import format_date, format_time
from ui.operations import standing_of
from ui.tasks import Lane, TaskRunner

log = logging.getLogger(__name__)

CANCELLED_TEXT = "Este folio está cancelado."
REJECTED_TEXT = "La plataforma rechazó el envío de este expediente."
# What each outbox mutation is, as the supervisor knows it.
MUTATION_LABELS = {"expediente.create": "Alta del expediente", "expediente.void": "Cancelación",
                   "expediente.payment": "Pago"}


def describe_cancellation(cancellation: Cancellation) -> str:
    lines = [CANCELLED_TEXT]
    if cancellation.at:
        when = f"el {format_date(cancellation.at)} a las {format_time(cancellation.at)}"
        by = cancellation.by
        lines.append(f"Lo canceló {by} {when}." if by else f"Cancelado {when}.")
    reason = cancellation.reason
    lines.append(f"Motivo: {reason}" if reason else "Motivo: no se registró.")
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else "La plataforma no indicó el motivo."


def describe_rejections(rejections: tuple[Rejection, ...]) -> str:
    lines = [REJECTED_TEXT]
    if len(rejections) == 1 and rejections[0].kind == "expediente.create":
        lines.append(f"Motivo: {_sentence(rejections[0].reason or '')}")
    else:
        lines += [f"{MUTATION_LABELS.get(r.kind, 'Cambio')}: {_sentence(r.reason or '')}"
                  for r in rejections]
    if not rejections:
        lines.append("La plataforma no indicó el motivo.")
    return "\n".join(lines)


def _note(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # reasons are free text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class ExpedienteNotes(QWidget):
    loaded = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._runner = ctx, runner
        self._seq = 0
        self.standing: ExpedienteStanding | None = None
        self.cancelled = _note("cancelledNote")
        self.rejected = _note("rejectedNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 0)
        layout.setSpacing(8)
        layout.addWidget(self.cancelled)
        layout.addWidget(self.rejected)
        self.hide()

    def load(self, folio: str) -> None:
        self._seq += 1
        seq, ctx = self._seq, self._ctx
        self._runner.run(Lane.LOCAL, lambda: standing_of(ctx, folio), lambda s: self._show(seq, s),
                         self._failed, owner=self)

    @staticmethod
    def _failed(exc: BaseException) -> None:
        # The documents and actions still work; only these notes are missing.
        log.warning("could not read the standing of an expediente: %s", exc)

    def _show(self, seq: int, standing: ExpedienteStanding) -> None:
        if seq != self._seq:
            return
        self.standing = standing
        cancellation = standing.cancellation
        for label, text in ((self.cancelled, describe_cancellation(cancellation) if cancellation
                             else ""),
                            (self.rejected, describe_rejections(standing.rejections)
                             if standing.rejected else "")):
            label.setText(text)
            label.setVisible(bool(text))
        self.setVisible(standing.cancellation is not None or standing.rejected)
        self.loaded.emit(standing)
