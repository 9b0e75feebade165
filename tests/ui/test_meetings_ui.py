"""Meetings and nominations in the window: votes checked as typed, the outcome at once, nothing saved
that the rules refuse, nominees picked and moved along, and the papers printed and previewed."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from thidua_desktop import settings
from thidua_desktop.evaluation import criteria, evaluator, nominations, votes
from thidua_desktop.register import dataset
from ui.main_window import MainWindow
from ui.meetings.meeting_dialog import MeetingDialog
from ui.nominations.nomination_dialog import NominationDialog
from ui.printing import preview
from ui.printing.preview import PdfPreview, print_pdf

CRITERIA = criteria.load()


@pytest.fixture
def window(qtbot, filled_store, monkeypatch):
    shown = []
    monkeypatch.setattr(PdfPreview, "exec", lambda self: shown.append([f.name for f in self.files]) or 0)
    w = MainWindow(filled_store)
    qtbot.addWidget(w)
    w.show()
    w.previews = shown
    return w


def test_votes_over_the_attendance_are_flagged_as_typed_and_not_saved(qtbot, window, filled_store):
    page = window.meetings
    window.tabs.setCurrentWidget(page)
    page.year.setValue(2019)
    page.table.selectRow(0)
    meeting = page.selected()
    dialog = MeetingDialog(filled_store, CRITERIA, meeting, False, page)
    qtbot.addWidget(dialog)
    _hid, agree, disagree, abstain = dialog.rows[0]
    dialog.attendees.setValue(20)
    agree.setValue(10)
    disagree.setValue(5)
    abstain.setValue(0)
    assert dialog.table.item(0, 5).text() == "✔ Được đề nghị (50%, cần ≥ 50%)"
    agree.setValue(9)
    assert dialog.table.item(0, 5).text().startswith("✘ Không đủ số đồng ý (45%")
    abstain.setValue(7)
    assert dialog.table.item(0, 5).text() == "⚠ Tổng 21 ý kiến > 20 người dự họp"
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() or dialog.result() == 0
    assert "Dòng 1: Tổng số ý kiến (9 đồng ý + 5 không đồng ý + 7 không ý kiến = 21)" in dialog.summary.text()
    assert filled_store.meetings.get(meeting["id"]) == meeting  # nothing written
    abstain.setValue(6)
    dialog.attendees.setValue(meeting["attendees"])  # the other households' votes fit again
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    saved = filled_store.meetings.get(meeting["id"])
    assert saved["decisions"][0] == {"household_id": _hid, "agree": 9, "disagree": 5, "abstain": 6}


def test_a_new_meeting_lists_the_households_still_in_the_running(qtbot, window, filled_store):
    village = filled_store.register.villages()[0]
    report = evaluator.evaluate(dataset.export_data(filled_store), 2020, CRITERIA)
    m = votes.new_meeting(village["id"], 2020, "2020-12-10")
    expected = [i.head_name for i in votes.agenda(filled_store, m, report)]
    dialog = MeetingDialog(filled_store, CRITERIA, m, True, window)
    qtbot.addWidget(dialog)
    assert sorted(dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())) == sorted(expected)
    assert dialog.listed.value() == filled_store.register.village_household_counts()[village["id"]]
    dialog.attendees.setValue(0)
    assert dialog.attendees_error.text() == "Số người dự họp phải từ 1 trở lên."
    dialog.attendees.setValue(30)
    dialog.represented.setValue(24)
    dialog.listed.setValue(30)
    assert dialog.attendance.text() == "24/30 hộ = 80%"
    dialog.officials.setPlainText("Hà Thị Lý, Ủy ban MTTQ xã\nNông Văn Đức")
    dialog.held_on.setDate(dialog.held_on.date().addYears(2))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "phải họp trong năm 2020 hoặc đầu năm 2021" in dialog.date_error.text()
    dialog.held_on.setDate(dialog.held_on.date().addYears(-2))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    saved = filled_store.meetings.get(m["id"])
    assert saved["officials"] == [
        {"name": "Hà Thị Lý", "role": "Ủy ban MTTQ xã"},
        {"name": "Nông Văn Đức", "role": None},
    ]
    assert len(saved["decisions"]) == len(expected)


def test_minutes_print_from_the_meetings_page(window, filled_store, prompts):
    page = window.meetings
    window.tabs.setCurrentWidget(page)
    page.year.setValue(2019)
    page.table.selectRow(0)
    page.print_minutes()
    page.print_blank()
    assert window.previews[0][0].startswith("bien-ban-2019") and window.previews[1][0].startswith("bien-ban-trong-")
    page.table.clearSelection()
    page.table.setCurrentCell(-1, -1)
    page.print_minutes()
    assert prompts[-1] == "Hãy chọn một cuộc họp trong danh sách trước."


def test_a_vote_criterion_in_the_results_leads_to_that_years_meetings(window):
    window.fill_household_criterion("x", "A6", 2018)
    assert window.tabs.currentWidget() is window.meetings and window.meetings.year.value() == 2018


def test_nominees_are_picked_moved_along_and_printed(qtbot, window, filled_store, monkeypatch):
    page = window.nominations
    page.year.setValue(2019)
    window.tabs.setCurrentWidget(page)
    page.pick_from_evaluation()
    report = page.report
    eligible = sum(1 for h in report["households"] if h["verdict"] == "eligible")
    met = sum(1 for v in report["villages"] if v["verdict"] == "met")
    assert page.table.rowCount() == eligible + met == len(filled_store.nominations.find(2019))
    page.table.selectRow(0)
    page.approve()
    assert page.table.item(0, 6).text() == "Xã đã duyệt"
    page.table.selectRow(0)
    page.mark_decided()  # not yet sent: refused, nothing changes
    assert filled_store.nominations.find(2019)[0]["status"] == "approved"
    page.table.selectRow(0)
    page.mark_sent()
    monkeypatch.setattr(
        "ui.nominations.nominations_page.QInputDialog.getMultiLineText",
        lambda *a, **k: ("Bổ sung biên bản họp thôn", True),
    )
    page.table.selectRow(0)
    page.mark_returned()
    first = filled_store.nominations.find(2019)[0]
    assert first["status"] == "returned" and first["comment"] == "Bổ sung biên bản họp thôn"
    assert "Cấp trên: Bổ sung biên bản họp thôn" in page.table.item(0, 7).text()
    monkeypatch.setattr("ui.nominations.nominations_page.PrintDossierDialog.exec", lambda self: 1)
    with qtbot.waitSignal(page.dossier_printed, timeout=60000) as printed:
        page.print_dossier()
    # the commune chairman's own Giấy khen: his Quyết định with its reports and minutes, no tờ trình
    assert [p.name for p in printed.args[0]] == [
        "01-quyet-dinh-khen-thuong-2019.pdf",
        "02-bao-cao-thanh-tich-kem-quyet-dinh-2019.pdf",
        "03-bien-ban-hop-binh-xet-kem-quyet-dinh-2019.pdf",
    ]
    assert window.previews[-1][0] == "01-quyet-dinh-khen-thuong-2019.pdf"


def test_a_nominee_not_found_eligible_needs_a_reason_in_the_form(qtbot, window, filled_store):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    other = next(h for h in report["households"] if h["verdict"] == "not_eligible")
    dialog = NominationDialog(
        filled_store, report, nominations.draft(2019, "household", household_id=other["id"]), True, window
    )
    qtbot.addWidget(dialog)
    assert dialog.verdict.text() == "✘ Kết quả đánh giá năm 2019: Không đủ điều kiện"
    assert "bắt buộc" in dialog.reason_label.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "phải ghi rõ lý do" in dialog.error.text()
    assert filled_store.nominations.find(2019) == []
    dialog.reason.setPlainText("Giúp đỡ ba hộ nghèo trong thôn")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert filled_store.nominations.find(2019)[0]["override_reason"] == "Giúp đỡ ba hộ nghèo trong thôn"


def test_the_checklist_fills_the_achievements_of_an_organisation(qtbot, window, filled_store):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    dialog = NominationDialog(filled_store, report, nominations.draft(2019, "organization"), True, window)
    qtbot.addWidget(dialog)
    assert dialog.checklist_box.isVisibleTo(dialog) and not dialog.household.isVisibleTo(dialog)
    dialog.checks[0].setChecked(True)
    dialog.checks[2].setChecked(True)
    dialog.checks[0].setChecked(False)
    assert dialog.achievements.toPlainText() == nominations.CHECKLISTS["organization"][2]
    dialog.name.setText("Hợp tác xã Chè Đồng Tâm")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert filled_store.nominations.find(2019)[0]["nominee_name"] == "Hợp tác xã Chè Đồng Tâm"


def test_the_preview_shows_pages_prints_them_and_saves_copies(qtbot, filled_store, tmp_path, monkeypatch):
    from thidua_desktop.documents import dossier

    meeting = filled_store.meetings.find(2019)[0]
    pdf = dossier.write_minutes(filled_store, meeting["id"], tmp_path / "bb.pdf", CRITERIA)
    view = PdfPreview(filled_store, [pdf], "Biên bản")
    qtbot.addWidget(view)
    assert view.pages_label.text() == f"{len(pdfium.PdfDocument(str(pdf)))} trang"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_pdf(pdf, printer)
    assert len(pdfium.PdfDocument(str(tmp_path / "printed.pdf"))) == len(pdfium.PdfDocument(str(pdf)))
    target = tmp_path / "nơi lưu" / "bien-ban.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(preview.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    view.save_copy()
    assert target.read_bytes() == pdf.read_bytes()
    assert settings.PRINT_FOLDER.get(filled_store) == str(target.parent)
    image = next(preview.page_images(pdf, 40))
    assert image.width() == round(595.28 * 40 / 72) and image.pixelColor(5, 5).name() == "#ffffff"
    assert image.format() != image.Format.Format_Invalid and Qt.AlignmentFlag.AlignHCenter
