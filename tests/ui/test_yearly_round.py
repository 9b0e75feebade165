"""A whole yearly round from the keyboard, on the laptop's screen: the first start, villages, households,
the review grid, the evaluation, a meeting and its minutes, nominations, an Excel list, the package and
the level above that takes it. Keys only: Tab, Enter, Esc, Ctrl+..., Alt+letters and typing; only the
operating system's file pickers are answered for the officer (Qt does not draw them on Windows)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMainWindow, QWidget

from tests.ui.keys import type_text
from ui.commune.commune_page import CommuneDialog
from ui.main_window import MainWindow

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


def key(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is, as the officer presses it."""
    if QApplication.activeWindow() is None:  # a dialog just closed: a window manager gives the window back
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        back = QApplication.activeModalWidget() or (shown[-1] if shown else None)
        if back is not None:
            back.activateWindow()
            QApplication.processEvents()
    target = QApplication.activePopupWidget() or QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    QTest.keyClick(target, key, modifier)
    QApplication.processEvents()  # what the key set going (fields shown, checks re-run) before the next


def alt(qtbot, letter: Qt.Key) -> None:
    """Alt+letter: the button clicks itself after its pressed look (Qt's animated click), so wait for it."""
    key(letter, ALT)
    qtbot.wait(200)


def typed(text: str) -> None:
    type_text(QApplication.focusWidget(), text)
    QApplication.processEvents()


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None], done: list | None = None) -> list:
    """Once a modal window of `kind` is up (opened by the next key), `act` on it with keys. Scheduled
    before the key that opens it, since that key only returns when the window closes."""
    seen = done if done is not None else []

    def poll():
        modal = QApplication.activeModalWidget()
        if not (isinstance(modal, kind) and modal.isVisible() and modal not in seen):
            QTimer.singleShot(20, poll)
            return
        if QApplication.activeWindow() is not modal:  # the keyboard goes to the window on top
            modal.activateWindow()
            QTimer.singleShot(20, poll)
            return
        seen.append(modal)
        try:
            act(modal)
        except BaseException:
            modal.reject()  # a failed step fails the test instead of leaving the window waiting
            raise

    QTimer.singleShot(0, poll)
    return seen


def closed(seen: list) -> bool:
    """The window `when_shown` acted on is done with (closed, and perhaps deleted already)."""
    return bool(seen) and all(not shiboken6.isValid(w) or not w.isVisible() for w in seen)


def focus_is(widget: QWidget) -> None:
    assert QApplication.focusWidget() is widget, f"focus on {QApplication.focusWidget()!r}, not {widget!r}"


@pytest.fixture
def files(monkeypatch, tmp_path):
    """The operating system's file pickers, answered with the file or folder the officer would choose."""
    answers: dict[str, object] = {}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(answers.pop("save")), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(answers.pop("open")), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(answers.pop("open"))], ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(answers.pop("folder")))
    return answers


def first_start(qtbot, store) -> None:
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)

    def fill(d):
        focus_is(d.code)
        typed("02191")
        key(Qt.Key.Key_Tab)
        focus_is(d.name)
        typed("Xã Hồng Thái")
        key(Qt.Key.Key_Tab)
        focus_is(d.province_code)
        typed("08")
        key(Qt.Key.Key_Tab)
        typed("Tuyên Quang")
        key(Qt.Key.Key_S, ALT)  # "Họ tên cán bộ &sử dụng"
        focus_is(d.officer)
        typed("Hoàng Thị Lan")
        key(Qt.Key.Key_S, CTRL)

    when_shown(CommuneDialog, fill)
    assert dialog.exec() == QDialog.DialogCode.Accepted


def add_village(name: str):
    def fill(d):
        focus_is(d.name) if QApplication.focusWidget() is d.name else key(Qt.Key.Key_T, ALT)
        typed(name)
        key(Qt.Key.Key_Return)  # Enter saves

    return fill


def a_household(qtbot, d) -> None:
    """The household form, field by field: its name, village, birth year, members, then a 2021 record."""
    focus_is(d.name)
    typed("Lò Văn Páo")
    key(Qt.Key.Key_T, ALT)  # "&Thôn, bản, tổ dân phố": typing a word of the village finds it
    focus_is(d.village)
    typed("khuoi")
    assert d.village.currentText() == "Thôn Khuổi Phầy"
    key(Qt.Key.Key_S, ALT)  # "Năm &sinh"
    key(Qt.Key.Key_A, CTRL)
    typed("1978")
    key(Qt.Key.Key_N, ALT)  # "Số &nhân khẩu"
    key(Qt.Key.Key_A, CTRL)
    typed("5")
    key(Qt.Key.Key_Tab, CTRL)  # the next tab: the yearly review records
    assert d.tabs.currentWidget() is d.records
    asked = when_shown(QInputDialog, lambda box: (key(Qt.Key.Key_A, CTRL), typed("2021"), key(Qt.Key.Key_Return)))
    alt(qtbot, Qt.Key.Key_N)  # "Thêm &năm..."
    qtbot.waitUntil(lambda: closed(asked))
    key(Qt.Key.Key_P, ALT)  # "&Phân loại hộ"
    typed("ho ngheo")
    assert d.records.status.value() == "poor"
    key(Qt.Key.Key_B, ALT)  # "Thu nhập &bình quân"
    typed("650000")
    key(Qt.Key.Key_Tab)
    focus_is(d.records.deprivations_unknown)
    key(Qt.Key.Key_Space)  # the deprivations are known: none ticked yet
    key(Qt.Key.Key_Tab)
    focus_is(next(iter(d.records.deprivation_checks.values())))
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_S, CTRL)


@pytest.mark.qt_log_ignore("^This plugin does not support grabbing the keyboard$")  # offscreen's menus and popups
def test_a_whole_yearly_round_by_keyboard(qtbot, store, store_factory, files, tmp_path, prompts):
    # --- the first start: the commune, then the window leads to the villages ---------------------
    first_start(qtbot, store)
    assert store.register.commune()["name"] == "Xã Hồng Thái" and store.actor == "Hoàng Thị Lan"
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.households.first_steps_box.isVisible()
    from ui.register.village_page import VillageDialog

    opened = when_shown(VillageDialog, add_village("Thôn Khuổi Phầy"))
    alt(qtbot, Qt.Key.Key_B)  # "Thêm thôn, &bản, tổ dân phố..."
    qtbot.waitUntil(lambda: closed(opened))
    assert [v["name"] for v in store.register.villages()] == ["Thôn Khuổi Phầy"]
    key(Qt.Key.Key_2, CTRL)
    assert window.tabs.currentWidget() is window.villages
    when_shown(VillageDialog, add_village("Thôn Nà Khà"))
    key(Qt.Key.Key_N, CTRL)
    assert sorted(v["name"] for v in store.register.villages()) == ["Thôn Khuổi Phầy", "Thôn Nà Khà"]

    # --- households: one by its form, the others from an Excel list -------------------------------
    from ui.excel.import_dialog import ExcelImportDialog
    from ui.register.household_dialog import HouseholdDialog

    key(Qt.Key.Key_1, CTRL)
    form = when_shown(HouseholdDialog, lambda d: a_household(qtbot, d))
    key(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: closed(form))
    [hid] = store.register.household_names()
    assert store.register.household(hid)["years"][0]["status"] == "poor"
    assert window.households.count.text() == "Đang hiện 1 / 1 hộ" and window.households.year.findData(2021) >= 0
    from tests.ui.windows import a_sheet

    files["open"] = a_sheet(tmp_path / "danh-sach.xlsx", "Thôn Nà Khà")

    def map_then_import(d):
        for _ in range(len(d.combos) + 3):  # Tab to the choice of the file's second column
            if QApplication.focusWidget() is d.combos[1]:
                break
            key(Qt.Key.Key_Tab)
        focus_is(d.combos[1])
        typed("ho va ten")  # "Tên người đứng đầu hộ" is the head's name
        assert d.combos[1].currentData() == "name"
        alt(qtbot, Qt.Key.Key_K)  # "&Kiểm tra"
        assert d.import_button.isEnabled(), d.result.text()
        alt(qtbot, Qt.Key.Key_N)  # "&Nhập vào chương trình"

    sheet = when_shown(ExcelImportDialog, map_then_import)
    key(Qt.Key.Key_T, ALT)  # the menu Tệp...
    key(Qt.Key.Key_E)  # ...Nhập danh sách hộ từ Excel
    qtbot.waitUntil(lambda: closed(sheet), timeout=20000)
    assert store.register.household_count() == 2 and any("Đã nhập" in p or "hộ mới" in p for p in prompts)

    # --- the review grid: a status typed into its cell, saved with Ctrl+S -------------------------
    key(Qt.Key.Key_3, CTRL)
    grid = window.review
    key(Qt.Key.Key_N, ALT)  # "Thô&n:"
    for _ in range(3):  # the prefill and save buttons, then the grid
        key(Qt.Key.Key_Tab)
    focus_is(grid.table)
    row = next(i for i, r in enumerate(grid.model.rows) if r["name"] == "Lò Văn Páo" and r["village"] == "Thôn Nà Khà")
    for _ in range(row):
        key(Qt.Key.Key_Down)
    for _ in range(3):
        key(Qt.Key.Key_Right)
    key(Qt.Key.Key_F2)  # edit the status in place
    typed("ho can")
    key(Qt.Key.Key_Return)
    assert grid.model.pending
    key(Qt.Key.Key_S, CTRL)
    assert not grid.model.pending and "Đã lưu 1 hộ" in grid.status.text()
