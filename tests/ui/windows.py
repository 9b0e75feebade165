"""Every top-level window and dialog of the program, built as the officer opens them, for the tests
that look at all of them at once (they fit the screen; their Alt letters are unique) and for the
screenshots taken under Xvfb.

`catalogue(commune, upper, folder)` gives (name, build) pairs; `build()` returns the window, not yet
shown. `commune` is a filled commune's store, `upper` a level above's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QWidget

from thidua_desktop import excel
from thidua_desktop.evaluation import criteria, evaluator, nominations, votes
from thidua_desktop.register import dataset
from thidua_desktop.store import Store

Build = Callable[[], QWidget]


def a_pdf(path: Path, pages: int = 2) -> Path:
    """A printout of A4 pages with Vietnamese on them, for the preview."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF()))
    painter = QPainter(writer)
    for n in range(pages):
        if n:
            writer.newPage()
        painter.drawText(400, 600, f"BIÊN BẢN HỌP BÌNH XÉT - trang {n + 1}")
    painter.end()
    return path


def a_sheet(path: Path, village: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tên người đứng đầu hộ", "Giới tính", "Thôn", "Số khẩu", "Năm", "Phân loại", "Thu nhập"])
    ws.append([1, "Lò Văn Páo", "Nam", village, 4, 2021, "Hộ cận nghèo", 1_100_000])
    wb.save(path)
    return path


def catalogue(commune: Store, upper: Store, folder: Path) -> list[tuple[str, Build]]:
    from ui.common.backups_dialog import BackupsDialog
    from ui.commune.commune_page import CommuneDialog
    from ui.excel.import_dialog import ExcelImportDialog
    from ui.main_window import MainWindow
    from ui.meetings.meeting_dialog import HouseholdPicker, MeetingDialog
    from ui.nominations.nomination_dialog import NominationDialog
    from ui.nominations.nominations_page import DecisionDialog, PrintDossierDialog
    from ui.outbox.questions_page import answer_dialog
    from ui.printing.preview import PdfPreview
    from ui.register.household_dialog import HouseholdDialog, LoanDialog
    from ui.register.village_page import VillageDialog
    from ui.review.grid import DeprivationDialog
    from ui.upper import talk_back
    from ui.upper.report_dialog import UpperReportDialog
    from ui.upper.setup_dialog import UpperSetupDialog
    from ui.upper.upper_window import UpperWindow

    rules = criteria.load()
    village = commune.register.villages()[0]
    named = list(commune.register.household_names().values())
    household = next(h for h in named if commune.register.household(h.id)["years"])
    meeting = commune.meetings.find()[0]
    report = evaluator.evaluate(dataset.export_data(commune), 2019, rules)
    loaned = next(
        (h.id for h in named if commune.register.household(h.id)["loans"]),
        household.id,
    )
    commune.backup("ảnh chụp màn hình")
    said = (
        "Hộ ghi là không nghèo, nhưng theo thu nhập và chỉ số thiếu hụt đã ghi, chuẩn nghèo cho kết quả hộ nghèo. " * 8
    )
    asked = {"id": "q1", "kind": "query", "text": said, "asked_at": "2020-12-01T09:30:00+07:00", "answer": None}
    empty = Store.open(folder / "moi.sqlite", actor=commune.actor)  # before the first-start setup
    started = Store.open(folder / "bat-dau.sqlite", actor=commune.actor)  # the setup done: no village yet
    started.register.save_commune({**commune.register.commune(), "years": []})
    sheet_path = a_sheet(folder / "danh-sach.xlsx", village["name"])

    def household_with_errors() -> QWidget:
        dialog = HouseholdDialog(commune, household.id)
        dialog.name.setText("")
        dialog.id_number.setText("0012")
        dialog._try_save()
        return dialog

    def first_start_with_errors() -> QWidget:
        dialog = CommuneDialog(empty, first_run=True)
        dialog.code.setText("12")
        dialog.province_code.setText("1")
        dialog._try_save()
        return dialog

    def records_tab() -> QWidget:
        dialog = HouseholdDialog(commune, household.id, year=2019)
        dialog.tabs.setCurrentWidget(dialog.records)
        return dialog

    def loans_tab() -> QWidget:
        dialog = HouseholdDialog(commune, loaned)
        dialog.tabs.setCurrentWidget(dialog.loans)
        return dialog

    return [
        ("main-window", lambda: MainWindow(commune)),
        ("main-window-first-start", lambda: MainWindow(started)),
        ("upper-window", lambda: UpperWindow(upper)),
        ("first-start", lambda: CommuneDialog(empty, first_run=True)),
        ("first-start-errors", first_start_with_errors),
        ("commune", lambda: CommuneDialog(commune)),
        ("upper-setup", lambda: UpperSetupDialog(empty)),
        ("household", lambda: HouseholdDialog(commune, household.id)),
        ("household-records", records_tab),
        ("household-loans", loans_tab),
        ("household-errors", household_with_errors),
        ("household-new", lambda: HouseholdDialog(commune, village_id=village["id"])),
        ("loan", lambda: LoanDialog(None)),
        ("village", lambda: VillageDialog(commune, village["id"])),
        ("deprivations", lambda: DeprivationDialog(household.head_name, 2019, ["water_source"])),
        ("household-picker", lambda: HouseholdPicker([(h.id, h.head_name, h.code) for h in named[:40]])),
        ("meeting", lambda: MeetingDialog(commune, rules, commune.meetings.get(meeting["id"], with_times=True), False)),
        (
            "meeting-new",
            lambda: MeetingDialog(commune, rules, votes.new_meeting(village["id"], 2019, "2019-12-10"), True),
        ),
        ("nomination", lambda: NominationDialog(commune, report, nominations.draft(2019, "household"), True)),
        (
            "nomination-individual",
            lambda: NominationDialog(commune, report, nominations.draft(2019, "individual"), True),
        ),
        ("decision", lambda: DecisionDialog()),
        ("print-dossier", lambda: PrintDossierDialog(commune)),
        (
            "pdf-preview",
            lambda: PdfPreview(
                commune, [a_pdf(folder / "bien-ban.pdf"), a_pdf(folder / "to-trinh.pdf", 1)], "Biên bản họp bình xét"
            ),
        ),
        ("excel-import", lambda: ExcelImportDialog(commune, str(sheet_path), excel.read_sheet(sheet_path))),
        ("backups", lambda: BackupsDialog(commune)),
        ("upper-backups", lambda: BackupsDialog(upper, upper=True)),
        (
            "ask-household",
            lambda: talk_back.ask_dialog(upper, "02191", "Xã Hồng Thái", household.id, household.label, said),
        ),
        ("return-year", lambda: talk_back.return_dialog(upper, "02191", "Xã Hồng Thái", 2019, said)),
        ("answer-question", lambda: answer_dialog(commune, asked, f"Hộ {household.label}", said)),
        ("upper-report", lambda: UpperReportDialog(upper, 2019)),
    ]
