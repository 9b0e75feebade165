"""The level above's window: the communes and their keys, importing packages (checked first, then
written), the year's overview, the nominations received, the year's checks (to ask a commune, return or
approve its year) and the questions asked; one page a tab, a menu for the file."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from thidua_desktop import __version__, paths
from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store

from ..common import screen
from ..common.backups_dialog import BackupsDialog
from ..common.widgets import bring_forward, exec_dialog, officer_name, show_done
from .checks_page import ChecksPage
from .communes_page import CommunesPage
from .import_page import ImportPage
from .nominations_page import ReceivedNominationsPage
from .overview_page import OverviewPage
from .queries_page import QueriesPage

TAB_TITLES = ["Các xã", "Nhập gói", "Tổng hợp", "Đề nghị khen thưởng", "Kiểm tra", "Câu hỏi"]


class UpperWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        me = upper_level.upper_only(store)
        self.setWindowTitle(f"ThiDua Desktop - Cấp trên: {me['name']} ({upper_level.LEVEL_LABELS[me['level']]})")
        self.tabs = QTabWidget()
        self.communes = CommunesPage(store)
        self.importer = ImportPage(store, lambda: self.refresh(but=self.importer))
        self.overview = OverviewPage(store)
        self.nominations = ReceivedNominationsPage(store)
        self.checks = ChecksPage(store)
        self.queries = QueriesPage(store)
        self.pages = [self.communes, self.importer, self.overview, self.nominations, self.checks, self.queries]
        # As in the commune's window: tabs by Ctrl+1..6, Alt letters left to the page on screen.
        for number, (page, title) in enumerate(zip(self.pages, TAB_TITLES), start=1):
            index = self.tabs.addTab(page, title)
            self.tabs.setTabToolTip(index, f"{title} (Ctrl+{number})")
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, activated=lambda i=index: self.tabs.setCurrentIndex(i))
        self.communes.trusted.connect(self.refresh)
        self.checks.changed.connect(lambda: self.refresh(but=self.checks))
        self.queries.changed.connect(lambda: self.refresh(but=self.queries))
        self.setCentralWidget(self.tabs)
        self._build_menu()
        self.path_label = QLabel(
            f"Cán bộ: {officer_name(store) or 'chưa ghi tên'}   |   Tệp dữ liệu: {store.path}   |   Mã nhận diện của "
            f"cấp trên: {upper_level.fingerprint_of(store)}"
        )
        self.statusBar().showMessage(self.path_label.text())
        screen.fill(self)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Tệp")
        for text, shortcut, slot in (
            ("&Khôi phục từ bản sao lưu...", None, self.restore_backup),
            (None, None, None),
            ("T&hoát", "Ctrl+Q", self.close),
        ):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        about = QAction("&Giới thiệu", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def refresh(self, but=None) -> None:
        """Something changed the file (an import, a key confirmed, a restore): every page shows it again
        (but the one that did it, which has)."""
        for page in self.pages:
            if page is not but:
                page.reload()

    def restore_backup(self) -> None:
        if self.importer.server is not None:
            self.importer.stop_inbox()  # nothing may arrive while the file is put back
        dialog = BackupsDialog(self.store, self, upper=True)
        if exec_dialog(dialog):
            self.refresh()
            show_done(self, dialog.restored_text, "Đã khôi phục")

    def about(self) -> None:
        me = upper_level.upper_only(self.store)
        QMessageBox.about(
            self,
            "Giới thiệu ThiDua Desktop",
            f"ThiDua Desktop {__version__}, máy của cấp trên: {me['name']}.\n\n"
            f"Mã nhận diện của cấp trên: {upper_level.fingerprint_of(self.store)}\n"
            f"Tệp dữ liệu: {self.store.path}\n"
            f"Thư mục sao lưu: {paths.backups_dir(self.store.path)}\n"
            f"Nhật ký: {paths.logs_dir()}",
        )

    def bring_forward(self) -> None:
        bring_forward(self)

    def closeEvent(self, event):
        self.importer.stop_inbox()
        event.accept()
