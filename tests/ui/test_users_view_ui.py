"""The administrator's Usuarios view (F7): the users this window knows, read-only, with the note
that platform users are managed on the platform; an operador or a supervisor is not offered it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel
from pytestqt.qtbot import QtBot

from desktop.access.auth import PlatformProfile, login
from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from ui.main_window import CATALOG, USERS_PAGE
from ui.tasks import TaskRunner
from ui.users_view import READ_ONLY_NOTE, UsersView

from .conftest import WindowFactory, settle
from .test_review_queue_ui import ADMIN
from .test_supervisor_ui import SUPERVISOR


def test_admin_sees_the_users_of_this_window_read_only(
    qtbot: QtBot, make_window: WindowFactory, ctx: AppContext, runner: TaskRunner,
) -> None:
    login(ctx, "lucia", "clave-de-lucia",
          platform=lambda u, p: PlatformProfile(u, "Lucía Morales", "supervisor"))
    window = make_window(user=ADMIN)
    assert window.page_entries[-1] == USERS_PAGE
    qtbot.keyClick(window, Qt.Key.Key_F7)
    view = window.users
    assert isinstance(view, UsersView) and window.pages.currentWidget() is view
    settle(qtbot, runner, lambda: view.loading)

    rows = {row[0]: row for row in view.rows()}
    lucia = rows["lucia"]
    assert lucia[1:3] == ("Lucía Morales", "Supervisor")
    assert lucia[3] != "Nunca"  # logged in here just now (dd/mm/aaaa hh:mm)
    assert lucia[4:] == ("Plataforma (solo lectura)", "Activo", "Guardada en este equipo")
    assert rows["operador"][2:] == ("Operador", rows["operador"][3], "Local (demostración)",
                                    "Activo", "Guardada en este equipo")
    assert rows["supervisor"][3] == "Nunca"
    assert view.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    note = view.findChild(QLabel, "usersNote")
    assert isinstance(note, QLabel) and note.isVisible() and note.text() == READ_ONLY_NOTE


@pytest.mark.parametrize("user", [None, SUPERVISOR])
def test_others_are_not_offered_the_users_view(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner, user: CurrentUser | None,
) -> None:
    window = make_window(user=user)
    assert window.users is None
    assert "Usuarios" not in [window.nav.item(i).text() for i in range(window.nav.count())]
    start = window.pages.currentIndex()
    qtbot.keyClick(window, Qt.Key.Key_F7)
    settle(qtbot, runner)
    assert window.pages.currentIndex() == start
    assert user is not None or start == CATALOG
    assert not window.findChildren(UsersView)
