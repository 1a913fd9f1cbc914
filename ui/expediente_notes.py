"""What an expediente's detail must not hide, for every role: that it was back-captured from a
paper archive (the paper's folio and date), what the review or the platform
decided (validado, devuelto with what to correct, rechazado, resuelto: who, when, the note and the
official folio), that the folio is cancelled (the reason, who and when) and what the platform
refused of it (with the platform's reason), so the supervisor reviewing the queue knows what to
fix.

`ExpedienteNotes` reads the expediente's standing off the GUI thread and shows one boxed note
for each; it stays hidden when there is nothing to say.

Signals:
    loaded(object): the ExpedienteStanding just shown.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.records.standing import Cancellation, ExpedienteStanding, Rejection, StatusRecord
from desktop.states import status_label
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


NOTE_CAPTIONS = {"devuelto": "Qué corregir", "rechazado": "Motivo"}


def _when(at: datetime) -> str:
    return f"el {format_date(at)} a las {format_time(at)}"


def describe_decision(record: StatusRecord) -> str:
    """«Devuelto por Jorge Ruiz el 3 de marzo de 2026 a las 10:12.» and the note, for every
    role; a platform decision says so and when this window learned of it."""
    label = status_label(record.status)
    if record.by:
        head = f"{label} por {record.by}" + (f" {_when(record.at)}." if record.at else ".")
    else:
        head = f"{label} por la plataforma" + (
            f" (recibido en este equipo {_when(record.at)})." if record.at else ".")
    lines = [head]
    if record.note:
        lines.append(f"{NOTE_CAPTIONS.get(record.status, 'Nota')}: {record.note}")
    if record.official_folio:
        lines.append(f"Folio oficial: {record.official_folio}")
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
        self.archivo = _note("archivoNote")
        self.decision = _note("decisionNote")
        self.cancelled = _note("cancelledNote")
        self.rejected = _note("rejectedNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 18, 28, 0)
        layout.setSpacing(8)
        layout.addWidget(self.archivo)
        layout.addWidget(self.decision)
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
        for label, text in ((self.archivo, standing.archivo or ""),
                            (self.decision, describe_decision(standing.decision)
                             if standing.decision else ""),
                            (self.cancelled, describe_cancellation(cancellation) if cancellation
                             else ""),
                            (self.rejected, describe_rejections(standing.rejections)
                             if standing.rejected else "")):
            label.setText(text)
            label.setVisible(bool(text))
        self.setVisible(standing.decision is not None or standing.cancellation is not None
                        or standing.rejected or standing.archivo is not None)
        self.loaded.emit(standing)
