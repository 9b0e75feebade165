"""The evaluation view: judged in the background, filtered, explained, and out to print and PNG."""

import pytest
from PySide6.QtPrintSupport import QPrinter

from tests.helpers import sql
from thidua_desktop import settings
from ui.evaluation.page import EvaluationPage, HouseholdResults
from ui.main_window import MainWindow
from ui.register.household_dialog import HouseholdDialog


@pytest.fixture
def judged(qtbot, filled_store):
    page = EvaluationPage(filled_store)
    qtbot.addWidget(page)
    page.year.setValue(2019)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run()
    return page


def test_background_evaluation_fills_every_view(judged, filled_store):
    report = judged.report
    assert report["year"] == 2019 and report["criteria_set"] == settings.DEFAULT_CRITERIA_SET
    assert judged.households.rowCount() == len(report["households"])
    assert judged.village_table.rowCount() == len(report["villages"])
    assert judged.commune_tree.topLevelItem(0).childCount() == 7
    assert "Năm 2019" in judged.summary.text()
    runs = sql(filled_store, "SELECT year, criteria_set, criteria_version FROM evaluation_run")
    assert [tuple(r) for r in runs] == [(2019, settings.DEFAULT_CRITERIA_SET, 1)]


def test_results_model_passes_the_model_tester(qtmodeltester, judged):
    qtmodeltester.check(judged.households)


def test_filters_show_what_they_say(judged):
    report = judged.report
    judged.household_filter.setCurrentIndex(judged.household_filter.findData("eligible"))
    eligible = [h for h in report["households"] if h["verdict"] == "eligible"]
    assert judged.households.rowCount() == len(eligible)
    for row in range(judged.households.rowCount()):
        assert judged.households.data(judged.households.index(row, 4)) == "✔ Đủ điều kiện"
    judged.household_filter.setCurrentIndex(judged.household_filter.findData("differs"))
    assert judged.households.rowCount() == sum(1 for h in report["households"] if h["status_differs"])
    judged.household_filter.setCurrentIndex(0)
    village = judged.village_filter.itemData(1)
    judged.village_filter.setCurrentIndex(1)
    assert all(
        judged.households.data(judged.households.index(r, 2)) == village for r in range(judged.households.rowCount())
    )


def test_criterion_reason_is_shown_whole(judged):
    judged.household_filter.setCurrentIndex(judged.household_filter.findData("not_eligible"))
    judged.household_table.selectRow(0)
    tree = judged.household_tree
    assert tree.topLevelItemCount() >= 1
    current = tree.currentItem()
    assert current.text(1).startswith(("✘", "?"))
    assert current.text(2) in tree.reason_label.text()


def test_jump_to_the_field_then_household_is_judged_again(qtbot, filled_store, monkeypatch):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    page = window.evaluation
    page.year.setValue(2019)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run()
    target = next(
        h
        for h in page.report["households"]
        if "B" in h["categories"] and h["categories"]["B"]["criteria"]["B1"]["verdict"] != "met"
    )
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        assert dialog.tabs.currentWidget() is dialog.records
        assert (
            dialog.records.assessments["effort"][0].hasFocus()
            or dialog.focusWidget() is dialog.records.assessments["effort"][0]
        )
        dialog.records.assessments["effort"][0].set_value(True)
        dialog.save()
        return True

    monkeypatch.setattr(HouseholdDialog, "exec", fake_exec)
    window.fill_household_criterion(target["id"], "B1", 2019)
    assert opened
    updated = next(h for h in page.households.results if h["id"] == target["id"])
    assert updated["categories"]["B"]["criteria"]["B1"]["verdict"] == "met"


def test_print_and_png(judged, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    for tab in range(4):
        judged.tabs.setCurrentIndex(tab)
        out = tmp_path / f"bang-{tab}.pdf"
        printer.setOutputFileName(str(out))
        judged.print_to(printer)
        assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 1000
        image = judged.current_widget_image()
        assert not image.isNull() and image.width() > 300
    judged.tabs.setCurrentIndex(0)
    assert "Chủ hộ" in judged.current_html()


def test_household_results_show_mark_word_and_colour(qtbot):
    model = HouseholdResults()
    model.set_report(
        [{"id": "x", "verdict": "missing", "categories": {}, "computed_status": "poor", "status_differs": True}],
        {"x": ("H1", "Lò Văn Páo", "v", "Bản Lằn")},
    )
    assert model.data(model.index(0, 4)) == "? Chưa đủ thông tin"
    assert model.data(model.index(0, 5)) == "⚠ Hộ nghèo (khác phân loại)"
    assert model.data(model.index(0, 4), 8) is not None  # BackgroundRole


def test_annual_report_from_the_window(judged, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "bao-cao.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    judged.report_button.click()
    assert "Đã ghi báo cáo năm 2019" in judged.summary.text()
    assert "Báo cáo năm 2019" in load_workbook(out).sheetnames


def test_the_png_is_written_whole_or_refused(judged, tmp_path, monkeypatch, prompts):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "danh-gia.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    judged.png_button.click()
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert judged.summary.text() == f"Đã lưu ảnh: {out}"
    missing = tmp_path / "khong-co" / "danh-gia.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), ""))
    judged.png_button.click()
    assert prompts[-1].startswith(f"Không ghi được tệp {missing}") and not missing.parent.exists()
