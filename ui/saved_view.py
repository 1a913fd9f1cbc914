"""After saving: the folio, the total, and the acuse and orden de pago in a preview with
"Imprimir" and "Guardar PDF…". Only paper counts: a saved PDF is a "COPIA ELECTRÓNICA" and the
next paper copy is still the original (desktop/documents/service.py). A printing failure is
explained in Spanish; the expediente stays saved. "Registrar pago…" records the payment; the
recibo then turns into a recibo de pago, offered for printing.

Signals:
    new_capture_requested(): the operador wants to start the next capture.
    printed(str): a document reached a printer (its doc kind).
    saved_pdf(str): an electronic copy was written to a file (its doc kind).
    payment_registered(object): a payment was recorded (its PaymentInfo).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.documents.service import (
    DOC_TITLES,
    PrinterError,
    RenderedDocument,
    default_printer,
    print_document,
    record_copy,
    render_document,
    save_document,
)
from desktop.records.payments import PaymentInfo
from formatting import format_money
from ui.document_preview import DocumentPreview, print_with_dialog
from ui.error_dialog import show_error, show_exception, user_message
from ui.operations import payment_state
from ui.payment_dialog import PaymentBox
from ui.tasks import Lane, TaskRunner

DOCS = ("acuse", "recibo")
SAVED_HEADING = "✓  Expediente guardado"
LAYOUTS = (("carta", "Carta"), ("ticket", "Ticket 80 mm"))
HANDOUT = "Entregue al ciudadano el acuse de recibo y {recibo}."


class SavedView(QWidget):
    new_capture_requested = Signal()
    printed = Signal(str)
    saved_pdf = Signal(str)
    payment_registered = Signal(object)

    def __init__(self, folio: str, total: Decimal, tramite_nombre: str, ctx: AppContext,
                 user: CurrentUser, runner: TaskRunner, *, heading: str = SAVED_HEADING,
                 offer_new: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.folio, self.total = folio, total
        self._ctx, self._user, self._runner = ctx, user, runner
        self.rendered: dict[str, RenderedDocument] = {}
        self.preview = DocumentPreview()
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("documentLayout")
        for value, label in LAYOUTS:
            self.layout_box.addItem(label, value)
        self.layout_box.currentIndexChanged.connect(lambda _i: self.render_documents())
        self.note = QLabel()
        self.note.setObjectName("printNote")
        self.note.setWordWrap(True)
        self.print_buttons = {doc: QPushButton(f"Imprimir {DOC_TITLES[doc].lower()}")
                              for doc in DOCS}
        self.save_button = QPushButton("Guardar PDF…")
        self.save_button.setObjectName("saveDocument")
        self.save_button.setToolTip("Guarda el documento que se ve como copia electrónica; no "
                                    "cuenta como impresión.")
        self.save_button.clicked.connect(lambda _c=False: self.ask_save_path())
        self.save_dialog: QFileDialog | None = None
        self.total_label = QLabel(f"Total a pagar: <b>{format_money(total)}</b>")
        self.hint = QLabel(HANDOUT.format(recibo="la orden de pago"))
        self.payment = PaymentBox(ctx, user, runner)
        self.payment.payment_registered.connect(self._paid)
        self.offer_box: QMessageBox | None = None
        self._offer_recibo = False
        self._render_seq = 0
        self._build(tramite_nombre, heading, offer_new)
        self.render_documents()

    def _build(self, tramite_nombre: str, heading: str, offer_new: bool) -> None:
        panel = QFrame()
        panel.setObjectName("card")
        panel.setFixedWidth(360)
        check = self.heading = QLabel(heading)
        check.setObjectName("readyLabel")
        check.setStyleSheet("font-size: 13pt; font-weight: 600;")
        check.setWordWrap(True)  # a long applicant name goes on to a second line
        check.setToolTip(heading)
        folio = QLabel(self.folio)
        folio.setObjectName("folioLabel")
        folio.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        what = QLabel(tramite_nombre)
        what.setWordWrap(True)
        hint = self.hint
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        column = QVBoxLayout(panel)
        column.setContentsMargins(24, 22, 24, 22)
        column.setSpacing(10)
        for widget in (check, folio, what, self.total_label, hint, self.payment):
            column.addWidget(widget)
        column.addSpacing(8)
        column.addWidget(QLabel("Formato de impresión"))
        column.addWidget(self.layout_box)
        for doc, button in self.print_buttons.items():
            button.setObjectName(f"print_{doc}")
            button.clicked.connect(lambda _c=False, d=doc: self.print_doc(d))
            column.addWidget(button)
        self.print_buttons["acuse"].setProperty("primary", True)
        column.addWidget(self.save_button)
        column.addWidget(self.note)
        column.addStretch(1)
        if offer_new:
            new = QPushButton("Nueva captura")
            new.setObjectName("newCapture")
            new.clicked.connect(self.new_capture_requested)
            column.addWidget(new)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(20)
        layout.addWidget(panel)
        layout.addWidget(self.preview, 1)

    # -- documents ----------------------------------------------------------------------

    def render_documents(self) -> None:
        layout, folio = self.layout_box.currentData(), self.folio
        self.preview.clear()
        self._render_seq += 1
        seq = self._render_seq

        def render_all() -> tuple[list[RenderedDocument], PaymentInfo]:
            docs = [render_document(self._ctx, self._user, folio, doc, layout) for doc in DOCS]
            return docs, payment_state(self._ctx, folio)

        self._runner.run(Lane.LOCAL, render_all, lambda docs: self._show_documents(seq, docs),
                         self._render_failed, owner=self)

    def _show_documents(self, seq: int,
                        result: tuple[list[RenderedDocument], PaymentInfo]) -> None:
        if seq != self._render_seq:
            return
        docs, info = result
        for rendered in docs:
            self.rendered[rendered.doc] = rendered
            self.preview.set_document(rendered.doc, rendered.title, rendered.pdf)
            self.print_buttons[rendered.doc].setText(f"Imprimir {rendered.title.lower()}")
        self._show_payment(info)

    # -- payment ------------------------------------------------------------------------

    def _show_payment(self, info: PaymentInfo) -> None:
        self.payment.set_info(info)
        owed = "Total pagado" if info.paid else "Total" if info.cancelled else "Total a pagar"
        self.total_label.setText(f"{owed}: <b>{format_money(info.total)}</b>")
        self.hint.setText(HANDOUT.format(
            recibo="el recibo de pago" if info.paid else "la orden de pago"))
        self.hint.setVisible(info.paid or not info.cancelled)  # a cancelled folio is not charged
        if self._offer_recibo and info.paid:
            self._offer_recibo = False
            self.preview.show_tab("recibo")
            self.offer_recibo()

    def folio_cancelled(self) -> None:
        """The folio was just cancelled: no payment is offered any more, and the documents
        are rendered again (they now say CANCELADO)."""
        self.payment.set_cancelled()
        self.render_documents()

    def _paid(self, info: PaymentInfo) -> None:
        self._offer_recibo = True  # once the recibo de pago is rendered
        self.render_documents()
        self.payment_registered.emit(info)

    def offer_recibo(self) -> QMessageBox:
        """Pago registrado: print the recibo de pago now? (window-modal, non-blocking)"""
        box = QMessageBox(QMessageBox.Icon.Question, "Pago registrado",
                          "Se registró el pago. ¿Imprimir el recibo de pago para el ciudadano?",
                          parent=self.window())
        box.setInformativeText(f"Folio {self.folio}")
        box.setObjectName("offerRecibo")
        yes = box.addButton("Imprimir recibo de pago", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Ahora no", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.buttonClicked.connect(lambda button: self.print_doc("recibo") if button is yes
                                  else None)
        self.offer_box = box
        box.open()
        return box

    def _render_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PrinterError):
            show_exception(self.window(), exc)
        self.preview.show_problem("El expediente quedó guardado, pero no se pudieron generar "
                                  f"los documentos: {user_message(exc)}")
        folio = self.folio  # a payment can still be registered without its paper
        self._runner.run(Lane.LOCAL, lambda: payment_state(self._ctx, folio), self._show_payment,
                         lambda _exc: None, owner=self)

    # -- printing -----------------------------------------------------------------------

    def print_doc(self, doc: str) -> None:
        """To the configured default printer off the GUI thread, else through the dialog."""
        self.note.setText("Enviando a la impresora…")
        self.print_buttons[doc].setEnabled(False)
        self._runner.run(Lane.LOCAL, lambda: default_printer(self._ctx),
                         lambda printer: self._print_on(doc, printer),
                         lambda exc: self._print_failed(doc, exc), owner=self)

    def _print_on(self, doc: str, printer: str | None) -> None:
        if printer is None:
            self.print_buttons[doc].setEnabled(True)
            self.note.setText("")
            if doc in self.rendered:
                dialog = print_with_dialog(self, self.preview.document(doc))
                dialog.accepted.connect(lambda: self._record_dialog_copy(doc, dialog.printer()))
            return
        layout, folio = self.layout_box.currentData(), self.folio
        self._runner.run(
            Lane.SLOW, lambda: print_document(self._ctx, self._user, folio, doc, layout, printer),
            lambda _job: self._print_done(doc, printer),
            lambda exc: self._print_failed(doc, exc), owner=self)

    def shown_doc(self) -> str:
        """The document of the preview's current tab."""
        keys = self.preview.keys()
        index = self.preview.tabs.currentIndex()
        return keys[index] if 0 <= index < len(keys) else DOCS[0]

    def ask_save_path(self) -> QFileDialog:
        """Where to save the shown document (window-modal, non-blocking)."""
        doc = self.shown_doc()
        dialog = QFileDialog(self.window(), "Guardar copia electrónica",
                             str(Path.home() / f"{self.folio}-{doc}.pdf"), "PDF (*.pdf)")
        dialog.setObjectName("saveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setDefaultSuffix("pdf")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.fileSelected.connect(lambda path: self.save_to(doc, Path(path)))
        self.save_dialog = dialog
        dialog.open()
        return dialog

    def save_to(self, doc: str, path: Path) -> None:
        """Save `doc` in the chosen layout as an electronic copy (off the GUI thread)."""
        layout, folio = self.layout_box.currentData(), self.folio
        self.save_button.setEnabled(False)
        self._runner.run(
            Lane.LOCAL, lambda: save_document(self._ctx, self._user, folio, doc, layout, path),
            self._saved, self._save_failed, owner=self)

    def _saved(self, rendered: RenderedDocument) -> None:
        self.save_button.setEnabled(True)
        self.note.setText(f"{rendered.title}: copia electrónica guardada. No cuenta como "
                          "impresión; el primer ejemplar impreso será el original.")
        self.saved_pdf.emit(rendered.doc)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_exception(self.window(), exc)

    def _record_dialog_copy(self, doc: str, printer: QPrinter) -> None:
        if printer.outputFileName():  # "print to file": a saved PDF, not paper
            self.save_to(doc, Path(printer.outputFileName()))  # written as COPIA ELECTRÓNICA
            return
        rendered, name = self.rendered[doc], printer.printerName() or "impresora del sistema"
        self._runner.run(Lane.LOCAL, lambda: record_copy(self._ctx, self._user, rendered, [name]),
                         lambda _r: self._print_done(doc, name), owner=self)

    def _print_done(self, doc: str, printer: str) -> None:
        self.print_buttons[doc].setEnabled(True)
        title = self.rendered[doc].title if doc in self.rendered else DOC_TITLES[doc]
        self.note.setText(f"{title} enviado a {printer}.")
        self.printed.emit(doc)

    def _print_failed(self, doc: str, exc: BaseException) -> None:
        self.print_buttons[doc].setEnabled(True)
        self.note.setText("")
        if isinstance(exc, PrinterError):
            show_error(self.window(), exc.message, title="No se pudo imprimir")
        else:
            show_exception(self.window(), exc)
