"""The main window: composes the feature pages; holds no logic of its own beyond wiring."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog, QTabWidget

from thidua_desktop import __version__, excel, paths, settings
from thidua_desktop.evaluation import votes
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from thidua_desktop.text import clean

from .common import screen
from .common.backups_dialog import BackupsDialog
from .common.widgets import bring_forward, confirm, exec_dialog, officer_name, run_guarded, show_done, show_error
from .common.worker import Worker
from .commune.commune_page import CommuneDialog, CommuneYearsPage
from .evaluation.page import EvaluationPage
from .excel.import_dialog import ExcelImportDialog
from .meetings.meetings_page import MeetingsPage
from .nominations.nominations_page import NominationsPage
from .outbox.outbox_page import OutboxPage
from .outbox.questions_page import QuestionsPage
from .register.household_dialog import HouseholdDialog
from .register.household_page import HouseholdPage
from .register.recycle_bin import RecycleBinPage
from .register.village_page import VillageDialog, VillagePage
from .review.grid import ReviewGridPage


def import_work(file: str):
    def work(store: Store, progress) -> str:
        return dataset.import_file(store, file, progress=progress).summary()

    return work


def export_work(file: str):
    def work(store: Store, progress) -> str:
        progress(30, "Đang đọc dữ liệu...")
        data = dataset.export_file(store, file)
        return f"Đã xuất {len(data['villages'])} thôn, {len(data['households'])} hộ ra tệp {file}."

    return work


TAB_TITLES = [
    "Hộ gia đình",
    "Thôn, bản, tổ dân phố",
    "Rà soát hằng năm",
    "Đánh giá của xã",
    "Họp bình xét",
    "Kết quả thi đua",
    "Đề nghị khen thưởng",
    "Gửi lên cấp trên",
    "Câu hỏi của cấp trên",
    "Thùng rác",
]


class MainWindow(QMainWindow):
    job_done = Signal(bool)  # a dataset import or export ended: succeeded or not

    def __init__(self, store: Store, demo: bool = False):
        super().__init__()
        self.store = store
        self.tabs = QTabWidget()
        self.households = HouseholdPage(store)
        self.villages = VillagePage(store)
        self.review = ReviewGridPage(store)
        self.commune_years = CommuneYearsPage(store)
        self.recycle_bin = RecycleBinPage(store)
        self.evaluation = EvaluationPage(store)
        self.meetings = MeetingsPage(store)
        self.nominations = NominationsPage(store)
        self.outbox = OutboxPage(store)
        self.questions = QuestionsPage(store)
        self.pages = [
            self.households,
            self.villages,
            self.review,
            self.commune_years,
            self.meetings,
            self.evaluation,
            self.nominations,
            self.outbox,
            self.questions,
            self.recycle_bin,
        ]
        # The tabs go by Ctrl+1 ... Ctrl+9, Ctrl+0 (and Ctrl+Tab): their titles keep no Alt letter, which is
        # left to the buttons and fields of the page on screen.
        for number, (page, title) in enumerate(zip(self.pages, TAB_TITLES), start=1):
            index = self.tabs.addTab(page, title)
            self.tabs.setTabToolTip(index, f"{title} (Ctrl+{number % 10})")
            QShortcut(QKeySequence(f"Ctrl+{number % 10}"), self, activated=lambda i=index: self.tabs.setCurrentIndex(i))
            page.data_changed.connect(self.refresh)
        self.households.add_village.connect(self.villages.add)
        self.households.import_excel.connect(self.import_excel)
        self.evaluation.open_household.connect(self.fill_household_criterion)
        self.evaluation.open_village.connect(self.edit_village)
        self.evaluation.open_commune_years.connect(lambda: self.tabs.setCurrentWidget(self.commune_years))
        self.questions.open_year.connect(self.review_year)
        self.questions.open_questions.connect(self._count_questions)
        self.questions.reload()  # the tab says at once how many questions wait for an answer
        self.setCentralWidget(self.tabs)
        self._build_menu()
        self.path_label = QLabel()
        self.statusBar().addPermanentWidget(self.path_label)
        self.demo = demo
        self._update_title()
        screen.fill(self)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Tệp")
        for text, shortcut, slot in (
            ("&Nhập toàn bộ dữ liệu của xã từ tệp...", "Ctrl+I", self.import_json),
            ("&Xuất toàn bộ dữ liệu của xã ra tệp...", "Ctrl+E", self.export_json),
            (None, None, None),
            ("Nhập danh sách hộ từ &Excel...", None, self.import_excel),
            ("Xuất &danh sách hộ đang hiện ra Excel...", None, self.export_excel),
            ("Ghi &mẫu Excel nhập danh sách hộ...", None, self.save_excel_template),
            (None, None, None),
            ("&Thông tin xã...", None, self.edit_commune),
            ("Đổi &cán bộ sử dụng...", None, self.change_officer),
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

    def _update_title(self) -> None:
        commune = self.store.register.commune()
        name = f"{commune['name']}, {commune['province_name']}" if commune else ""
        self.setWindowTitle(
            " - ".join(filter(None, ["ThiDua Desktop", name])) + (" (dữ liệu mẫu)" if self.demo else "")
        )
        officer = officer_name(self.store) or "chưa ghi tên (Tệp > Đổi cán bộ sử dụng)"
        self.path_label.setText(f"Cán bộ: {officer}   |   Tệp dữ liệu: {self.store.path}")

    def refresh(self) -> None:
        """Something changed the file: every page shows it again (the page that changed it has)."""
        sender = self.sender()
        for page in self.pages:
            if page is not sender:
                page.reload()
        self._update_title()

    def refresh_all(self) -> None:
        """The whole file changed under every page (an import, a restore): each shows it again."""
        for page in self.pages:
            page.reload()
        self._update_title()

    def edit_commune(self) -> None:
        if exec_dialog(CommuneDialog(self.store, parent=self)):
            self.refresh_all()

    def fill_household_criterion(self, household_id: str, criterion: str, year: int) -> None:
        """From a verdict to the field that decides it; the household is judged again on saving."""
        if criterion in votes.VOTE_CRITERIA:
            # the vote comes from the village meeting's minutes: open that year's meetings
            self.meetings.year.setValue(year)
            self.tabs.setCurrentWidget(self.meetings)
            return
        dialog = HouseholdDialog(self.store, household_id, year=year, parent=self)
        dialog.focus_criterion(criterion, year)
        if exec_dialog(dialog):
            self.refresh_all()  # every list and counter; the verdicts say they are stale...
            self.evaluation.refresh_household(household_id)  # ...but this household's is judged again at once

    def review_year(self, year: int, said: str) -> None:
        """A year the level above returned: the whole commune's review grid of that year, with what the
        level above said of it under the grid."""
        self.review.year.setValue(year)
        self.review.village.setCurrentIndex(0)  # Cả xã
        self.tabs.setCurrentWidget(self.review)
        self.review.status.setText(f"{self.review.status.text()} {said}")

    def _count_questions(self, waiting: int) -> None:
        index = self.tabs.indexOf(self.questions)
        title = TAB_TITLES[index]
        self.tabs.setTabText(index, f"{title} ({waiting})" if waiting else title)

    def edit_village(self, village_id: str) -> None:
        if exec_dialog(VillageDialog(self.store, village_id, self)):
            self.refresh_all()

    def change_officer(self) -> None:
        """The name written in the change history from now on."""
        name, ok = QInputDialog.getText(
            self,
            "Cán bộ sử dụng",
            "Họ và tên cán bộ đang sử dụng chương trình (ghi vào lịch sử thay đổi):",
            text=officer_name(self.store) or "",
        )
        name = clean(name)
        if ok and name and run_guarded(self, lambda: settings.OFFICER.set(self.store, name)):
            self.store.actor = name
            self._update_title()

    def bring_forward(self) -> None:
        bring_forward(self)

    def restore_backup(self) -> None:
        dialog = BackupsDialog(self.store, self)
        if exec_dialog(dialog):
            self.refresh_all()
            show_done(self, dialog.restored_text, "Đã khôi phục")

    def about(self) -> None:
        QMessageBox.about(
            self,
            "Giới thiệu ThiDua Desktop",
            f'ThiDua Desktop {__version__}\n\nPhong trào thi đua "Cả nước chung tay vì người nghèo - '
            f'Không để ai bị bỏ lại phía sau".\n\nTệp dữ liệu: {self.store.path}\n'
            f"Thư mục sao lưu: {paths.backups_dir(self.store.path)}\n"
            f"Nhật ký: {paths.logs_dir()}",
        )

    # --- dataset import and export, in a worker ------------------------------------------
    def import_json(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Chọn tệp dữ liệu của xã", "", "Tệp dữ liệu của xã (*.json)")
        if file and confirm(
            self,
            "Nhập dữ liệu",
            f"Nhập tệp {Path(file).name} vào dữ liệu của xã?\nTệp được kiểm tra trước; "
            "nếu có lỗi thì không có gì được ghi. Dữ liệu hiện có được sao lưu trước khi nhập.",
            yes="Nhập",
            no="Không",
        ):
            self._run_job("import", file, "Đang nhập dữ liệu...")

    def export_json(self) -> None:
        commune = self.store.register.commune()
        suggested = f"thidua-{commune['code']}.json" if commune else "thidua.json"
        file, _ = QFileDialog.getSaveFileName(
            self, "Xuất toàn bộ dữ liệu của xã", suggested, "Tệp dữ liệu của xã (*.json)"
        )
        if file:
            self._run_job("export", file, "Đang xuất dữ liệu...")

    def import_excel(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Chọn danh sách hộ (Excel)", "", "Tệp Excel (*.xlsx)")
        if not file:
            return
        try:
            sheet = excel.read_sheet(file)
        except excel.CellError as exc:
            show_error(self, str(exc), "Không đọc được tệp")
            return
        dialog = ExcelImportDialog(self.store, file, sheet, self)
        told: list[str] = []
        dialog.imported.connect(told.append)
        exec_dialog(dialog)
        if told:
            self.refresh_all()
            show_done(self, told[0], "Đã nhập danh sách hộ")

    def export_excel(self) -> None:
        """The household list as it is on screen, filtered and sorted as it is."""
        file, _ = QFileDialog.getSaveFileName(self, "Xuất danh sách hộ", "danh-sach-ho.xlsx", "Tệp Excel (*.xlsx)")
        if not file:
            return
        pks = list(self.households.model.ids)
        self._progress = QProgressDialog("Đang xuất danh sách hộ...", None, 0, 100, self)
        self._progress.setMinimumDuration(0)
        self._job_kind = "export"

        def work(store: Store, progress) -> str:
            rows = excel.export_store(store, file, progress, pks)
            return f"Đã xuất {len(pks)} hộ ({rows} dòng) ra tệp {file}."

        Worker(self, self.store, work, self._job_progress, self._job_succeeded, self._job_failed)

    def save_excel_template(self) -> None:
        file, _ = QFileDialog.getSaveFileName(self, "Ghi mẫu Excel", "mau-danh-sach-ho.xlsx", "Tệp Excel (*.xlsx)")
        if file and run_guarded(self, lambda: excel.write_template(file, self.store)):
            show_done(self, f"Đã ghi mẫu Excel nhập danh sách hộ: {file}")

    def _run_job(self, kind: str, file: str, title: str) -> None:
        self._progress = QProgressDialog(title, None, 0, 100, self)
        self._progress.setWindowTitle("ThiDua Desktop")
        self._progress.setMinimumDuration(0)
        self._progress.setValue(0)
        self._job_kind = kind
        work = import_work(file) if kind == "import" else export_work(file)
        Worker(self, self.store, work, self._job_progress, self._job_succeeded, self._job_failed)

    def _job_progress(self, pct: int, text: str) -> None:
        self._progress.setValue(pct)
        self._progress.setLabelText(text)

    def _job_succeeded(self, message: str) -> None:
        self._progress.close()
        if self._job_kind == "import":
            self.refresh_all()
        show_done(self, message)
        self.job_done.emit(True)

    def _job_failed(self, message: str) -> None:
        self._progress.close()
        show_error(self, message, "Tệp bị từ chối" if self._job_kind == "import" else "Không xuất được")
        self.job_done.emit(False)

    def closeEvent(self, event):
        dirty = [
            p
            for p in (self.review, self.commune_years)
            if getattr(p, "dirty", False) or getattr(getattr(p, "model", None), "pending", None)
        ]
        if dirty and not confirm(self, "Chưa lưu", "Có thay đổi chưa lưu. Vẫn thoát?", yes="Thoát", no="Quay lại"):
            event.ignore()
            return
        event.accept()
