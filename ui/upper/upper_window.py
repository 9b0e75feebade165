"""The level above's window: the communes and their keys, importing packages (checked first, then
written), the year's overview, the nominations received, the year's checks (to ask a commune, return or
approve its year) and the questions asked; one page a tab, a menu for the file."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from thidua_desktop import __version__, paths
from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store

from ..common import screen
from ..common.backups_dialog import BackupsDialog
from ..common.messages import bring_forward, exec_dialog, officer_name, show_done
from ..common.window import PageTabs, Tab, add_menu, page_attribute

TABS = (
    Tab("communes", "Các xã", "upper.communes_page:CommunesPage"),
    Tab("importer", "Nhập gói", "upper.import_page:ImportPage"),
    Tab("overview", "Tổng hợp", "upper.overview_page:OverviewPage"),
    Tab("nominations", "Đề nghị khen thưởng", "upper.nominations_page:ReceivedNominationsPage"),
    Tab("checks", "Kiểm tra", "upper.checks_page:ChecksPage"),
    Tab("queries", "Câu hỏi", "upper.queries_page:QueriesPage"),
)


class UpperWindow(QMainWindow):
    communes = page_attribute("communes")
    importer = page_attribute("importer")
    overview = page_attribute("overview")
    nominations = page_attribute("nominations")
    checks = page_attribute("checks")
    queries = page_attribute("queries")

    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        me = upper_level.upper_only(store)
        self.setWindowTitle(f"ThiDua Desktop - Cấp trên: {me['name']} ({upper_level.LEVEL_LABELS[me['level']]})")
        self.tabs = PageTabs(self, TABS, self._build_page)
        self.setCentralWidget(self.tabs)
        add_menu(
            self,
            "&Tệp",
            (("&Khôi phục từ bản sao lưu...", None, self.restore_backup), None, ("T&hoát", "Ctrl+Q", self.close)),
        )
        add_menu(self, "Trợ &giúp", (("&Giới thiệu", None, self.about),))
        self.path_label = QLabel(
            f"Cán bộ: {officer_name(store) or 'chưa ghi tên'}   |   Tệp dữ liệu: {store.path}   |   Mã nhận diện của "
            f"cấp trên: {upper_level.fingerprint_of(store)}"
        )
        self.statusBar().showMessage(self.path_label.text())
        screen.fill(self)

    def _build_page(self, tab: Tab, cls: type):
        if tab.name == "importer":
            return cls(self.store, lambda: self.refresh(but=self.importer))
        page = cls(self.store)
        if tab.name == "communes":
            page.trusted.connect(self.refresh)
        elif tab.name in ("checks", "queries"):
            page.changed.connect(lambda: self.refresh(but=page))
        return page

    def refresh(self, but=None) -> None:
        """Something changed the file (an import, a key confirmed, a restore): every page built shows it
        again (but the one that did it, which has)."""
        for page in self.tabs.built():
            if page is not but:
                page.reload()

    def restore_backup(self) -> None:
        importer = self.tabs.pages.get("importer")
        if importer is not None and importer.server is not None:
            importer.stop_inbox()  # nothing may arrive while the file is put back
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
        importer = self.tabs.pages.get("importer")
        if importer is not None:
            importer.stop_inbox()
        event.accept()
