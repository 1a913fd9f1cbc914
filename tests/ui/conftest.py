"""UI test fixtures: offscreen Qt, a fresh demo office per test, the real main window.

The demo office is bootstrapped once per session (argon2 hashing of the demo users takes a
second) and its folder copied for every test, so each test still owns its own SQLite file.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser
from desktop.context import AppContext, open_context
from desktop.office import OfficeInfo, office_info
from sync.engine import SyncEngine
from tests.demo_office import open_demo_office
from tests.ipp_printer import find_ippeveprinter
from tests.sync.central_server import CentralServer, central_db_url
from tests.sync.machines import OPERADOR, enrolled_context
from tests.ui.gui_thread_guard import gui_thread_guard  # noqa: F401  (autouse)
from ui.idle_lock import DEFAULT_IDLE_MS
from ui.main_window import MainWindow
from ui.sync_bridge import SyncBridge
from ui.tasks import TaskRunner
from ui.theme import apply_theme

TRAMITE = "Constancia de no adeudo del impuesto predial"
GOOD_CURP = "GODE561231HSRRRN00"
BAD_CURP = "GODE561231HSRRRN01"  # wrong check digit
ANSWERS = {"nombre": "Daniela Gómez Encinas", "telefono": "6621234567",
           "domicilio": "Blvd. Kino 315, Col. Pitic", "cp": "83150",
           "clave_catastral": "12-345-678"}
IPPEVEPRINTER = find_ippeveprinter()
Test = TypeVar("Test", bound=Callable[..., None])


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CurrentUser]:
    folder = tmp_path_factory.mktemp("plantilla") / "datos"
    ctx = open_demo_office(folder)
    user = login(ctx, "operador", "operador123")
    ctx.close()
    return folder, user


@pytest.fixture(autouse=True)
def themed(qapp: QApplication) -> None:
    apply_theme(qapp)


@pytest.fixture
def ctx(tmp_path: Path, template_dir: tuple[Path, CurrentUser]) -> Iterator[AppContext]:
    folder = tmp_path / "datos"
    shutil.copytree(template_dir[0], folder)
    context = open_context(folder)
    yield context
    context.close()


@pytest.fixture
def operador(template_dir: tuple[Path, CurrentUser]) -> CurrentUser:
    """The demo operador as login() returned it (logging in costs an argon2 check)."""
    return template_dir[1]


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.wait_for_done()
    QApplication.processEvents()


@pytest.fixture
def office(ctx: AppContext) -> OfficeInfo:
    with ctx.write() as session:
        return office_info(session)


def settle(qtbot: QtBot, runner: TaskRunner, *pending: Callable[[], bool],
           timeout_ms: int = 10_000) -> None:
    """Wait until every task delivered its result and no `pending()` (e.g. a view's search
    debounce) is still on its way. Conditions, never fixed sleeps: a busy machine only makes
    the wait longer, not the test flaky."""
    qtbot.waitUntil(lambda: runner.is_idle() and not any(p() for p in pending),
                    timeout=timeout_ms)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, ctx: AppContext, operador: CurrentUser, office: OfficeInfo,
                runner: TaskRunner) -> Iterator[WindowFactory]:
    made: list[MainWindow] = []

    def make(idle_ms: int = DEFAULT_IDLE_MS, user: CurrentUser | None = None) -> MainWindow:
        bridge = SyncBridge()
        window = MainWindow(ctx, user or operador, office, runner, idle_ms=idle_ms,
                            sync_engine=SyncEngine(ctx, bridge), sync_bridge=bridge)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        settle(qtbot, runner)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.capture.capture is not None:
            window.capture.capture.dirty = False
    settle(qtbot, runner)


@pytest.fixture
def sample_png(tmp_path: Path) -> Path:
    path = tmp_path / "identificacion.png"
    image = QImage(300, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#EEE8DD"))
    image.save(str(path))
    return path


def needs_printer(test: Test) -> Test:
    """Marks a test `printer` and skips it where ippeveprinter (cups-ipp-utils) is missing."""
    skip = pytest.mark.skipif(IPPEVEPRINTER is None,
                              reason="ippeveprinter (cups-ipp-utils) missing")
    marked: Test = pytest.mark.printer(skip(test))
    return marked


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralServer]:
    with central_db_url("sqlite", tmp_path / "central") as url:
        server = CentralServer(url).start()
        yield server
        server.close()


@pytest.fixture
def enrolled(tmp_path: Path, central: CentralServer) -> Iterator[AppContext]:
    """An office enrolled with the real central platform on loopback (ventanilla V01)."""
    ctx = enrolled_context(tmp_path / "v01", central, "V01")
    yield ctx
    ctx.close()


@pytest.fixture
def enrolled_window(qtbot: QtBot, enrolled: AppContext,
                    runner: TaskRunner) -> Iterator[MainWindow]:
    """The main window of the enrolled office, the operador logged in, syncing with central."""
    bridge = SyncBridge()
    engine = SyncEngine(enrolled, bridge)
    with enrolled.read() as session:
        office = office_info(session)
    made = MainWindow(enrolled, OPERADOR, office, runner, sync_engine=engine, sync_bridge=bridge)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    settle(qtbot, runner)
    yield made
    settle(qtbot, runner)
