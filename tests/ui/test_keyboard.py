"""The window from the keyboard: one Alt letter for one thing in every window (whatever tab is on
screen), Ctrl+S in every page that edits, drop-downs chosen by typing, Tab as the eye reads, result
cells never typed over, and Enter opening the chosen row of every list."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QTabWidget,
    QWidget,
)

from tests.ui.keys import type_text
from tests.ui.windows import catalogue
from thidua_desktop.exchange import upper_level
from ui.common.widgets import SearchCombo, find_typed

MNEMONIC = re.compile(r"&(?!&)(.)")


def letter(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def letters_on_screen(window: QWidget) -> tuple[list[tuple[str, str]], list[str]]:
    """(letter, whose) for every Alt letter that works now, and the problems of those that cannot."""
    found, wrong = [], []
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if action.isVisible() and letter(action.text()):
                found.append((letter(action.text()), f"menu {action.text()}"))
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or w.window() is not window:
            continue
        if isinstance(w, QAbstractButton):
            texts = [w.text()]
        elif isinstance(w, QLabel):
            texts = [w.text()] if "&" in w.text() and not w.textFormat() == Qt.TextFormat.RichText else []
            if texts and letter(w.text()) and w.buddy() is None:
                wrong.append(f"label {w.text()!r} shows its & (no field to go to)")
        elif isinstance(w, QGroupBox):
            texts = [w.title()]
        elif isinstance(w, QTabBar):
            texts = [w.tabText(i) for i in range(w.count()) if w.isTabEnabled(i)]
        else:
            texts = []
        for text in texts:
            key = letter(text)
            if key is None:
                continue
            if not re.fullmatch(r"[A-Z0-9]", key):
                wrong.append(f"{text!r}: Alt+{key} cannot be typed on the office keyboard")
            found.append((key, text))
    return found, wrong


def tab_states(window: QWidget):
    """Every combination of the tabs on screen: each outer tab, and within it each inner one."""
    outer = [t for t in window.findChildren(QTabWidget) if t.window() is window and t.isVisibleTo(window)]
    if not outer:
        yield "-"
        return
    top = outer[0]
    for i in range(top.count()):
        top.setCurrentIndex(i)
        QApplication.processEvents()
        inner = [t for t in top.currentWidget().findChildren(QTabWidget) if t.isVisibleTo(window)]
        if not inner:
            yield top.tabText(i)
            continue
        for j in range(inner[0].count()):
            inner[0].setCurrentIndex(j)
            QApplication.processEvents()
            yield f"{top.tabText(i)} > {inner[0].tabText(j)}"


def menu_clashes(window: QWidget) -> list[str]:
    out = []
    for menu in window.findChildren(QMenu):
        keys = Counter(letter(a.text()) for a in menu.actions() if letter(a.text()))
        out += [f"menu {menu.title()!r}: Alt+{k} {n} times" for k, n in keys.items() if n > 1]
    return out


@pytest.fixture
def upper(store_factory):
    store = store_factory("tinh.sqlite")
    upper_level.init(store, "UBND tỉnh Tuyên Quang", "province")
    return store


def test_every_alt_letter_is_unique_where_it_works(qtbot, filled_store, upper, tmp_path):
    clashes = {}
    for name, build in catalogue(filled_store, upper, tmp_path):
        window = build()
        qtbot.addWidget(window)
        window.show()
        QApplication.processEvents()
        problems = menu_clashes(window)
        for state in tab_states(window):
            found, wrong = letters_on_screen(window)
            counts = Counter(k for k, _ in found)
            problems += wrong + [
                f"[{state}] Alt+{k}: " + " / ".join(t for kk, t in found if kk == k) for k, n in counts.items() if n > 1
            ]
        if problems:
            clashes[name] = sorted(set(problems))
        window.hide()
    assert clashes == {}


def test_typing_words_finds_the_village_after_a_shared_prefix(qtbot):
    villages = ["Thôn Bản Lằn", "Thôn Khau Làng", "Thôn Khuổi Phầy", "Thôn Nà Khà"]
    assert find_typed(villages, "khuoi") == 2
    assert find_typed(villages, "Thôn Khuổi") == 2
    assert find_typed(villages, "na kh") == 3
    assert find_typed(villages, "xyz") == -1
    combo = SearchCombo()
    qtbot.addWidget(combo)
    combo.addItems(["Cả xã", *villages])
    combo.show()
    type_text(combo, "khuoi")
    assert combo.currentText() == "Thôn Khuổi Phầy"
    for _ in "khuoi":
        QTest.keyClick(combo, Qt.Key.Key_Backspace)
    type_text(combo, "Thôn Khau")
    assert combo.currentText() == "Thôn Khau Làng"


@pytest.fixture
def window(qtbot, filled_store):
    from ui.main_window import MainWindow

    w = MainWindow(filled_store)
    qtbot.addWidget(w)
    w.show()
    return w


def test_ctrl_s_saves_the_review_grid_and_the_communes_assessments(qtbot, window, filled_store):
    grid = window.review
    window.tabs.setCurrentWidget(grid)
    grid.year.setValue(2021)
    assert grid.model.prefill_from_previous() > 0
    grid.table.setFocus()
    QTest.keyClick(grid.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not grid.model.pending and "Đã lưu" in grid.status.text()
    assert filled_store.register.records_of_year(2021, [r["household_id"] for r in grid.model.rows])
    years = window.commune_years
    window.tabs.setCurrentWidget(years)
    _year, widgets = years._rows[0]
    combo, note = widgets[0]
    note.setFocus()
    type_text(note, "Biên bản họp Đảng ủy")
    QTest.keyClick(note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not years.dirty and years.status.text() == "Đã lưu đánh giá của xã."


def test_ctrl_digits_go_to_the_tabs(qtbot, window):
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.review
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.households


def test_tab_goes_through_the_deprivations_where_they_are_read(qtbot, filled_store):
    from ui.register.household_dialog import HouseholdDialog

    hid = next(h.id for h in filled_store.register.household_names().values())
    dialog = HouseholdDialog(filled_store, hid, year=2019)
    qtbot.addWidget(dialog)
    dialog.show()
    records = dialog.records
    dialog.tabs.setCurrentWidget(records)
    records.show_year(2019)
    records.deprivations_unknown.setChecked(False)
    chain = [records.income, records.deprivations_unknown, *records.deprivation_checks.values(), records.cultural]
    for before, after in zip(chain, chain[1:]):
        assert _next_focusable(before) is after


def _next_focusable(widget):
    w = widget.nextInFocusChain()
    while w is not widget and not (w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled()):
        w = w.nextInFocusChain()
    return w


def test_a_meetings_outcome_cell_cannot_be_typed_over(qtbot, filled_store):
    from thidua_desktop.evaluation import criteria
    from ui.meetings.meeting_dialog import MeetingDialog

    meeting = filled_store.meetings.find()[0]
    dialog = MeetingDialog(filled_store, criteria.load(), meeting, False)
    qtbot.addWidget(dialog)
    outcome = dialog.table.item(0, 5)
    assert not outcome.flags() & Qt.ItemFlag.ItemIsEditable
    assert not dialog.table.item(0, 1).flags() & Qt.ItemFlag.ItemIsEditable


def test_enter_opens_the_chosen_row_of_every_list(qtbot, window, monkeypatch):
    from ui.meetings import meetings_page
    from ui.nominations import nominations_page
    from ui.register import household_page, village_page

    opened = []
    for module, name in (
        (household_page, "HouseholdDialog"),
        (village_page, "VillageDialog"),
        (meetings_page, "MeetingDialog"),
        (nominations_page, "NominationDialog"),
    ):
        monkeypatch.setattr(getattr(module, name), "exec", lambda self, n=name: opened.append(n) or 0)
    window.tabs.setCurrentWidget(window.nominations)
    window.nominations.pick_from_evaluation()  # the year's list, to have a row to open
    for page in (window.households, window.villages, window.meetings, window.nominations):
        window.tabs.setCurrentWidget(page)
        page.table.setFocus()
        page.table.selectRow(0)
        QTest.keyClick(page.table, Qt.Key.Key_Return)
        QApplication.processEvents()  # the row opens once the key's own event is over
    assert opened == ["HouseholdDialog", "VillageDialog", "MeetingDialog", "NominationDialog"]


def test_enter_on_a_list_in_a_form_opens_the_row_and_does_not_save_the_form(qtbot, filled_store, monkeypatch):
    from ui.register.household_dialog import HouseholdDialog, LoanDialog

    hid = next(
        h.id for h in filled_store.register.household_names().values() if filled_store.register.household(h.id)["loans"]
    )
    dialog = HouseholdDialog(filled_store, hid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.loans)
    opened = []
    monkeypatch.setattr(LoanDialog, "exec", lambda self: opened.append(self.loan["id"]) or 0)
    table = dialog.loans.table
    table.setFocus()
    table.selectRow(0)
    QTest.keyClick(table, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert opened and dialog.isVisible() and dialog.result() == 0  # the loan opened; the household not saved


def test_an_editable_drop_down_finds_its_items_by_any_word_without_diacritics(qtbot):
    from PySide6.QtWidgets import QComboBox

    from ui.common.widgets import searchable

    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.setEditable(True)
    combo.addItems(["Nguyễn Văn An (H00001, Thôn Nà Khà)", "Lò Văn Páo (H00002, Thôn Khuổi Phầy)"])
    searchable(combo)
    completer = combo.typed_completer
    completer.setCompletionPrefix("khuoi")
    assert completer.completionCount() == 1
    completer.activated[QModelIndex].emit(completer.completionModel().index(0, 0))
    assert combo.currentText() == "Lò Văn Páo (H00002, Thôn Khuổi Phầy)"
