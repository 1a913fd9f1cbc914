"""The supervisor's review queue, driven by keyboard: it opens first at a supervisor's login with
the office's expedientes (this window's and two other windows') and their counts per state; the
strip and the filters (Tab, arrows, dates typed dd/mm/aaaa) narrow it; Enter opens the detail;
Ctrl+Shift+V and Ctrl+Shift+D validate and devuelven the highlighted row. An administrator
reaches it with F6; an operador is never offered it (and the service refuses them)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.office import OfficeInfo
from desktop.records.review_queue import QueueCounts, read_queue_counts
from localdb.models import Expediente
from sync.engine import SyncEngine
from tests.sync.machines import capture_many
from tests.test_review_queue import PULLED, _pull
from ui.expediente_dialog import ExpedienteDialog
from ui.main_window import CATALOG, REVIEW_PAGE, MainWindow
from ui.review_dialog import ReturnDialog
from ui.review_queue_view import ReviewQueueView
from ui.sync_bridge import SyncBridge
from ui.tasks import TaskRunner

from .conftest import WindowFactory, settle
from .driving import type_text
from .test_review_notes import NOTE
from .test_supervisor_ui import SUPERVISOR

ADMIN = CurrentUser("admin", "Administrador (DEMO)", Role.ADMIN)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
STATUS_COLUMN = 6


@pytest.fixture
def office_rows(ctx: AppContext) -> list[str]:
    """Three expedientes captured here (V01, today) and five pulled from V02 and V03."""
    uuids = capture_many(ctx, 3)
    with ctx.write() as s:
        template = s.get_one(Expediente, uuids[0])
        for row in PULLED:
            _pull(s, template, *row)
        return [s.get_one(Expediente, uuid).folio for uuid in uuids]


def _queue(qtbot: QtBot, window: MainWindow, runner: TaskRunner) -> ReviewQueueView:
    queue = window.review_queue
    assert queue is not None
    settle(qtbot, runner, lambda: queue.loading)
    return queue


def _shown(queue: ReviewQueueView) -> dict[str, str]:
    """Folio -> Estado as the table shows them, in order."""
    model = queue.model
    return {model.row_at(r).folio: model.index(r, STATUS_COLUMN).data()
            for r in range(model.rowCount())}


def _wait_shown(qtbot: QtBot, runner: TaskRunner, queue: ReviewQueueView) -> dict[str, str]:
    settle(qtbot, runner, lambda: queue.loading)
    return _shown(queue)


def _choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Move through a closed list with the arrow keys until `text` is chosen."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not offered")


def _type_date(qtbot: QtBot, box: QLineEdit, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    type_text(qtbot, box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_supervisor_starts_at_the_queue_with_counts_and_filters_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner, office_rows: list[str],
) -> None:
    window = make_window(user=SUPERVISOR)
    queue = _queue(qtbot, window, runner)
    assert window.pages.currentWidget() is queue  # a supervisor's home
    assert window.page_entries[-1] == REVIEW_PAGE
    assert queue.table.hasFocus() and queue.table.currentIndex().row() == 0
    shown = _shown(queue)
    assert set(shown) == {*office_rows, *(folio for folio, *_ in PULLED)}
    assert queue.strip.text() == ("Todos 8 · Por revisar 5 · Devueltos 1 · Validados 1 · "
                                  "Rechazados 0 · Resueltos 0 · Cancelados 1")
    assert queue.count_label.text() == "8 expedientes"

    # The strip: Tab reaches it; Space on "Devueltos" filters.
    devueltos = queue.strip.buttons["devuelto"]
    devueltos.setFocus()
    qtbot.keyClick(devueltos, Qt.Key.Key_Space)
    assert _wait_shown(qtbot, runner, queue) == {"HMO-V02-2026-000001": "Devuelto"}
    assert queue.filters.state_box.currentText() == "Devueltos"
    assert queue.count_label.text() == "1 expediente"

    # Back to every state; then ventanilla and operador with the arrows, dates typed.
    qtbot.keyClick(queue.strip.buttons[None], Qt.Key.Key_Space)
    assert len(_wait_shown(qtbot, runner, queue)) == 8
    _choose(qtbot, queue.filters.ventanilla_box, "V02")
    assert set(_wait_shown(qtbot, runner, queue)) == {
        "HMO-V02-2026-000001", "HMO-V02-2026-000002", "HMO-V02-2026-000003"}
    _choose(qtbot, queue.filters.dependencia_box, "Desarrollo Urbano y Ecología")
    assert set(_wait_shown(qtbot, runner, queue)) == {
        "HMO-V02-2026-000001", "HMO-V02-2026-000002"}
    _type_date(qtbot, queue.filters.desde_box, "11/03/2026")
    assert _wait_shown(qtbot, runner, queue) == {"HMO-V02-2026-000002": "Validado"}
    assert queue.strip.text().startswith("Todos 1 · Por revisar 0 · Devueltos 0 · Validados 1")

    _type_date(qtbot, queue.filters.hasta_box, "31/02/2026")  # no such date
    assert queue.message.isVisible()
    assert queue.message.text() == ("«31/02/2026» no es una fecha válida: escríbala como "
                                    "dd/mm/aaaa (por ejemplo 05/01/2027).")
    assert _shown(queue) == {"HMO-V02-2026-000002": "Validado"}  # unchanged

    _type_date(qtbot, queue.filters.hasta_box, "")
    _type_date(qtbot, queue.filters.desde_box, "")
    _choose(qtbot, queue.filters.dependencia_box, "Todas")
    _choose(qtbot, queue.filters.ventanilla_box, "Todas")
    _choose(qtbot, queue.filters.operador_box, "pedro")
    assert set(_wait_shown(qtbot, runner, queue)) == {
        "HMO-V03-2026-000001", "HMO-V03-2026-000002"}
    assert not queue.message.isVisible()


def test_supervisor_opens_validates_and_returns_from_the_queue(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
    office_rows: list[str],
) -> None:
    window = make_window(user=SUPERVISOR)
    queue = _queue(qtbot, window, runner)
    _choose(qtbot, queue.filters.ventanilla_box, "V01")  # this window's own captures
    assert set(_wait_shown(qtbot, runner, queue)) == set(office_rows)
    table = queue.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the second row
    second = queue.model.row_at(1).folio

    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter opens the detail
    settle(qtbot, runner)
    [detail] = [d for d in window.findChildren(ExpedienteDialog) if d.isVisible()]
    assert detail.folio == second
    detail.reject()
    qtbot.waitUntil(lambda: not detail.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts act in the active window
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_V, CTRL_SHIFT)  # Validar the highlighted row
    assert _wait_shown(qtbot, runner, queue)[second] == "Validado"
    assert queue.notice.text() == f"Folio {second} validado."
    assert queue.table.currentIndex().row() == 1  # still on the same row
    assert "Validados 1" in queue.strip.text()

    qtbot.keyClick(table, Qt.Key.Key_Up)
    first = queue.model.row_at(0).folio
    qtbot.keyClick(table, Qt.Key.Key_D, CTRL_SHIFT)  # Devolver…
    dialog = window.findChild(ReturnDialog)
    assert isinstance(dialog, ReturnDialog) and dialog.folio == first
    qtbot.waitUntil(dialog.note.hasFocus)
    type_text(qtbot, dialog.note, NOTE)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(window.isActiveWindow)
    assert _wait_shown(qtbot, runner, queue)[first] == "Devuelto"
    assert "Devueltos 1" in queue.strip.text()
    with ctx.read() as s:
        rows = {row.folio: (row.status, row.status_note, row.status_by)
                for row in s.scalars(select(Expediente).where(Expediente.folio.in_(office_rows)))}
    assert rows[first] == ("devuelto", NOTE, SUPERVISOR.username)
    assert rows[second] == ("validado", None, SUPERVISOR.username)

    # A folio no review can move is refused on the queue, in Spanish.
    _choose(qtbot, queue.filters.ventanilla_box, "Todas")
    _choose(qtbot, queue.filters.state_box, "Cancelados")
    assert _wait_shown(qtbot, runner, queue) == {"HMO-V03-2026-000002": "Cancelado"}
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_V, CTRL_SHIFT)
    qtbot.waitUntil(queue.message.isVisible)
    assert queue.message.text() == ("El folio HMO-V03-2026-000002 está cancelado; no se puede "
                                    "revisar.")


def test_rows_show_before_the_counts(
    qtbot: QtBot, ctx: AppContext, office: OfficeInfo, runner: TaskRunner,
    office_rows: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A count that takes its time (a worker held on an event) never holds the rows back."""
    release = threading.Event()
    counting = threading.Event()

    def slow_counts(*args: object) -> QueueCounts:
        counting.set()
        assert release.wait(30)
        return read_queue_counts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("ui.review_queue_view.read_queue_counts", slow_counts)
    bridge = SyncBridge()  # made here: the fixture's window waits for every task to finish
    window = MainWindow(ctx, SUPERVISOR, office, runner, sync_engine=SyncEngine(ctx, bridge),
                        sync_bridge=bridge)
    qtbot.addWidget(window)
    window.show()
    queue = window.review_queue
    assert queue is not None
    try:
        qtbot.waitUntil(lambda: queue.model.rowCount() == 8)  # the rows are in...
        qtbot.waitUntil(counting.is_set)
        assert queue.loading and queue.count_label.text() == ""  # ...the counts are not
        assert queue.strip.text().startswith("Todos · Por revisar · Devueltos")
    finally:
        release.set()
    settle(qtbot, runner, lambda: queue.loading)
    assert queue.count_label.text() == "8 expedientes"
    assert queue.strip.text().startswith("Todos 8 · Por revisar 5")


def test_an_administrator_reaches_the_queue_with_f6(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner, office_rows: list[str],
) -> None:
    window = make_window(user=ADMIN)
    assert window.pages.currentIndex() == CATALOG  # an administrator's home is the catálogo
    qtbot.keyClick(window, Qt.Key.Key_F6)
    queue = _queue(qtbot, window, runner)
    assert window.pages.currentWidget() is queue
    assert len(_shown(queue)) == 8


def test_an_operador_is_not_offered_the_queue(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner, office_rows: list[str],
) -> None:
    window = make_window()
    assert window.review_queue is None
    assert "Revisión" not in [window.nav.item(i).text() for i in range(window.nav.count())]
    qtbot.keyClick(window, Qt.Key.Key_F6)
    settle(qtbot, runner)
    assert window.pages.currentIndex() == CATALOG
    assert not [w for w in QApplication.allWidgets() if isinstance(w, ReviewQueueView)]
