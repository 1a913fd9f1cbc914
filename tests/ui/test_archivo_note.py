"""A back-captured expediente says so in its detail: "Captura de archivo — folio original X del
dd/mm/aaaa", the paper it came from (import-archivo)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.access.permissions import CurrentUser
from desktop.capture.archivo_import import import_archivo
from desktop.context import AppContext
from localdb.states import Role
from tests.archivo_lines import TRAMITE, csv_row, csv_text, paper_date, paper_folio
from ui.expediente_notes import ExpedienteNotes
from ui.tasks import TaskRunner

SUPERVISOR = CurrentUser("supervisor", "Supervisor", Role.SUPERVISOR)


def test_the_detail_names_the_paper_of_a_back_capture(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, tmp_path: Path,
) -> None:
    path = tmp_path / "archivo.csv"
    path.write_text(csv_text([csv_row(7)]), encoding="utf-8")
    [folio] = import_archivo(ctx, SUPERVISOR, path, TRAMITE, today=date(2026, 11, 30)).folios
    notes = ExpedienteNotes(ctx, runner)
    qtbot.addWidget(notes)
    notes.show()
    with qtbot.waitSignal(notes.loaded, timeout=15_000):
        notes.load(folio)
    assert notes.isVisible() and notes.archivo.isVisible()
    assert notes.archivo.text() == (f"Captura de archivo — folio original {paper_folio(7)} del "
                                    f"{paper_date(7):%d/%m/%Y}")
    assert not notes.cancelled.isVisible() and not notes.decision.isVisible()
