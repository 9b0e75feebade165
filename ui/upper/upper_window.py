"""The level above's window: the communes and their keys, importing packages (checked first, then
written), the year's overview, and the nominations received; one page a tab."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTabWidget

from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store

from ..common.widgets import bring_forward
from .communes_page import CommunesPage
from .import_page import ImportPage
from .nominations_page import ReceivedNominationsPage
from .overview_page import OverviewPage


class UpperWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        me = upper_level.upper_only(store)
        self.setWindowTitle(f"ThiDua Desktop - Cấp trên: {me['name']} ({upper_level.LEVEL_LABELS[me['level']]})")
        self.tabs = QTabWidget()
        self.communes = CommunesPage(store)
        self.importer = ImportPage(store, self.communes.reload)
        self.overview = OverviewPage(store)
        self.nominations = ReceivedNominationsPage(store)
        for page, title in (
            (self.communes, "Các &xã"),
            (self.importer, "&Nhập gói"),
            (self.overview, "&Tổng hợp"),
            (self.nominations, "Đề nghị &khen thưởng"),
        ):
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(
            f"Cán bộ: {store.actor}   |   Tệp dữ liệu: {store.path}   |   Mã nhận diện của "
            f"cấp trên: {upper_level.fingerprint_of(store)}"
        )
        self.resize(1280, 780)

    def bring_forward(self) -> None:
        bring_forward(self)

    def closeEvent(self, event):
        self.importer.stop_inbox()
        event.accept()
