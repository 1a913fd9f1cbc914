"""Captura: the form, requisitos, anexos and cobros of one trámite, and saving it.

Ctrl+S saves the expediente, Ctrl+B saves a borrador, Esc asks before discarding.

Signals:
    expediente_saved(object): a CaptureResult, after the service committed it.
    draft_saved(str): the borrador's uuid.
    discarded(): the operador confirmed throwing the capture away.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from desktop.access.permissions import CurrentUser
from desktop.capture.drafts import DraftInput, save_draft
from desktop.capture.service import AttachmentInput, CaptureRequest, capture_expediente
from desktop.capture.validation import validate_field
from desktop.context import AppContext
from desktop.errors import ValidationFailed
from desktop.records.expedientes import ApplicantInfo
from formatting import format_plazo
from ui.anexos_panel import AnexosPanel
from ui.applicant_banner import ApplicantBanner
from ui.capture_sidebar import CaptureSidebar
from ui.draft_version_bar import DraftVersionBar
from ui.error_dialog import show_exception
from ui.form_builder import FormView
from ui.layout_parts import card, page_header
from ui.operations import CaptureSetup, find_applicant
from ui.requisitos_panel import RequisitosPanel
from ui.tasks import Lane, TaskRunner

APPLICANT_TIPOS = {"cp"}


class CaptureView(QWidget):
    expediente_saved = Signal(object)
    draft_saved = Signal(str)
    discarded = Signal()

    def __init__(self, setup: CaptureSetup, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setup, self._ctx, self._user, self._runner = setup, ctx, user, runner
        self.draft_uuid: str | None = None
        self.dirty = False
        self._saving = False
        tramite = setup.tramite
        validate = partial(validate_field, clave_catastral_patron=setup.clave_catastral_patron)
        self.form = FormView(tramite, validate)
        self.requisitos = RequisitosPanel(tramite.requisitos)
        self.anexos = AnexosPanel(setup.max_anexo_mb, runner, ctx.blobs)
        self.banner = ApplicantBanner()
        self.sidebar = CaptureSidebar(tramite, setup.uma_diaria)
        self.version_bar: DraftVersionBar | None = None
        if setup.newer_version is not None:  # a borrador on an older version of the trámite
            self.version_bar = DraftVersionBar(tramite.version, setup.newer_version, ctx, user,
                                               runner, lambda: (self.draft_uuid, self.dirty))
        self._build()
        self._connect()
        self.refresh_summary()

    def _build(self) -> None:
        tramite = self.setup.tramite
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(16)
        if self.version_bar is not None:
            column.addWidget(self.version_bar)
        column.addWidget(self.banner)
        column.addWidget(card("Datos del solicitante y del trámite", self.form))
        column.addWidget(card("Requisitos", self.requisitos))
        column.addWidget(card("Anexos", self.anexos))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.scroll_area = scroll
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(scroll, 1)
        body.addWidget(self.sidebar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(16)
        layout.addLayout(page_header(
            tramite.nombre,
            f"{tramite.homoclave} · {self.setup.dependencia_nombre} · Plazo de resolución: "
            f"{format_plazo(tramite.plazo_dias)}"))
        layout.addLayout(body, 1)

    def _connect(self) -> None:
        for signal in (self.form.answers_changed, self.requisitos.requisitos_changed,
                       self.anexos.anexos_changed):
            signal.connect(self._changed)
        self.form.curp_entered.connect(self._lookup_curp)
        self.banner.fill_requested.connect(self._fill_applicant)
        self.sidebar.save_requested.connect(self.save)
        self.sidebar.draft_requested.connect(self.save_as_draft)
        self.sidebar.discard_requested.connect(lambda: self.ask_discard())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+B"), self, self.save_as_draft,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, lambda: self.ask_discard(),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def scroll_to_bottom(self) -> None:
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- live state ---------------------------------------------------------------------

    def _changed(self) -> None:
        self.dirty = True
        self.refresh_summary()

    def missing(self) -> list[str]:
        """What keeps the expediente from being saved, in the operador's words."""
        items = [self.form.etiqueta(clave) for clave in self.form.errors()]
        pending = self.requisitos.unsettled()
        if pending:
            items.append(f"{len(pending)} requisito{'s' if len(pending) > 1 else ''} sin marcar")
        return items

    def refresh_summary(self) -> None:
        self.sidebar.cobros.update_answers(self.form.cleaned_answers())
        self.sidebar.show_missing(self.missing())

    # -- saving -------------------------------------------------------------------------

    def request(self) -> CaptureRequest:
        attachments = self.anexos.attachments() + [
            AttachmentInput(editor.path, editor.filename, "", clave)
            for clave, editor in self.form.file_editors().items() if editor.path]
        return CaptureRequest(
            homoclave=self.setup.tramite.homoclave, version=self.setup.tramite.version,
            answers=self.form.raw_answers(), requisitos=self.requisitos.answers(),
            attachments=attachments, draft_uuid=self.draft_uuid)

    def _anexos_ready(self) -> bool:
        if self.anexos.is_inspecting():
            self.sidebar.show_note("Espere un momento: se están revisando los anexos.")
            return False
        return True

    def save(self) -> None:
        if self._saving or not self._anexos_ready():
            return
        errors = self.form.errors()
        if errors or self.requisitos.unsettled():
            self.form.show_errors(errors)
            self.sidebar.show_refused(self.missing())
            return
        self._set_saving(True, "Guardando expediente…")
        request = self.request()
        self._runner.run(Lane.LOCAL, lambda: capture_expediente(self._ctx, self._user, request),
                         self._saved, self._save_failed, owner=self)

    def _saved(self, result: object) -> None:
        self._set_saving(False)
        self.dirty = False
        self.expediente_saved.emit(result)

    def _save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationFailed):
            self.form.show_errors(exc.errors)
            self.sidebar.show_refused(self.missing() or [exc.message])
            return
        show_exception(self.window(), exc)

    def save_as_draft(self) -> None:
        if self._saving or not self._anexos_ready():
            return
        self._set_saving(True, "Guardando borrador…")
        request = self.request()
        draft = DraftInput(uuid=self.draft_uuid, homoclave=request.homoclave,
                           version=self.setup.tramite.version, answers=request.answers,
                           requisitos=request.requisitos, attachments=request.attachments)
        self._runner.run(Lane.LOCAL, lambda: save_draft(self._ctx, self._user, draft),
                         self._draft_saved, self._draft_failed, owner=self)

    def _draft_saved(self, uuid: str) -> None:
        self._set_saving(False)
        self.draft_uuid = uuid
        self.dirty = False
        self.sidebar.show_note("Borrador guardado. Puede retomarlo en «Borradores».")
        self.draft_saved.emit(uuid)

    def _draft_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        show_exception(self.window(), exc)

    def _set_saving(self, saving: bool, note: str = "") -> None:
        self._saving = saving
        self.sidebar.set_busy(saving, note)

    # -- drafts, applicant, discard -----------------------------------------------------

    def load_draft(self, draft: DraftInput) -> None:
        self.draft_uuid = draft.uuid
        self.form.set_answers(draft.answers)
        self.requisitos.set_answers(draft.requisitos)
        for attachment in draft.attachments:
            if attachment.campo:
                self.form.file_editors()[attachment.campo].set_file(attachment.path,
                                                                    attachment.filename)
        self.anexos.add_existing([a for a in draft.attachments if not a.campo])
        self.dirty = False
        self.refresh_summary()

    def _lookup_curp(self, curp: str) -> None:
        self._runner.run(Lane.LOCAL, lambda: find_applicant(self._ctx, curp), self._offer_applicant,
                         owner=self)

    def _offer_applicant(self, info: ApplicantInfo | None) -> None:
        if info is not None:
            self.banner.offer(info)

    def _fill_applicant(self) -> None:
        info = self.banner.info
        if info is None:
            return
        wanted = {c.clave for c in self.setup.tramite.campos
                  if c.dato_solicitante or c.tipo in APPLICANT_TIPOS}
        self.form.fill_applicant({k: v for k, v in info.answers.items() if k in wanted})

    def ask_discard(self, then: Callable[[], None] | None = None) -> None:
        """Confirm before throwing answers away; `then` replaces the `discarded` signal."""
        proceed = then or self.discarded.emit
        if not self.dirty:
            proceed()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Descartar captura",
                          "¿Descartar lo capturado? Se perderán los datos que no guardó.",
                          QMessageBox.StandardButton.NoButton, self.window())
        box.setObjectName("discardDialog")
        discard = box.addButton("Descartar", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Seguir capturando", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(
            lambda _r: self._after_question(box.clickedButton() is discard, proceed))
        box.open()

    def _after_question(self, discard: bool, proceed: Callable[[], None]) -> None:
        if discard:
            self.dirty = False
            proceed()
