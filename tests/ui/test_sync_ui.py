"""The window against the real central platform on loopback: a bundle published there reaches
the catálogo after a sync, and envíos the platform rejects show in the status bar."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.context import AppContext
from localdb.models import OutboxEntry
from sync.engine import SyncReport
from sync.observer import ConnectionState, SyncStatus
from tests.sync.central_server import CentralServer, publish_bundle
from tests.sync.machines import capture_many
from ui.main_window import EXPEDIENTES, MainWindow
from ui.status_bar import REJECTED_HINT
from ui.sync_bridge import status_from_report
from ui.tasks import TaskRunner
from wire.canonical import payload_sha256

from .conftest import settle
from .driving import search_catalog

NUEVO = "Trámite nuevo publicado"


@pytest.fixture
def window(enrolled_window: MainWindow) -> MainWindow:
    return enrolled_window


def _config_text(window: MainWindow) -> str:
    return window.status.config_label.text()


def test_a_bundle_applied_by_the_scheduled_sync_refreshes_the_catalogo(
    qtbot: QtBot, window: MainWindow, central: CentralServer, runner: TaskRunner,
) -> None:
    assert _config_text(window) == "Configuración v1"
    assert window.findChild(QLabel, "demoBanner") is None  # an enrolled office is not a demo
    search_catalog(qtbot, window, runner, "nuevo publicado")
    assert window.catalog.visible_tramites() == []

    publish_bundle(central.db, 2, extra_tramite="HMO-NUEVO-001")
    engine = window.sync._engine
    assert engine is not None
    job = threading.Thread(target=engine.run_once, name="sync-job")  # as the scheduler does
    job.start()
    job.join(timeout=30)
    qtbot.waitUntil(lambda: _config_text(window) == "Configuración v2", timeout=10_000)
    settle(qtbot, runner, window.catalog.search_pending)
    assert window.catalog.visible_tramites() == [NUEVO]
    assert window.status.sync_text().startswith("● Conectado")


def test_sincronizar_ahora_shows_rejected_envios(
    qtbot: QtBot, window: MainWindow, enrolled: AppContext, runner: TaskRunner,
) -> None:
    uuids = capture_many(enrolled, 2)
    with enrolled.write() as session:  # the platform will refuse this one: hash mismatch
        row = session.scalars(select(OutboxEntry)
                              .where(OutboxEntry.entity_uuid == uuids[0])).one()
        payload = json.loads(row.payload)
        payload["nombre"] = "Alterado Después"
        row.payload = json.dumps(payload)
        row.sha256 = payload_sha256(payload)
    window.sync.refresh()
    qtbot.waitUntil(lambda: "2 pendientes" in window.status.sync_text(), timeout=10_000)
    assert window.status.rejected_label.isHidden()

    qtbot.mouseClick(window.status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Sincronizando" not in window.status.sync_text(), timeout=30_000)
    settle(qtbot, runner)
    assert window.status.sync_text() == (
        "● Conectado · 0 pendientes de envío · ⚠ 1 rechazado por la plataforma")
    assert window.status.rejected_label.toolTip() == REJECTED_HINT

    # The next run rejects nothing new; the bar still counts what is on record.
    qtbot.mouseClick(window.status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Sincronizando" not in window.status.sync_text(), timeout=30_000)
    settle(qtbot, runner)
    assert window.status.sync_text().endswith("⚠ 1 rechazado por la plataforma")


def test_status_bar_follows_the_sync_engine(qtbot: QtBot, window: MainWindow,
                                            runner: TaskRunner) -> None:
    engine = window.sync._engine
    assert engine is not None
    reporter = threading.Thread(target=lambda: engine.observer.on_sync_state(
        SyncStatus(ConnectionState.SINCRONIZANDO, 3)))  # from another thread, as the job does
    reporter.start()
    reporter.join()
    qtbot.waitUntil(lambda: "Sincronizando" in window.status.sync_text())
    assert window.status.sync_text() == "● Sincronizando… · 3 pendientes de envío"
    assert not window.status.sync_button.isEnabled()

    engine.observer.on_sync_state(SyncStatus(ConnectionState.CONECTADO, 0))
    qtbot.waitUntil(lambda: window.status.sync_button.isEnabled())
    settle(qtbot, runner)
    assert window.status.sync_text() == "● Conectado · 0 pendientes de envío"
    assert window.status.sync_button.toolTip() == ""


def test_a_report_shows_every_rejected_envio_on_record_not_just_this_runs() -> None:
    report = SyncReport(True, ConnectionState.CONECTADO, "Sincronizado.", rejected=0,
                        rejected_total=3, pending=1)
    assert status_from_report(report) == SyncStatus(ConnectionState.CONECTADO, 1, 3,
                                                    "Sincronizado.")


def test_an_enrolled_office_lists_unsent_expedientes_as_pending(
    qtbot: QtBot, window: MainWindow, enrolled: AppContext, runner: TaskRunner,
) -> None:
    capture_many(enrolled, 1)
    window.go(EXPEDIENTES)
    settle(qtbot, runner, window.expedientes.search_pending)
    assert window.expedientes.model.index(0, 7).data() == "Pendiente"  # not "Solo en este…"
