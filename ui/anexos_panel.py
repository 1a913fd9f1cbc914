"""Anexos: PDF/JPG/PNG files added by file dialog or drag & drop, shown as thumbnails.

Files are inspected (type, size, thumbnail) on a worker; the bundle's max_anexo_mb is enforced
here with a clear message and again by the service when saving. Anexos restored from a borrador
are blobs sealed at rest: they are decrypted (and checked) in memory, never written out plain.

Signals:
    anexos_changed(): a file was added or removed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.capture.blobs import BlobStore, read_blob, sniff_mime, stored_name
from desktop.capture.service import AttachmentInput
from desktop.errors import VentanillaError
from desktop.user_file import open_user_file
from ui.tasks import Lane, TaskRunner

log = logging.getLogger(__name__)

THUMB = QSize(96, 96)
FILE_FILTER = "Documentos (*.pdf *.jpg *.jpeg *.png)"


@dataclass(frozen=True)
class InspectedFile:
    path: Path
    mime: str | None
    size: int
    thumbnail: QImage | None
    readable: bool = True


def _thumbnail(image: QImage) -> QImage | None:
    if image.isNull():
        return None
    return image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def inspect_stored(path: Path, blobs: BlobStore, sha256: str) -> InspectedFile:
    """A blob of the store: decrypted and checked in memory; a damaged one is unreadable."""
    try:
        plain = read_blob(blobs, sha256)
    except VentanillaError:
        return InspectedFile(path, None, 0, None, readable=False)
    mime = sniff_mime(plain[:8])
    thumb = _thumbnail(QImage.fromData(plain)) if mime in ("image/jpeg", "image/png") else None
    return InspectedFile(path, mime, len(plain), thumb)


def inspect_file(path: Path, blobs: BlobStore | None = None) -> InspectedFile:
    """Worker side: read type and size, and scale an image to a thumbnail (QImage is
    thread-safe; QPixmap is not). A file that cannot be read comes back `readable=False`."""
    if blobs is not None and (sha256 := stored_name(blobs, path)) is not None:
        return inspect_stored(path, blobs, sha256)
    try:  # a pipe dropped on the panel must not hold the lane for good (desktop/user_file.py)
        size = path.stat().st_size
        with open_user_file(path, f"el anexo «{path.name}»") as handle:
            mime = sniff_mime(handle.read(8))
    except (OSError, VentanillaError):
        return InspectedFile(path, None, 0, None, readable=False)
    thumb = _thumbnail(QImage(str(path))) if mime in ("image/jpeg", "image/png") else None
    return InspectedFile(path, mime, size, thumb)


def inspect_files(paths: list[Path], blobs: BlobStore | None = None) -> list[InspectedFile]:
    """One task per batch, so the files appear in the order they were chosen or dropped."""
    return [inspect_file(path, blobs) for path in paths]


def pdf_icon() -> QIcon:
    pixmap = QPixmap(THUMB)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#C9CED6"))
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRoundedRect(18, 6, 60, 84, 4, 4)
    painter.setBrush(QColor("#B42318"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(24, 52, 48, 22, 3, 3)
    painter.setPen(QColor("#FFFFFF"))
    font = QFont()
    font.setBold(True)
    font.setPointSize(10)
    painter.setFont(font)
    painter.drawText(24, 52, 48, 22, Qt.AlignmentFlag.AlignCenter, "PDF")
    painter.end()
    return QIcon(pixmap)


class AnexosPanel(QWidget):
    anexos_changed = Signal()

    def __init__(self, max_mb: int, runner: TaskRunner, blobs: BlobStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._blobs = blobs  # where a borrador's anexos are kept (sealed)
        self._max_bytes = max_mb * 1_048_576
        self._max_mb = max_mb
        self._runner = runner
        self._files: list[AttachmentInput] = []
        self._inspecting = 0
        self.setAcceptDrops(True)
        self.list = QListWidget()
        self.list.setObjectName("anexosList")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(150, 136))
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(150)
        self.list.setAcceptDrops(False)
        self.message = QLabel()
        self.message.setObjectName("anexosMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        self._build(max_mb)

    def _build(self, max_mb: int) -> None:
        add = QPushButton("Agregar archivo…")
        add.setObjectName("addAnexo")
        add.clicked.connect(self.choose_files)
        remove = QPushButton("Quitar")
        remove.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_selected)
        hint = QLabel(f"PDF, JPG o PNG de hasta {max_mb} MB. También puede arrastrarlos aquí.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        layout.addWidget(self.message)

    # -- adding ---------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Agregar anexos", "", FILE_FILTER)
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        self.message.hide()
        if not paths:
            return
        self._run_inspection(paths, lambda files: self._accept_all(files, None))

    def add_existing(self, attachments: list[AttachmentInput]) -> None:
        """Show anexos restored from a borrador (already in the blob store), in their order."""
        if attachments:
            self._run_inspection([a.path for a in attachments],
                                 lambda files: self._accept_all(files, attachments))

    def is_inspecting(self) -> bool:
        """True while files just added are still being read (they are not attachments yet)."""
        return self._inspecting > 0

    def _run_inspection(self, paths: list[Path],
                        deliver: Callable[[list[InspectedFile]], None]) -> None:
        self._inspecting += 1
        self._runner.run(Lane.LOCAL, partial(inspect_files, paths, self._blobs),
                         partial(self._inspected, deliver), self._inspection_failed, owner=self)

    def _inspected(self, deliver: Callable[[list[InspectedFile]], None],
                   files: list[InspectedFile]) -> None:
        self._inspecting -= 1
        deliver(files)

    def _inspection_failed(self, exc: BaseException) -> None:
        self._inspecting -= 1
        log.error("Inspecting anexos failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._show_error("No se pudieron revisar los archivos; intente agregarlos de nuevo.")

    def _accept_all(self, files: list[InspectedFile],
                    restored: list[AttachmentInput] | None) -> None:
        problems = []
        for i, inspected in enumerate(files):
            problem = self._problem(inspected)
            if problem:
                problems.append(problem)
            elif restored is not None:
                self._append(restored[i], inspected, announce=False)  # not a change
            else:
                self._append(AttachmentInput(inspected.path, inspected.path.name,
                                             inspected.mime or ""), inspected)
        if problems:
            self._show_error("\n".join(problems))

    def _problem(self, inspected: InspectedFile) -> str | None:
        name = inspected.path.name
        if not inspected.readable:
            return (f"No se pudo leer «{name}»: revise que el archivo siga en su lugar y que "
                    "se pueda abrir.")
        if inspected.mime is None:
            return f"«{name}» no es un PDF, JPG ni PNG; no se agregó."
        if inspected.size > self._max_bytes:
            return (f"«{name}» pesa {inspected.size / 1_048_576:.1f} MB y el máximo permitido "
                    f"es {self._max_mb} MB. Escanéelo con menor resolución o en blanco y negro.")
        return None

    def _append(self, attachment: AttachmentInput, inspected: InspectedFile, *,
                announce: bool = True) -> None:
        icon = (QIcon(QPixmap.fromImage(inspected.thumbnail)) if inspected.thumbnail
                else pdf_icon())
        item = QListWidgetItem(icon, attachment.filename)
        item.setToolTip(f"{attachment.filename} — {inspected.size / 1024:.0f} KB")
        self.list.addItem(item)
        self._files.append(attachment)
        if announce:
            self.anexos_changed.emit()

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- removing, reading ----------------------------------------------------------------

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            del self._files[row]
            self.anexos_changed.emit()

    def attachments(self) -> list[AttachmentInput]:
        return list(self._files)

    def error_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_dropped(event.mimeData())
        event.acceptProposedAction()

    def add_dropped(self, mime: QMimeData) -> None:
        """Files dragged in from the file manager or the scanner's folder."""
        self.add_files([Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()])
