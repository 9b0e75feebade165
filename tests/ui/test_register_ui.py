"""The forms and lists as an officer uses them: type, save, reopen the file, see what was stored."""

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.helpers import sql
from tests.ui.keys import type_text
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from ui.commune.commune_page import CommuneDialog, CommuneYearsPage
from ui.main_window import MainWindow
from ui.register.household_dialog import HouseholdDialog
from ui.register.household_model import HouseholdListModel
from ui.register.household_page import HouseholdPage
from ui.register.recycle_bin import RecycleBinPage
from ui.register.village_page import VillageDialog
from ui.review.grid import ReviewGridModel, ReviewGridPage


def reopen(store):
    return Store.open(store.path)


def test_models_pass_qt_model_tester(qtmodeltester, filled_store):
    households = HouseholdListModel(filled_store)
    households.refresh()
    qtmodeltester.check(households)
    grid = ReviewGridModel(filled_store)
    grid.load(2019, None)
    qtmodeltester.check(grid)


def test_first_run_setup_refuses_bad_code_then_saves(qtbot, store):
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.code, "021")
    type_text(dialog.name, "Xã Hồng Thái")
    type_text(dialog.province_code, "08")
    type_text(dialog.province_name, "Tuyên Quang")
    dialog.region.set_value("III")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.errors["code"].isVisibleTo(dialog)
    assert "5 chữ số" in dialog.errors["code"].text()
    assert store.register.commune() is None
    dialog.code.clear()
    type_text(dialog.code, "02191")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    commune = reopen(store).register.commune()
    assert (commune["code"], commune["name"], commune["region"]) == ("02191", "Xã Hồng Thái", "III")


def test_household_form_checks_cccd_at_the_field_and_saves(qtbot, filled_store):
    village = filled_store.register.villages()[0]
    dialog = HouseholdDialog(filled_store, village_id=village["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.name, "  Hoàng   Thị Ánh ")
    dialog.gender.set_value("female")
    dialog.birth_year.setValue(1985)
    type_text(dialog.id_number, "008085001234")  # 4th digit 0: a man born in the 1900s
    dialog.id_number.editingFinished.emit()
    assert dialog.id_error.isVisibleTo(dialog) and "nữ" in dialog.id_error.text()
    dialog._try_save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert filled_store.register.household(dialog.household["id"]) is None
    dialog.id_number.clear()
    type_text(dialog.id_number, "008185001234")
    dialog.members.setValue(5)
    dialog.records.add_record(2020)
    dialog.records.status.set_value("poor")
    dialog.records.income.setText("650.000")
    dialog.records.deprivations_unknown.setChecked(False)
    dialog.records.deprivation_checks["water_source"].setChecked(True)
    combo, evidence = dialog.records.assessments["effort"]
    combo.set_value(True)
    type_text(evidence, "Trồng 1 ha quế")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.summary.text() == "" and dialog.result() == dialog.DialogCode.Accepted
    stored = reopen(filled_store).register.household(dialog.household["id"])
    assert stored["head"]["name"] == "Hoàng Thị Ánh"
    assert stored["head"]["id_number"] == "008185001234" and stored["members"] == 5
    record = stored["years"][0]
    assert (record["year"], record["status"], record["income_per_capita"]) == (2020, "poor", 650_000)
    assert record["deprivations"] == ["water_source"]
    assert record["assessments"]["effort"] is True and record["evidence"]["effort"] == "Trồng 1 ha quế"


def test_household_form_refuses_record_after_leaving_and_bad_income(qtbot, filled_store):
    hid = sql(filled_store, "SELECT household_id FROM review_record WHERE year = 2020 LIMIT 1")[0][0]
    dialog = HouseholdDialog(filled_store, hid)
    qtbot.addWidget(dialog)
    dialog.left_in.setValue(2019)
    dialog._try_save()
    assert "rời khỏi xã năm 2019" in dialog.left_error.text()
    dialog.left_in.set_value_or_none(None)
    dialog.records.income.setText("1,5 triệu")
    dialog._try_save()
    assert "không phải số tiền" in dialog.summary.text()
    assert reopen(filled_store).register.household(hid)["left_in"] is None


def test_escape_with_unsaved_changes_asks_first(qtbot, filled_store, monkeypatch):
    asked = []
    import ui.common.widgets as widgets

    monkeypatch.setattr(widgets, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    monkeypatch.setattr(widgets.FormDialog, "closeEvent", lambda self, e: e.accept(), raising=False)
    hid = sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0]
    dialog = HouseholdDialog(filled_store, hid)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.name, " Sửa")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and "chưa lưu" in asked[0]
    assert dialog.isVisible()


def test_duplicate_household_is_shown_before_saving(qtbot, filled_store, prompts):
    original = filled_store.register.household(
        sql(filled_store, "SELECT id FROM household WHERE head_birth_year IS NOT NULL LIMIT 1")[0][0]
    )
    dialog = HouseholdDialog(filled_store, village_id=original["village_id"])
    qtbot.addWidget(dialog)
    type_text(dialog.name, original["head"]["name"].lower())
    dialog.gender.set_value(original["head"]["gender"])
    dialog.birth_year.setValue(original["head"]["birth_year"])
    dialog._try_save()
    assert any("có thể trùng" in s for s in prompts)


def test_search_as_you_type_without_diacritics(qtbot, filled_store):
    page = HouseholdPage(filled_store)
    qtbot.addWidget(page)
    target = filled_store.register.household(sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0])
    from thidua_desktop.text import fold

    type_text(page.search, fold(target["head"]["name"]))
    qtbot.waitUntil(lambda: page.model.filter.text == fold(target["head"]["name"]))
    names = [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]
    assert target["head"]["name"] in names
    assert all(
        fold(n).startswith(fold(target["head"]["name"]).split()[0]) or fold(target["head"]["name"]) in fold(n)
        for n in names
    )
    assert page.count.text().startswith(f"Đang hiện {len(names)} /")


def test_row_numbers_are_as_wide_as_qts_own(qtbot):
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.common.tables import RowNumbers

    for rows in (0, 1, 9, 10, 99, 100, 672, 3000, 300000):
        model = QStandardItemModel(rows, 3)
        plain, ours = QTableView(), QTableView()
        ours.setVerticalHeader(RowNumbers(ours))
        for view in (plain, ours):
            qtbot.addWidget(view)
            view.setModel(model)
        assert ours.verticalHeader().sizeHint() == plain.verticalHeader().sizeHint(), rows


def test_household_rows_are_picked_not_edited(qtbot, filled_store):
    page = HouseholdPage(filled_store)
    qtbot.addWidget(page)
    flags = page.model.flags(page.model.index(0, 1))
    assert flags & Qt.ItemFlag.ItemIsSelectable and flags & Qt.ItemFlag.ItemIsEnabled
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert page.table.verticalHeader().sizeHint().width() > 0  # the row numbers are shown


def test_filters_and_sort_in_the_list(qtbot, filled_store):
    page = HouseholdPage(filled_store)
    qtbot.addWidget(page)
    page.year.setCurrentIndex(page.year.findData(2019))
    page.status.setCurrentIndex(page.status.findData("poor"))
    statuses = {page.model.data(page.model.index(r, 9)) for r in range(page.model.rowCount())}
    assert statuses == {"Hộ nghèo"}
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    years = [int(page.model.data(page.model.index(r, 3)) or 0) for r in range(page.model.rowCount())]
    assert years == sorted(years, reverse=True)


def test_delete_goes_to_recycle_bin_and_comes_back(qtbot, filled_store, prompts):
    page = HouseholdPage(filled_store)
    bin_page = RecycleBinPage(filled_store)
    qtbot.addWidget(page)
    qtbot.addWidget(bin_page)
    before = page.model.rowCount()
    page.table.setFocus()
    page.table.selectRow(0)
    name = page.model.data(page.model.index(0, 1))
    page.delete_current()
    assert page.model.rowCount() == before - 1
    bin_page.reload()
    assert bin_page.table.item(0, 1).text().startswith(name)
    bin_page.table.selectRow(0)
    bin_page.restore()
    page.reload()
    assert page.model.rowCount() == before


def test_village_dialog_saves_yearly_facts(qtbot, filled_store):
    dialog = VillageDialog(filled_store, None)
    qtbot.addWidget(dialog)
    type_text(dialog.name, "Bản Khuổi Ngọa")
    dialog.kind.set_value("ban")
    dialog._add_row({"year": 2020})
    cultural, ntm, rotation, models, money, mutual, evidence = dialog._rows[0][1]
    cultural.set_value(True)
    models.setValue(2)
    money.setText("15.000.000")
    type_text(evidence, "Biên bản họp thôn")
    dialog._try_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = next(
        v for v in reopen(filled_store).register.villages(with_evidence=True) if v["name"] == "Bản Khuổi Ngọa"
    )
    year = stored["years"][0]
    assert (stored["kind"], year["cultural_title"], year["replicated_models"], year["community_resources_vnd"]) == (
        "ban",
        True,
        2,
        15_000_000,
    )
    assert year["evidence"]["mutual_help"] == "Biên bản họp thôn"


def test_review_grid_edits_many_households_in_one_save(qtbot, filled_store):
    page = ReviewGridPage(filled_store)
    qtbot.addWidget(page)
    page.year.setValue(2021)  # no records yet
    assert all(page.model.record(r) is None for r in range(page.model.rowCount()))
    filled = page.model.prefill_from_previous()
    assert filled > 0
    model = page.model
    model.setData(model.index(0, 3), "near_poor")
    assert not model.setData(model.index(1, 4), "1,5 triệu")
    model.setData(model.index(1, 4), "1.200.000")
    page.save_button.click()
    assert not model.pending
    again = reopen(filled_store)
    records = again.register.records_of_year(2021, [r["household_id"] for r in model.rows])
    assert len(records) == filled
    assert records[model.rows[0]["household_id"]]["status"] == "near_poor"
    assert records[model.rows[1]["household_id"]]["income_per_capita"] == 1_200_000


def test_commune_assessments_page_saves(qtbot, filled_store):
    page = CommuneYearsPage(filled_store)
    qtbot.addWidget(page)
    year, widgets = page._rows[0]
    combo, note = widgets[0]
    combo.set_value(False)
    type_text(note, "Chưa đạt chỉ tiêu thu nhập")
    page.save_button.click()
    stored = next(y for y in reopen(filled_store).register.commune(with_evidence=True)["years"] if y["year"] == year)
    assert stored["assessments"]["socioeconomic_targets"] is False
    assert stored["evidence"]["socioeconomic_targets"] == "Chưa đạt chỉ tiêu thu nhập"


def test_window_imports_a_dataset_in_the_background(qtbot, store, demo_data, tmp_path, prompts):
    store.register.save_commune(demo_data["commune"])
    window = MainWindow(store)
    qtbot.addWidget(window)
    file = tmp_path / "xa.json"
    file.write_text(json.dumps(demo_data, ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(window.job_done, timeout=20000) as done:
        window._run_job("import", str(file), "Đang nhập dữ liệu...")
    assert done.args == [True]
    assert window.households.model.rowCount() == len(demo_data["households"])
    assert any("Đã nhập" in s for s in prompts)
    bad = json.loads(json.dumps(demo_data))
    bad["households"][0]["head"]["gender"] = "nam"
    file.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(window.job_done, timeout=20000) as done:
        window._run_job("import", str(file), "Đang nhập dữ liệu...")
    assert done.args == [False]
    assert any("không có gì được ghi" in s for s in prompts)
    out = tmp_path / "ra.json"
    with qtbot.waitSignal(window.job_done, timeout=20000):
        window._run_job("export", str(out), "Đang xuất dữ liệu...")
    assert len(dataset.read_file(out)["households"]) == len(demo_data["households"])


def test_standard_buttons_speak_vietnamese(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["Đồng ý", "Hủy"]


def test_restore_from_the_menu_after_a_preview(qtbot, filled_store, prompts):
    from ui.common.backups_dialog import BackupsDialog

    filled_store.backup("hang-ngay")
    count = filled_store.register.household_count()
    filled_store.register.delete_household(sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0])
    dialog = BackupsDialog(filled_store)
    qtbot.addWidget(dialog)
    assert f"{count} hộ" in dialog.preview.text()
    dialog.restore_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert reopen(filled_store).register.household_count() == count
    assert any("sao lưu trước" in s for s in prompts)


def test_second_start_on_the_same_file_brings_the_window_forward(qtbot, filled_store, tmp_path):
    from ui.common import single_instance

    name = single_instance.server_name(filled_store.path)
    assert name != single_instance.server_name(tmp_path / "another.sqlite")
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    server = single_instance.InstanceServer(name)
    server.activated.connect(window.bring_forward)
    window.showMinimized()
    with qtbot.waitSignal(server.activated, timeout=5000):
        assert single_instance.ask_running_window(name)
    assert not window.isMinimized()
    server.server.close()
    assert not single_instance.ask_running_window(name, timeout_ms=200)
