"""The selected trámite at a glance: nivel, plazo, requisitos and cobros, and "Capturar".

Signals:
    capture_clicked(): the operador pressed "Iniciar captura".
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop.bundles.wording import describe_cobro
from formatting import format_plazo
from ui.operations import CaptureSetup

NIVELES = {1: "Informativo", 2: "Descarga de formatos", 3: "Solicitud y pago en línea",
           4: "Totalmente en línea"}


NO_SELECTION = "Seleccione un trámite"
NO_SELECTION_HINT = "Use la búsqueda o las flechas para elegir un trámite de la lista."


class TramiteDetail(QFrame):
    capture_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setup: CaptureSetup | None = None
        self.title = QLabel(NO_SELECTION)
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel(NO_SELECTION_HINT)
        self.meta.setObjectName("pageSubtitle")
        self.meta.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("tramiteBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.capture_button = QPushButton("Iniciar captura   Enter")
        self.capture_button.setObjectName("startCapture")
        self.capture_button.setProperty("primary", True)
        self.capture_button.setMinimumHeight(42)
        self.capture_button.setEnabled(False)
        self.capture_button.clicked.connect(self.capture_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.capture_button)

    def clear(self) -> None:
        """Nothing selected (the trámite shown left the list or the catálogo)."""
        self.setup = None
        self.title.setText(NO_SELECTION)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setText(NO_SELECTION_HINT)
        self.body.clear()
        self.capture_button.setEnabled(False)

    def shown_key(self) -> tuple[str, int] | None:
        return None if self.setup is None else (self.setup.tramite.homoclave,
                                                self.setup.tramite.version)

    def set_result_count(self, count: int) -> None:
        if self.setup is None:
            self.meta.setText(f"{count} trámite{'s' if count != 1 else ''} en el catálogo. "
                              "Use la búsqueda o las flechas para elegir uno.")

    def show_setup(self, setup: CaptureSetup) -> None:
        self.setup = setup
        t = setup.tramite
        self.title.setText(t.nombre)
        plazo = format_plazo(t.plazo_dias)
        nivel = NIVELES.get(t.nivel_digitalizacion, "")
        self.meta.setText(f"{t.homoclave} · {setup.dependencia_nombre}<br>"
                          f"<b>Nivel {t.nivel_digitalizacion}</b> ({nivel}) · "
                          f"<b>Plazo de resolución:</b> {plazo}")
        self.meta.setTextFormat(Qt.TextFormat.RichText)
        self.body.setText(self._body_html(setup))
        self.capture_button.setEnabled(True)

    @staticmethod
    def _body_html(setup: CaptureSetup) -> str:
        t = setup.tramite
        parts = []
        if t.descripcion:
            parts.append(f"<p>{escape(t.descripcion)}</p>")
        parts.append("<h3 style='color:#7B1E3A'>Requisitos</h3>")
        if t.requisitos:
            items = "".join(
                f"<li style='margin-bottom:4px'>{escape(r.descripcion)}"
                f"{'' if r.obligatorio else ' <i>(opcional)</i>'}</li>" for r in t.requisitos)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>Sin requisitos documentales.</p>")
        parts.append("<h3 style='color:#7B1E3A'>Cobros</h3>")
        if t.cobros:
            rows = "".join(
                f"<tr><td style='padding:3px 12px 3px 0'>{escape(c.concepto)}</td>"
                f"<td style='padding:3px 0' align='right'>"
                f"{escape(describe_cobro(c, t, setup.uma_diaria))}</td></tr>" for c in t.cobros)
            parts.append(f"<table width='100%'>{rows}</table>")
        else:
            parts.append("<p>Trámite gratuito.</p>")
        return "".join(parts)
