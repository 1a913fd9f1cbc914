"""PDF documents (acuse, orden de pago) shown with QtPdf, one tab each, and printed through the
system print dialog when no default printer is configured."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

MAX_PRINT_DPI = 300


class _LoadedPdf:
    """A QPdfDocument and the buffer it reads from (the buffer must outlive the document)."""

    def __init__(self, data: bytes, parent: QWidget) -> None:
        self.data = data
        self.buffer = QBuffer(parent)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent)
        self.document.load(self.buffer)


class DocumentPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("documentTabs")
        self._docs: dict[str, _LoadedPdf] = {}
        self._views: dict[str, QPdfView] = {}
        self.placeholder = QLabel("Generando documentos…")
        self.placeholder.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.tabs, 1)

    def set_document(self, key: str, title: str, data: bytes) -> None:
        loaded = _LoadedPdf(data, self)
        self._docs[key] = loaded
        view = QPdfView()
        view.setObjectName(f"pdf_{key}")
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setDocument(loaded.document)
        self._views[key] = view
        self.tabs.addTab(view, title)
        self.placeholder.hide()

    def clear(self) -> None:
        self.tabs.clear()
        for view in self._views.values():
            view.deleteLater()
        for loaded in self._docs.values():
            loaded.document.deleteLater()
            loaded.buffer.deleteLater()
        self._docs.clear()
        self._views.clear()
        self.placeholder.setText("Generando documentos…")
        self.placeholder.show()

    def show_problem(self, text: str) -> None:
        self.placeholder.setText(text)
        self.placeholder.setProperty("role", "error")
        self.placeholder.show()

    def keys(self) -> list[str]:
        return list(self._docs)

    def page_count(self, key: str) -> int:
        return int(self._docs[key].document.pageCount())

    def pdf_bytes(self, key: str) -> bytes:
        return self._docs[key].data

    def document(self, key: str) -> QPdfDocument:
        return self._docs[key].document

    def show_tab(self, key: str) -> None:
        if key in self._views:
            self.tabs.setCurrentWidget(self._views[key])


def print_with_dialog(parent: QWidget, document: QPdfDocument) -> QPrintDialog:
    """Ask for a printer (window-modal, non-blocking) and send every page to it. "Print to
    file" is left to the caller (a file is not paper: see SavedView, which saves the electronic
    copy there)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.accepted.connect(lambda: None if printer.outputFileName()
                            else render_to_printer(document, printer))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()  # QPrintDialog.open() wants a receiver slot in PySide; show() is equivalent
    return dialog


def render_to_printer(document: QPdfDocument, printer: QPrinter) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("printer refused the job")
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            image = document.render(page, size)
            target = QRectF(painter.viewport())
            painter.drawImage(target, image)
    finally:
        painter.end()
