"""A window whose audit chain fails its start-up check says so to those who answer for the
office's records (supervisor, admin), on the status bar, for as long as the window is open."""

from __future__ import annotations

from contextlib import closing

from pytestqt.qtbot import QtBot

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.states import Role
from tests.raw_store import raw_connect
from tests.ui.conftest import WindowFactory, settle
from ui.status_bar import AUDIT_ALTERED_STATE
from ui.tasks import TaskRunner

SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez (DEMO)", Role.SUPERVISOR)


def _cut_the_tail(ctx: AppContext) -> None:
    """What someone with the file and its key can do: drop the guard and delete the last rows."""
    with closing(raw_connect(ctx)) as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)")
        db.commit()


def test_a_cut_audit_chain_is_shown_to_the_supervisor_not_hidden(
        qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner) -> None:
    clean = make_window(user=SUPERVISOR)
    settle(qtbot, runner)
    assert not clean.status.audit_label.isVisible()

    _cut_the_tail(ctx)
    window = make_window(user=SUPERVISOR)
    settle(qtbot, runner)
    assert window.status.audit_label.isVisible()
    assert window.status.audit_label.text() == AUDIT_ALTERED_STATE
    assert window.status.audit_label.toolTip().startswith("Bitácora ALTERADA")
    assert "verify-audit" in window.status.audit_label.toolTip()


def test_the_operador_is_not_the_one_asked_to_check_the_audit(
        qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner) -> None:
    _cut_the_tail(ctx)
    window = make_window()
    settle(qtbot, runner)
    assert not window.status.audit_label.isVisible()
