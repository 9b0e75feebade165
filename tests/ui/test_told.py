"""What the window tells, where the officer looks: a refused package as the level above's refusal with
the next step, a package overdue for its receipt flagged, a year not every household's record covers
marked with the households its rate was computed over, the criteria set by its title; at the level
above, the phone check without the fingerprint a package carried, a menu, and the import list checked
again once a key is confirmed."""

from __future__ import annotations

from thidua_desktop import settings
from thidua_desktop.evaluation import criteria
from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import households
from ui.evaluation.page import EvaluationPage
from ui.main_window import MainWindow
from ui.upper.upper_window import UpperWindow


def refused_package(province, commune, setup, folder):
    """A commune's package the level above refused (its key not confirmed yet), the receipt taken in."""
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    written = outbox.export_package(commune, folder)
    [result] = upper_level.import_files(province, [written], receipt_dir=folder)
    assert result.status == "refused"
    receipt = next(folder.glob("*.bien-nhan.json"))
    outbox.take_receipt(commune, receipt.read_bytes(), receipt.name)
    return written


def test_a_refused_package_says_the_level_aboves_refusal_and_the_next_step(qtbot, pair, tmp_path, prompts):
    province, commune, setup = pair
    refused_package(province, commune, setup, tmp_path / "usb")
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.show()
    page = window.outbox
    window.tabs.setCurrentWidget(page)
    page.table.selectRow(0)
    said = page.table.item(0, 6).text()
    assert said.startswith("Cấp trên từ chối. Việc cần làm:")
    assert "upper trust" not in said  # the level above's own words for its officer stay in the detail
    assert "tạo gói mới" in page.next_step.text() and page.resend_button.isVisible()
    page.show_entry(0)
    assert prompts[-1].startswith("Số: 1") and "Cấp trên từ chối:" in prompts[-1]
    upper_level.trust(province, commune.register.commune()["code"], outbox.own_keys(commune).fingerprint)
    page.resend_button.click()
    assert commune.outbox.entries()[0].status == "waiting"
    assert "lại chờ gửi" in page.status.text() and not page.resend_button.isVisible()


def test_a_package_without_its_receipt_for_too_long_is_flagged(qtbot, pair, tmp_path):
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    outbox.export_package(commune, tmp_path / "usb")  # delivered, no receipt yet
    settings.RECEIPT_OVERDUE_DAYS.set(commune, 0)
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.outbox)
    assert window.outbox.table.item(0, 4).text().startswith("⚠ Đã chuyển, chờ biên nhận: quá 0 ngày")
    assert "chưa có biên nhận" in window.outbox.next_step.text()


def test_an_incomplete_year_is_marked_with_the_households_its_rate_counts(qtbot, filled_store):
    hid = next(iter(filled_store.register.household_names()))
    hh = filled_store.register.household(hid)
    hh["years"] = [r for r in hh["years"] if r["year"] < 2019]  # no record for 2019 and after
    households.save(filled_store, hh)
    page = EvaluationPage(filled_store)
    qtbot.addWidget(page)
    assert page.criteria_combo.currentText() == criteria.load().title  # the plan, not the file's name
    page.year.setValue(2019)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run()
    entry = page.coverage["2019"]
    assert not entry["complete"]
    assert f"⚠ Năm chưa đầy đủ: tỷ lệ tính trên {entry['with_record']}/{entry['households']} hộ" in page.summary.text()
    assert 2019 in page.chart.incomplete_years()


def test_the_phone_check_shows_no_fingerprint_and_the_list_is_checked_again(qtbot, pair, tmp_path, monkeypatch):
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    package_file = outbox.export_package(commune, tmp_path / "usb")
    fingerprint = outbox.own_keys(commune).fingerprint
    window = UpperWindow(province)
    qtbot.addWidget(window)
    window.show()
    assert [a.text() for a in window.menuBar().actions()] == ["&Tệp", "Trợ &giúp"]
    page = window.importer
    page.check([package_file])
    qtbot.waitUntil(lambda: page.table.item(0, 6) is not None, timeout=30000)
    said = page.table.item(0, 6).text()
    assert "chưa được xác nhận" in said and '"Xác nhận khóa của xã..."' in said
    assert fingerprint not in said and "upper trust" not in said
    window.communes.pending_table.selectRow(0)
    monkeypatch.setattr("ui.upper.communes_page.QInputDialog.getText", lambda *a, **k: (fingerprint, True))
    window.communes.trust()
    # the list no longer says "chưa được xác nhận" of a commune that now is: it was checked again
    qtbot.waitUntil(lambda: page.table.item(0, 6).text().endswith("Chưa ghi (chạy thử)."), timeout=30000)
    assert page.import_button.isEnabled()


def test_the_overview_says_over_how_many_households_each_rate_was_computed(qtbot, pair, tmp_path):
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    package_file = outbox.export_package(commune, tmp_path / "usb")
    upper_level.import_files(province, [package_file])
    upper_level.trust(province, commune.register.commune()["code"], outbox.own_keys(commune).fingerprint)
    upper_level.import_files(province, [package_file])
    window = UpperWindow(province)
    qtbot.addWidget(window)
    page = window.overview
    page.year.setValue(2019)
    page.run()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=30000)
    header = page.table.horizontalHeaderItem(5).text()
    assert header.startswith("Tỷ lệ tính trên")
    cell = page.table.item(0, 5).text()
    entry = page.rows[0]["coverage"]["2019"]
    assert cell == (
        f"{entry['with_record']}" if entry["complete"] else f"⚠ {entry['with_record']}/{entry['households']}"
    )
