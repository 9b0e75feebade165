"""The main window: composes the feature pages; holds no logic of its own beyond wiring. Qt's dialogs and
the background worker are imported where they open: the window's first paint needs none of them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from thidua_desktop import __version__, paths, settings
from thidua_desktop.store import Store
from thidua_desktop.text import clean

from .common import screen
from .common.messages import bring_forward, confirm, exec_dialog, officer_name, run_guarded, show_done, show_error
from .common.window import PageTabs, Tab, add_menu, page_attribute


def import_work(file: str):
    def work(store: Store, progress) -> str:
        from thidua_desktop.register import dataset

        return dataset.import_file(store, file, progress=progress).summary()

    return work


def export_work(file: str):
    def work(store: Store, progress) -> str:
        from thidua_desktop.register import dataset

        progress(30, "Đang đọc dữ liệu...")
        data = dataset.export_file(store, file)
        return f"Đã xuất {len(data['villages'])} thôn, {len(data['households'])} hộ ra tệp {file}."

    return work


TABS = (
    Tab("households", "Hộ gia đình", "register.household_page:HouseholdPage"),
    Tab("villages", "Thôn, bản, tổ dân phố", "register.village_page:VillagePage"),
    Tab("review", "Rà soát hằng năm", "review.grid:ReviewGridPage"),
    Tab("commune_years", "Đánh giá của xã", "commune.commune_page:CommuneYearsPage"),
    Tab("meetings", "Họp bình xét", "meetings.meetings_page:MeetingsPage"),
    Tab("evaluation", "Kết quả thi đua", "evaluation.page:EvaluationPage"),
    Tab("nominations", "Đề nghị khen thưởng", "nominations.nominations_page:NominationsPage"),
    Tab("outbox", "Gửi lên cấp trên", "outbox.outbox_page:OutboxPage"),
    Tab("questions", "Câu hỏi của cấp trên", "outbox.questions_page:QuestionsPage"),
    Tab("recycle_bin", "Thùng rác", "register.recycle_bin:RecycleBinPage"),
)


class MainWindow(QMainWindow):
    job_done = Signal(bool)  # a dataset import or export ended: succeeded or not

    households = page_attribute("households")
    villages = page_attribute("villages")
    review = page_attribute("review")
    commune_years = page_attribute("commune_years")
    meetings = page_attribute("meetings")
    evaluation = page_attribute("evaluation")
    nominations = page_attribute("nominations")
    outbox = page_attribute("outbox")
    questions = page_attribute("questions")
    recycle_bin = page_attribute("recycle_bin")

    def __init__(self, store: Store, demo: bool = False):
        super().__init__()
        self.store = store
        self.demo = demo
        self.tabs = PageTabs(self, TABS, self._build_page)
        self.setCentralWidget(self.tabs)
        self._build_menu()
        self.path_label = QLabel()
        self.statusBar().addPermanentWidget(self.path_label)
        self._update_title()
        self._count_questions()  # the tab says at once how many questions wait for an answer
        screen.fill(self)

    def _build_page(self, tab: Tab, cls: type):
        page = cls(self.store)
        page.data_changed.connect(self.refresh)
        if tab.name == "households":
            page.add_village.connect(lambda: self.villages.add())
            page.import_excel.connect(self.import_excel)
        elif tab.name == "evaluation":
            page.open_household.connect(self.fill_household_criterion)
            page.open_village.connect(self.edit_village)
            page.open_commune_years.connect(lambda: self.tabs.setCurrentWidget(self.commune_years))
        elif tab.name == "questions":
            page.open_year.connect(self.review_year)
        return page

    def _build_menu(self) -> None:
        add_menu(
            self,
            "&Tệp",
            (
                ("&Nhập toàn bộ dữ liệu của xã từ tệp...", "Ctrl+I", self.import_json),
                ("&Xuất toàn bộ dữ liệu của xã ra tệp...", "Ctrl+E", self.export_json),
                None,
                ("Nhập danh sách hộ từ &Excel...", None, self.import_excel),
                ("Xuất &danh sách hộ đang hiện ra Excel...", None, self.export_excel),
                ("Ghi &mẫu Excel nhập danh sách hộ...", None, self.save_excel_template),
                None,
                ("&Thông tin xã...", None, self.edit_commune),
                ("Đổi &cán bộ sử dụng...", None, self.change_officer),
                ("&Khôi phục từ bản sao lưu...", None, self.restore_backup),
                None,
                ("T&hoát", "Ctrl+Q", self.close),
            ),
        )
        add_menu(self, "Trợ &giúp", (("&Giới thiệu", None, self.about),))

    def _update_title(self) -> None:
        commune = self.store.register.commune()
        name = f"{commune['name']}, {commune['province_name']}" if commune else ""
        self.setWindowTitle(
            " - ".join(filter(None, ["ThiDua Desktop", name])) + (" (dữ liệu mẫu)" if self.demo else "")
        )
        officer = officer_name(self.store) or "chưa ghi tên (Tệp > Đổi cán bộ sử dụng)"
        self.path_label.setText(f"Cán bộ: {officer}   |   Tệp dữ liệu: {self.store.path}")

    def refresh(self) -> None:
        """Something changed the file: every page built shows it again (the page that changed it has)."""
        sender = self.sender()
        for page in self.tabs.built():
            if page is not sender:
                page.reload()
        self._update_title()
        self._count_questions()

    def refresh_all(self) -> None:
        """The whole file changed under every page (an import, a restore): each built shows it again."""
        for page in self.tabs.built():
            page.reload()
        self._update_title()
        self._count_questions()

    def edit_commune(self) -> None:
        from .commune.commune_page import CommuneDialog

        if exec_dialog(CommuneDialog(self.store, parent=self)):
            self.refresh_all()

    def fill_household_criterion(self, household_id: str, criterion: str, year: int) -> None:
        """From a verdict to the field that decides it; the household is judged again on saving."""
        from thidua_desktop.evaluation import votes

        from .register.household_dialog import HouseholdDialog

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

    def _count_questions(self) -> None:
        """The questions tab's title counts the questions that wait for the commune's answer."""
        waiting = len(self.store.queries.find(status="open"))
        title = self.tabs.title("questions")
        self.tabs.setTabText(self.tabs.index_of("questions"), f"{title} ({waiting})" if waiting else title)

    def edit_village(self, village_id: str) -> None:
        from .register.village_page import VillageDialog

        if exec_dialog(VillageDialog(self.store, village_id, self)):
            self.refresh_all()

    def change_officer(self) -> None:
        """The name written in the change history from now on."""
        from PySide6.QtWidgets import QInputDialog

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
        from .common.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.store, self)
        if exec_dialog(dialog):
            self.refresh_all()
            show_done(self, dialog.restored_text, "Đã khôi phục")

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

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
        from PySide6.QtWidgets import QFileDialog

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
        from PySide6.QtWidgets import QFileDialog

        commune = self.store.register.commune()
        suggested = f"thidua-{commune['code']}.json" if commune else "thidua.json"
        file, _ = QFileDialog.getSaveFileName(
            self, "Xuất toàn bộ dữ liệu của xã", suggested, "Tệp dữ liệu của xã (*.json)"
        )
        if file:
            self._run_job("export", file, "Đang xuất dữ liệu...")

    def import_excel(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from thidua_desktop import excel

        from .excel.import_dialog import ExcelImportDialog

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
        from PySide6.QtWidgets import QFileDialog, QProgressDialog

        from .common.worker import Worker

        file, _ = QFileDialog.getSaveFileName(self, "Xuất danh sách hộ", "danh-sach-ho.xlsx", "Tệp Excel (*.xlsx)")
        if not file:
            return
        from thidua_desktop import excel

        pks = list(self.households.model.ids)
        self._progress = QProgressDialog("Đang xuất danh sách hộ...", None, 0, 100, self)
        self._progress.setMinimumDuration(0)
        self._job_kind = "export"

        def work(store: Store, progress) -> str:
            rows = excel.export_store(store, file, progress, pks)
            return f"Đã xuất {len(pks)} hộ ({rows} dòng) ra tệp {file}."

        Worker(self, self.store, work, self._job_progress, self._job_succeeded, self._job_failed)

    def save_excel_template(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from thidua_desktop import excel

        file, _ = QFileDialog.getSaveFileName(self, "Ghi mẫu Excel", "mau-danh-sach-ho.xlsx", "Tệp Excel (*.xlsx)")
        if file and run_guarded(self, lambda: excel.write_template(file, self.store)):
            show_done(self, f"Đã ghi mẫu Excel nhập danh sách hộ: {file}")

    def _run_job(self, kind: str, file: str, title: str) -> None:
        from PySide6.QtWidgets import QProgressDialog

        from .common.worker import Worker

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
            for p in (self.tabs.pages.get("review"), self.tabs.pages.get("commune_years"))
            if p is not None and getattr(p, "dirty", False) or getattr(getattr(p, "model", None), "pending", None)
        ]
        if dirty and not confirm(self, "Chưa lưu", "Có thay đổi chưa lưu. Vẫn thoát?", yes="Thoát", no="Quay lại"):
            event.ignore()
            return
        event.accept()
