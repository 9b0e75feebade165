"""Forms that tell the truth and a first start that leads: an error goes the moment it is fixed, a
number beyond its range is refused with a message, lists and counters follow every save, import and
restore, and a new file says what comes first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.keys import type_text
from thidua_desktop import settings
from thidua_desktop.store.database import default_actor
from ui.commune.commune_page import CommuneDialog
from ui.main_window import MainWindow
from ui.register import household_page
from ui.register.household_dialog import HouseholdDialog
from ui.register.village_page import VillageDialog


def settle() -> None:
    QApplication.processEvents()  # the form checks itself again once the change has reached every field


def test_an_error_goes_as_soon_as_the_field_is_fixed(qtbot, store):
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.code, "021")
    type_text(dialog.name, "Xã Hồng Thái")
    dialog._try_save()
    assert dialog.errors["code"].isVisibleTo(dialog)
    assert dialog.errors["province_code"].isVisibleTo(dialog)
    dialog.code.setFocus()
    dialog.code.selectAll()
    type_text(dialog.code, "02191")
    settle()
    assert not dialog.errors["code"].isVisibleTo(dialog)  # fixed: gone, before any new save
    assert dialog.errors["province_code"].isVisibleTo(dialog)  # still wrong: still said
    assert store.register.commune() is None


def test_a_birth_year_beyond_the_range_is_refused_with_a_message(qtbot, filled_store):
    hid = next(iter(filled_store.register.household_names()))
    dialog = HouseholdDialog(filled_store, hid)
    qtbot.addWidget(dialog)
    dialog.show()
    before = dialog.birth_year.value()
    dialog.birth_year.setFocus()
    dialog.birth_year.selectAll()
    for key in (Qt.Key.Key_3, Qt.Key.Key_0, Qt.Key.Key_0, Qt.Key.Key_0):
        QTest.keyClick(dialog.birth_year, key)
    assert dialog.birth_year.value() == before or dialog.birth_year.value() <= dialog.birth_year.maximum()
    assert dialog.birth_error.isVisibleTo(dialog)
    assert "Năm sinh phải từ 1900" in dialog.birth_error.text() and "3000" in dialog.birth_error.text()
    dialog.birth_year.setValue(1980)
    assert not dialog.birth_error.isVisibleTo(dialog)


def test_a_too_low_number_is_told_when_leaving_the_field(qtbot, filled_store):
    hid = next(iter(filled_store.register.household_names()))
    dialog = HouseholdDialog(filled_store, hid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.members.setFocus()
    dialog.members.selectAll()
    QTest.keyClick(dialog.members, Qt.Key.Key_0)
    QTest.keyClick(dialog.members, Qt.Key.Key_Return)
    assert "Số nhân khẩu phải từ 1 đến 60" in dialog.members_error.text()


def test_the_list_its_counter_and_its_years_follow_a_save(qtbot, filled_store, monkeypatch):
    page = household_page.HouseholdPage(filled_store)
    qtbot.addWidget(page)
    before = filled_store.register.household_count()
    assert page.year.findData(2031) < 0

    def add_and_save(dialog):
        dialog.name.setText("Lò Thị Mai")
        dialog.records.add_record(2031)
        dialog._try_save()
        return dialog.result()

    monkeypatch.setattr(household_page.HouseholdDialog, "exec", add_and_save)
    page.add()
    assert page.year.findData(2031) >= 0  # the new year is offered by the filter at once
    assert page.count.text().endswith(f"/ {before + 1} hộ")


def test_a_first_start_says_villages_come_first_and_leads_there(qtbot, filled_store, store_factory, monkeypatch):
    fresh = store_factory("moi.sqlite")
    fresh.register.save_commune({**filled_store.register.commune(), "years": []})
    window = MainWindow(fresh)
    qtbot.addWidget(window)
    window.show()
    page = window.households
    assert page.first_steps_box.isVisible() and page.add_village_button.isVisible()
    assert "thêm các thôn của xã trước" in page.first_steps.text()

    def name_and_save(dialog):
        dialog.name.setText("Thôn Khuổi Phầy")
        dialog._try_save()
        return dialog.result()

    monkeypatch.setattr(VillageDialog, "exec", name_and_save)
    QTest.mouseClick(page.add_village_button, Qt.MouseButton.LeftButton)
    assert [v["name"] for v in fresh.register.villages()] == ["Thôn Khuổi Phầy"]
    assert page.first_steps_box.isVisible() and not page.add_village_button.isVisible()
    assert "Chưa có hộ nào" in page.first_steps.text() and page.import_button.isVisible()
    assert page.village.findText("Thôn Khuổi Phầy") >= 0  # the new village is in the filter at once


def test_the_officer_is_asked_for_never_the_login_name(qtbot, store):
    store.actor = default_actor()  # as a file opened without --officer and no name given yet
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    assert dialog.officer.text() == "" and dialog.officer.placeholderText()
    store.register.save_commune(
        {
            "code": "02191",
            "name": "Xã Hồng Thái",
            "province_code": "08",
            "province_name": "Tuyên Quang",
            "district_name": None,
            "area": "rural",
            "region": None,
            "poor_commune": False,
        }
    )
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.path_label.text().startswith("Cán bộ: chưa ghi tên")  # not the login name
    settings.OFFICER.set(store, "Hoàng Văn Sơn")
    window._update_title()
    assert "Cán bộ: Hoàng Văn Sơn" in window.path_label.text()


def test_a_delete_names_the_household_and_says_a_household_that_left_is_kept(qtbot, filled_store, prompts):
    page = household_page.HouseholdPage(filled_store)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    hid = page.current_id()
    label = filled_store.register.household_names(ids=[hid])[hid].label
    page.delete_current()
    assert label in prompts[0] and "Năm rời khỏi xã" in prompts[0]


def test_every_page_shows_the_file_again_after_a_restore(qtbot, filled_store, monkeypatch, prompts):
    from ui import main_window
    from ui.common.backups_dialog import BackupsDialog

    filled_store.backup("hang-ngay")
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.outbox)
    window.outbox.status.setText("Đã tạo gói số 3 (60 hộ).")  # what the page said before the restore
    count = filled_store.register.household_count()
    hid = window.households.model.household_id(0)
    filled_store.register.delete_household(hid)
    window.households.reload()

    def restore_first(dialog):
        dialog.table.selectRow(0)
        dialog.restore()
        return dialog.result()

    monkeypatch.setattr(BackupsDialog, "exec", restore_first)
    monkeypatch.setattr(main_window, "show_done", lambda parent, text, title="": prompts.append(text))
    window.restore_backup()
    assert window.outbox.status.text() == ""  # the old word is gone
    assert window.households.count.text().endswith(f"/ {count} hộ")
    assert prompts[-1].startswith("Đã khôi phục dữ liệu từ bản sao lưu lúc")
