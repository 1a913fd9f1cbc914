"""Configuración (administrators): the bundle in force — version, the key that signed it, when
the platform published it and when this window applied it — and the history of every applied
bundle, each openable to its impact report; "Importar paquete…" previews a bundle file
(ui/import_dialog.py). The service refuses the history to anyone else (desktop/bundles/history.py).

Signals:
    config_imported(int): a bundle file was applied; the version now in force.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from catalogo.impact import ImpactReport
from desktop.access.permissions import CurrentUser
from desktop.bundles.history import AppliedBundle, ConfigOverview, applied_report, config_overview
from desktop.bundles.import_preview import ImportPreview, preview_import
from desktop.context import AppContext
from formatting import format_date, format_datetime
from ui.error_dialog import show_exception
from ui.impact_view import ImpactDialog
from ui.import_dialog import ImportDialog
from ui.layout_parts import card, style_table
from ui.tasks import Lane, TaskRunner

HISTORY_COLUMNS = ("Versión", "Origen", "Aplicada", "Por", "Resumen")


def _when(moment: datetime | None) -> str:
    return format_datetime(moment) if moment else "—"


class ConfigDialog(QDialog):
    config_imported = Signal(int)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._user, self._runner = ctx, user, runner
        self.setObjectName("configDialog")
        self.setWindowTitle("Configuración de trámites")
        self.overview: ConfigOverview | None = None
        self.facts = {name: QLabel("…") for name in (
            "version", "key", "published", "applied", "valid_from", "tramites")}
        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setObjectName("configHistory")
        self.history.setHorizontalHeaderLabels(HISTORY_COLUMNS)
        style_table(self.history)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.open_report = QPushButton("Ver impacto…")
        self.open_report.setObjectName("openImpact")
        self.import_button = QPushButton("Importar paquete…")
        self.import_button.setObjectName("importBundle")
        self.import_button.setProperty("primary", True)
        self._build()
        self.history.activated.connect(lambda _index: self.show_report())
        self.open_report.clicked.connect(self.show_report)
        self.import_button.clicked.connect(self.choose_file)
        self.resize(900, 560)
        self.refresh()

    def _build(self) -> None:
        form = QFormLayout()
        for caption, name in (("Versión en vigor", "version"), ("Firmada con la llave", "key"),
                              ("Publicada por la plataforma", "published"),
                              ("Aplicada en este equipo", "applied"),
                              ("Vigente desde", "valid_from"), ("Trámites", "tramites")):
            self.facts[name].setObjectName(f"config_{name}")
            form.addRow(caption, self.facts[name])
        close = QPushButton("Cerrar")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_report)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(card("Configuración en vigor", form))
        layout.addWidget(card("Historial de configuraciones aplicadas", self.history), 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: config_overview(ctx, user), self._show, owner=self)

    def _show(self, overview: ConfigOverview) -> None:
        self.overview = overview
        current = overview.current
        self.facts["version"].setText(str(current.version) if current else "ninguna")
        self.facts["key"].setText(current.key_id if current else "—")
        self.facts["published"].setText(_when(current.published_at if current else None))
        self.facts["applied"].setText(
            f"{_when(current.applied_at)} · {current.source} · {current.applied_by}"
            if current else "—")
        self.facts["valid_from"].setText(
            format_date(overview.valid_from) if overview.valid_from else "—")
        self.facts["tramites"].setText(str(overview.tramites))
        self.history.setRowCount(len(overview.history))
        for row, applied in enumerate(overview.history):
            self._fill_row(row, applied)
        self.history.resizeColumnsToContents()
        if overview.history:
            self.history.selectRow(0)

    def _fill_row(self, row: int, applied: AppliedBundle) -> None:
        cells = (str(applied.version), applied.source, _when(applied.applied_at),
                 applied.applied_by, applied.summary)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.history.setItem(row, column, item)

    def selected_version(self) -> int | None:
        row = self.history.currentRow()
        if self.overview is None or not 0 <= row < len(self.overview.history):
            return None
        return self.overview.history[row].version

    def show_report(self) -> None:
        version = self.selected_version()
        if version is None:
            return
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: applied_report(ctx, user, version),
                         self._open_report, owner=self)

    def _open_report(self, report: ImpactReport) -> None:
        self.report_dialog = ImpactDialog(report, self)
        self.report_dialog.open()

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Paquete de configuración", "", "Paquetes de configuración (*.json)")
        if name:
            self.preview_file(Path(name))

    def preview_file(self, path: Path) -> None:
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: preview_import(ctx, user, path),
                         self._show_preview, self._preview_refused, owner=self)

    def _preview_refused(self, exc: BaseException) -> None:
        self.refusal = show_exception(self, exc)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.import_dialog = ImportDialog(preview, self._ctx, self._user, self._runner, self)
        self.import_dialog.config_imported.connect(self._imported)
        self.import_dialog.open()

    def _imported(self, version: int) -> None:
        self.refresh()
        self.config_imported.emit(version)
