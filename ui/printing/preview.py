"""Preview of printed PDFs, then open them in the PC's viewer, send them to a printer, or save a copy.

PDFium (pypdfium2) draws the pages: the same pages go to the screen and to the printer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import settings
from thidua_desktop.errors import Refused
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

from ..common import screen
from ..common.messages import delete_now, run_guarded, show_error
from ..common.widgets import SearchCombo, button_row, wrapped

PREVIEW_DPI = 96


def page_images(path: Path, dpi: float, pages: range | None = None):
    """The PDF's pages as QImages at the given resolution (one at a time: a long dossier stays light)."""
    pdf = _open(path)
    try:
        for i in pages if pages is not None else range(len(pdf)):
            bitmap = pdf[i].render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888,
            )
            yield image.copy()
    finally:
        pdf.close()


def _open(path: Path):
    import pypdfium2  # loads on the first preview, not when the window opens

    return pypdfium2.PdfDocument(str(path))


def page_count(path: Path) -> int:
    pdf = _open(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def ask_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """The print dialog for `printer`, deleted again before the caller lets `printer` go: a QPrintDialog
    left behind as the page's child keeps a pointer to a QPrinter that Python has freed, and the next
    time Qt touches it the program dies without a word. True when the officer chose to print."""
    dialog = QPrintDialog(printer, parent)
    try:
        return bool(dialog.exec())
    finally:
        delete_now(dialog)


def print_pdf(path: Path, printer: QPrinter) -> None:
    """Every page onto the printer, scaled to its printable area."""
    painter = QPainter()
    if not painter.begin(printer):
        raise Refused(
            f"Không gửi được tới máy in {printer.printerName()}. Hãy kiểm tra máy in đã bật và đã nối với máy "
            "tính, hoặc chọn máy in khác."
        )
    try:
        dpi = min(printer.resolution(), 300)
        for n, image in enumerate(page_images(path, dpi)):
            if n:
                printer.newPage()
            area = printer.pageRect(QPrinter.Unit.DevicePixel)
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(0, 0, image.width() * scale, image.height() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()


class PdfPreview(QDialog):
    """One or several printed files: pick one, look at its pages, then open, print or save it."""

    def __init__(self, store: Store, files: list[Path], title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.files = files
        self.saved: list[Path] = []
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.chooser = SearchCombo()
        for f in files:
            self.chooser.addItem(f.name, str(f))
        self.chooser.currentIndexChanged.connect(self.show_file)
        bar.addWidget(QLabel("Tệp:"))
        bar.addWidget(self.chooser, 1)
        self.pages_label = QLabel()
        bar.addWidget(self.pages_label)
        layout.addLayout(bar)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")
        layout.addWidget(self.scroll, 1)
        actions = [
            ("&Mở bằng trình xem PDF", self.open_external),
            ("&In...", self.print_file),
            ("&Lưu bản sao...", self.save_copy),
        ]
        if len(files) > 1:
            actions.append(("Lưu &tất cả vào thư mục...", self.save_all))
        buttons = button_row(*actions)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        self.said = wrapped()
        self.said.hide()
        layout.addWidget(self.said)
        layout.addLayout(buttons)  # under the scrolling pages: always on screen, however tall the paper
        screen.fit(self, 900, 960)
        self.show_file()

    def current(self) -> Path:
        return Path(self.chooser.currentData())

    def show_file(self, *_args) -> None:
        """The chosen file's pages (at most the first 20 in the preview; the whole file prints)."""
        path = self.current()
        total = page_count(path)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        for image in page_images(path, PREVIEW_DPI, range(min(total, 20))):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #444; background: white;")
            column.addWidget(page)
        if total > 20:
            column.addWidget(QLabel(f"… và {total - 20} trang nữa (mở bằng trình xem PDF để xem hết)."))
        self.scroll.setWidget(holder)
        self.pages_label.setText(f"{total} trang")

    def open_external(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.current()))):
            show_error(
                self,
                "Máy này chưa có chương trình xem PDF. Hãy cài một trình xem PDF "
                "(ví dụ Foxit Reader hoặc SumatraPDF) rồi thử lại.",
            )

    def print_file(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.current().stem)
        if ask_printer(self, printer) and run_guarded(self, lambda: print_pdf(self.current(), printer)):
            self.tell(f"Đã gửi {self.current().name} tới máy in {printer.printerName() or ''}.".replace(" .", "."))

    def tell(self, text: str) -> None:
        """What the last action did, over the buttons."""
        self.said.setText(text)
        self.said.show()

    def _folder(self) -> str:
        return settings.PRINT_FOLDER.get(self.store) or str(Path.home())

    def save_copy(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Lưu bản sao", str(Path(self._folder()) / self.current().name), "Tệp PDF (*.pdf)"
        )
        if target:
            self._copy([(self.current(), Path(target))])

    def save_all(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Lưu các tệp vào thư mục", self._folder())
        if folder:
            self._copy([(f, Path(folder) / f.name) for f in self.files])

    def _copy(self, pairs: list[tuple[Path, Path]]) -> None:
        def copy_all() -> None:
            for source, target in pairs:
                atomic_write(target, lambda tmp, source=source: shutil.copyfile(source, tmp))

        if not run_guarded(self, copy_all):
            return
        settings.PRINT_FOLDER.set(self.store, str(pairs[0][1].parent))
        self.saved = [t for _, t in pairs]
        self.tell(
            f"Đã lưu bản sao: {pairs[0][1]}" if len(pairs) == 1 else f"Đã lưu {len(pairs)} tệp vào {pairs[0][1].parent}"
        )
