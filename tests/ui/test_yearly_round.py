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
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QWidget

from tests.ui.keys import type_text
from thidua_desktop.exchange import outbox, upper_level
from ui.commune.commune_page import CommuneDialog
from ui.main_window import MainWindow
from ui.upper.upper_window import UpperWindow

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier
WORKING_IN: dict[str, QWidget] = {}  # the main window the officer works in, which gets the keyboard back


def work_in(qtbot, window: QWidget) -> None:
    WORKING_IN["window"] = window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def key(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is, as the officer presses it."""
    if QApplication.activeWindow() is None:  # a dialog just closed: a window manager gives the window back
        back = QApplication.activeModalWidget() or WORKING_IN.get("window")
        if back is not None:
            back.activateWindow()
            QApplication.processEvents()
    focused = QApplication.focusWidget()
    if focused is not None and not focused.isVisible():  # left on a page that a tab change hid
        focused = None
    target = QApplication.activePopupWidget() or focused or QApplication.activeWindow()
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
    work_in(qtbot, window)
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

    # --- the evaluation: F5, then Enter opens the household at its criterion; Esc closes it ---------
    key(Qt.Key.Key_6, CTRL)
    evaluation = window.evaluation
    assert evaluation.year.value() == 2021
    with qtbot.waitSignal(evaluation.evaluated, timeout=30000):
        key(Qt.Key.Key_F5)
    assert evaluation.report["year"] == 2021 and "Tỷ lệ hộ nghèo năm 2021" in evaluation.summary.text()
    looked = when_shown(HouseholdDialog, lambda d: key(Qt.Key.Key_Escape))
    evaluation.household_table.setFocus()
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(looked))

    # --- a meeting: Ctrl+N, the counts and times typed, Ctrl+S; then its minutes printed --------------
    from ui.meetings.meeting_dialog import MeetingDialog
    from ui.printing.preview import PdfPreview

    def a_meeting(d):
        assert d.rows, "the households to consider come from the evaluation"
        key(Qt.Key.Key_P, ALT)  # "Số người dự họ&p"
        key(Qt.Key.Key_A, CTRL)
        typed("30")
        key(Qt.Key.Key_H, ALT)  # "Ngày &họp": Tab goes through its day, month and year, then its two times
        for _ in range(3):
            if QApplication.focusWidget() is not d.start_time:
                key(Qt.Key.Key_Tab)
        focus_is(d.start_time)
        typed("19:30")
        key(Qt.Key.Key_Tab)
        focus_is(d.end_time)
        typed("21:00")
        key(Qt.Key.Key_C, ALT)  # "&Chủ trì"
        typed("Ma Văn Tâm")
        key(Qt.Key.Key_K, ALT)  # "Thư &ký"
        typed("Lò Thị Hoa")
        for _hid, agree, _disagree, _abstain in d.rows:  # each household's votes, Tab after Tab
            while QApplication.focusWidget() is not agree:
                key(Qt.Key.Key_Tab)
            key(Qt.Key.Key_A, CTRL)
            typed("25")
        key(Qt.Key.Key_S, CTRL)

    key(Qt.Key.Key_5, CTRL)
    meeting = when_shown(MeetingDialog, a_meeting)
    key(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: closed(meeting))
    [held] = store.meetings.find(2021, with_times=True)
    assert (held["attendees"], held["start_time"], held["end_time"]) == (30, "19:30", "21:00")
    assert all(d["agree"] == 25 for d in held["decisions"])
    window.meetings.table.setFocus()
    previewed = when_shown(PdfPreview, lambda d: alt(qtbot, Qt.Key.Key_N))  # "Đó&ng"
    alt(qtbot, Qt.Key.Key_B)  # "In &biên bản để ký..."
    qtbot.waitUntil(lambda: closed(previewed), timeout=30000)

    # --- nominations: an individual proposed by the form, then approved by the commune ----------------
    from ui.nominations.nomination_dialog import NominationDialog

    def a_nominee(d):
        assert d.kind.value() == "individual"
        key(Qt.Key.Key_N, ALT)  # "Tê&n"
        typed("Hoàng Văn Sơn")
        key(Qt.Key.Key_T, ALT)  # "Tóm tắt &thành tích"
        typed("Trưởng thôn, vận động 5 hộ thoát nghèo")
        key(Qt.Key.Key_S, CTRL)

    key(Qt.Key.Key_7, CTRL)
    nominations = window.nominations
    proposed = when_shown(NominationDialog, a_nominee)
    key(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: closed(proposed))
    assert [n["nominee_name"] for n in nominations.rows] == ["Hoàng Văn Sơn"]
    nominations.table.setFocus()
    key(Qt.Key.Key_A, CTRL)
    alt(qtbot, Qt.Key.Key_D)  # "Xã &duyệt"
    assert {n["status"] for n in store.nominations.find(2021)} == {"approved"}

    # --- the household list out to Excel, from the menu ------------------------------------------------
    files["save"] = tmp_path / "danh-sach-ra.xlsx"
    key(Qt.Key.Key_1, CTRL)
    with qtbot.waitSignal(window.job_done, timeout=30000):
        key(Qt.Key.Key_T, ALT)
        key(Qt.Key.Key_D)  # "Xuất &danh sách hộ đang hiện ra Excel..."
    assert (tmp_path / "danh-sach-ra.xlsx").exists()

    # --- the package: the level above's setup file, a new package, written to a folder (the stick) -----
    province = store_factory("tinh.sqlite")
    setup = tmp_path / "thiet-lap.setup"
    setup.write_bytes(upper_level.init(province, "UBND tỉnh Tuyên Quang", "province"))
    stick = tmp_path / "usb"
    key(Qt.Key.Key_8, CTRL)
    files["open"] = setup
    alt(qtbot, Qt.Key.Key_H)  # "N&hận tệp thiết lập của cấp trên..."
    assert outbox.upper_of(store) is not None
    key(Qt.Key.Key_N, CTRL)  # a new package
    files["folder"] = stick
    alt(qtbot, Qt.Key.Key_I)  # "Gh&i vào thư mục..."
    assert list(stick.glob("*.tdgoi")) and "Đã ghi gói số 1" in window.outbox.status.text()

    # --- the level above: the stick checked, the commune's key confirmed by phone, the package taken ---
    upper = UpperWindow(province)
    qtbot.addWidget(upper)
    upper.show()
    work_in(qtbot, upper)
    key(Qt.Key.Key_2, CTRL)
    importer = upper.importer
    files["folder"] = stick
    alt(qtbot, Qt.Key.Key_M)  # "Lấy cả thư &mục (USB)..."
    qtbot.waitUntil(lambda: importer.table.item(0, 6) is not None, timeout=30000)
    assert "chưa được xác nhận" in importer.table.item(0, 6).text()
    key(Qt.Key.Key_1, CTRL)
    read_out = outbox.own_keys(store).fingerprint  # what the commune's officer reads over the phone
    phoned = when_shown(QInputDialog, lambda box: (typed(read_out.lower()), key(Qt.Key.Key_Return)))
    upper.communes.pending_table.setFocus()
    key(Qt.Key.Key_Return)  # Enter on the waiting commune: the phone check
    qtbot.waitUntil(lambda: closed(phoned))
    assert upper_level.communes(province)[0].trusted
    key(Qt.Key.Key_2, CTRL)
    qtbot.waitUntil(lambda: importer.import_button.isEnabled(), timeout=30000)  # checked again at once
    alt(qtbot, Qt.Key.Key_N)  # "&Nhập các gói hợp lệ và ghi biên nhận"
    qtbot.waitUntil(lambda: "Đã nhập 1 gói" in importer.summary.text(), timeout=30000)

    # --- back at the commune: the receipt taken in -------------------------------------------------------
    work_in(qtbot, window)
    files["open"] = next(stick.glob("*.bien-nhan.json"))
    alt(qtbot, Qt.Key.Key_B)  # "Nhận &biên nhận..."
    assert store.outbox.entries()[0].status == "received"
    assert window.outbox.status.text().startswith("Gói số 1: cấp trên đã nhận.")
