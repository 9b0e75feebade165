"""The level above checks and talks back, in the windows: flags found for a year, a household asked about
from its flag, a year returned and approved, every question with its state; at the commune, the to-do
list of what the level above asked, each opening what it is about, answered in writing; and back up."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QPushButton, QWidget

from tests.ui.keys import type_text
from thidua_desktop.evaluation import criteria
from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import households
from thidua_desktop.store.rows import new_id
from ui.common import screen
from ui.common.text_dialog import TextDialog
from ui.main_window import MainWindow
from ui.register.household_dialog import HouseholdDialog
from ui.upper.upper_window import UpperWindow

YEAR = 2020


@pytest.fixture
def talking(pair, tmp_path):
    """The province holding the example commune's first package, its key confirmed over the phone."""
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    usb = tmp_path / "usb"
    first = outbox.export_package(commune, usb)
    upper_level.import_files(province, [first])
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint)
    assert upper_level.import_files(province, [first])[0].status == "accepted"
    return province, commune, usb


def click(page: QWidget, text: str) -> None:
    """Press the button whose caption starts with `text` (its Alt letter left out)."""
    [button] = [b for b in page.findChildren(QPushButton) if b.text().replace("&", "").startswith(text)]
    assert button.isVisibleTo(page.window()), text
    button.click()


def writes(monkeypatch, qtbot, *texts: str, save: bool = True) -> list[TextDialog]:
    """The officer types each text into the next written-text dialog that opens, then saves it (Ctrl+S)."""
    shown: list[TextDialog] = []
    queue = list(texts)

    def exec_(dialog: TextDialog) -> int:
        shown.append(dialog)
        dialog.show()
        dialog.activateWindow()  # its shortcuts work in the window the officer is in
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.text.selectAll()
        qtbot.keyClick(dialog.text, Qt.Key.Key_Delete)  # what the dialog began with goes
        type_text(dialog.text, queue.pop(0))
        if save:
            qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        else:
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(TextDialog, "exec", exec_)
    return shown


def column(table, header: str) -> int:
    headers = [table.horizontalHeaderItem(c).text().replace("\n", " ") for c in range(table.columnCount())]
    return headers.index(header)


def cells(table, header: str) -> list[str]:
    c = column(table, header)
    return [table.item(r, c).text() for r in range(table.rowCount())]


def checked(qtbot, window: UpperWindow):
    page = window.checks
    window.tabs.setCurrentWidget(page)
    page.year.setValue(YEAR)
    click(page, "Kiểm tra")
    qtbot.waitUntil(lambda: page.checked is not None, timeout=30000)
    return page


def test_the_level_above_asks_about_a_flagged_household_returns_and_approves_a_year(
    qtbot, talking, monkeypatch, prompts
):
    province, commune, _ = talking
    window = UpperWindow(province)
    qtbot.addWidget(window)
    window.show()
    page = checked(qtbot, window)
    found = upper_level.run_checks(province, YEAR, criteria.load())
    assert page.table.rowCount() == len(found) > 0
    assert f"Năm {YEAR}: {len(found)} cảnh báo ở 1 xã." in page.summary.text()
    assert set(cells(page.table, "Xã")) == {"Xã Hồng Thái"}
    assert "Phân loại khác chuẩn nghèo" in cells(page.table, "Loại cảnh báo")
    row = next(r for r, f in enumerate(page.flags) if f.household_id)
    flag = page.flags[row]
    name = commune.register.household_names(ids=[flag.household_id])[flag.household_id].head_name
    assert name in page.table.item(row, column(page.table, "Hộ")).text()
    # Enter on the household's flag: the question, begun from the flag, is typed over and sent
    shown = writes(monkeypatch, qtbot, "Hộ này thu nhập bao nhiêu? Đề nghị xã kiểm tra lại.")
    page.table.setFocus()
    page.table.setCurrentCell(row, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(province.queries.find()))
    assert any(label.text() == flag.message for label in shown[0].findChildren(QLabel))  # above the question
    [asked] = province.queries.find()
    assert (asked["commune_code"], asked["household_id"], asked["status"]) == ("02191", flag.household_id, "open")
    assert asked["text"] == "Hộ này thu nhập bao nhiêu? Đề nghị xã kiểm tra lại."
    assert page.table.item(row, column(page.table, "Câu hỏi đã gửi")).text() == "Chưa trả lời"
    assert "Đã ghi câu hỏi cho Xã Hồng Thái" in page.status.text()
    # an empty question is refused in the dialog, which stays open saying so
    empty = writes(monkeypatch, qtbot, "")
    page.ask_about_flag()
    assert not empty[0].result() and "Hãy viết nội dung" in empty[0].error.text()
    assert len(province.queries.find()) == 1
    # the year of the commune: returned with a comment, then refused approval until the commune sends again
    assert cells(page.year_table, "Tình trạng năm") == ["Đã kiểm tra"]
    page.year_table.selectRow(0)
    writes(monkeypatch, qtbot, "Thôn Nà Khà chưa rà soát đủ hộ; đề nghị rà soát bổ sung.")
    click(page, "Trả lại năm của xã")
    assert cells(page.year_table, "Tình trạng năm") == ["Đã trả lại"]
    assert "Cán bộ tỉnh: Thôn Nà Khà chưa rà soát đủ hộ" in cells(page.year_table, "Ghi lúc, người ghi, ý kiến")[0]
    click(page, "Duyệt năm của xã")
    assert "đang bị trả lại" in prompts[-1]
    window.tabs.setCurrentWidget(window.communes)
    window.communes.year.setValue(YEAR)
    assert cells(window.communes.table, "Kiểm tra, duyệt") == ["Đã trả lại"]
    # the commune sends again: the year is checked, and approved by the operator (who and when kept)
    upper_level.import_files(province, [outbox.export_package(commune, talking[2])])
    window.refresh()
    window.tabs.setCurrentWidget(page)
    page.year_table.selectRow(0)
    click(page, "Duyệt năm của xã")
    assert "2 câu hỏi hoặc ý kiến chưa được xã trả lời" in prompts[-1]  # the operator is told what is open
    assert cells(page.year_table, "Tình trạng năm") == ["Đã duyệt"]
    assert province.upper_level.year_states(YEAR)["02191"]["actor"] == "Cán bộ tỉnh"
    window.tabs.setCurrentWidget(window.communes)
    assert cells(window.communes.table, "Kiểm tra, duyệt") == ["Đã duyệt"]
    # every question with its state
    window.tabs.setCurrentWidget(window.queries)
    table = window.queries.table
    assert cells(table, "Loại") == ["Câu hỏi", "Trả lại năm"]
    assert cells(table, "Về") == [f"Hộ {commune.register.household_names()[flag.household_id].label}", f"Năm {YEAR}"]
    assert cells(table, "Tình trạng") == ["Chưa trả lời", "Chưa trả lời"]


def test_a_question_goes_down_is_answered_at_the_commune_and_comes_back_answered(
    qtbot, talking, monkeypatch, prompts, tmp_path
):
    province, commune, usb = talking
    hid = next(iter(commune.register.household_names()))
    members = commune.register.household(hid)["members"]
    query_id = upper_level.ask(province, "02191", hid, f"Hộ có thật sự {members} nhân khẩu không?")
    upper_level.return_year(province, "02191", YEAR, "Thôn Nà Khà chưa rà soát đủ hộ.")
    # the operator writes a fresh receipt for the commune's stick from the questions page
    upper = UpperWindow(province)
    qtbot.addWidget(upper)
    upper.show()
    upper.tabs.setCurrentWidget(upper.queries)
    upper.queries.table.selectRow(0)
    stick = tmp_path / "usb-xa"
    stick.mkdir()
    monkeypatch.setattr("ui.upper.talk_back.QFileDialog.getExistingDirectory", lambda *a, **k: str(stick))
    click(upper.queries, "Ghi biên nhận mới cho xã")
    receipt = stick / "bien-nhan-02191.json"
    assert receipt.exists() and "Mang tệp này về xã" in prompts[-1]
    # at the commune: the receipt taken in, the to-do list says how many wait
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr("ui.outbox.outbox_page.QFileDialog.getOpenFileNames", lambda *a, **k: ([str(receipt)], ""))
    window.tabs.setCurrentWidget(window.outbox)
    window.outbox.take_receipt()
    assert "2 câu hỏi hoặc ý kiến mới" in window.outbox.status.text()
    page = window.questions
    tab = window.tabs.indexOf(page)
    assert window.tabs.tabText(tab) == "Câu hỏi của cấp trên (2)"
    window.tabs.setCurrentWidget(page)
    assert cells(page.table, "Tình trạng") == ["Chưa trả lời", "Chưa trả lời"]
    assert cells(page.table, "Về")[0].startswith("Hộ " + commune.register.household_names()[hid].head_name)
    # Enter on the household's question: its form, the question above it, at the yearly records
    seen = []

    def correct(dialog: HouseholdDialog) -> int:
        seen.append((dialog.tabs.currentWidget() is dialog.records, [w.text() for w in dialog.findChildren(QLabel)]))
        dialog.show()
        dialog.tabs.setCurrentIndex(0)
        dialog.members.setValue(members + 1)
        dialog._try_save()
        return dialog.result()

    monkeypatch.setattr(HouseholdDialog, "exec", correct)
    shown = writes(monkeypatch, qtbot, f"Đã sửa: hộ có {members + 1} nhân khẩu.")
    page.table.setFocus()
    page.table.setCurrentCell(0, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: commune.queries.get(query_id)["status"] == "answered")
    on_records, labels = seen[0]
    assert on_records and f"Cấp trên hỏi: Hộ có thật sự {members} nhân khẩu không?" in labels
    assert commune.register.household(hid)["members"] == members + 1
    assert any(f"{members} nhân khẩu" in label.text() for label in shown[0].findChildren(QLabel))  # asked, above
    assert commune.queries.get(query_id)["answer"] == f"Đã sửa: hộ có {members + 1} nhân khẩu."
    assert window.tabs.tabText(tab) == "Câu hỏi của cấp trên (1)"
    assert "tạo gói mới" in page.status.text()
    # the returned year: Enter opens the whole commune's review grid of that year, with what was said
    page.table.setCurrentCell(1, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.review)
    assert window.review.year.value() == YEAR and window.review.village.currentText() == "Cả xã"
    assert window.review.status.text().endswith(f"Cấp trên trả lại năm {YEAR}: Thôn Nà Khà chưa rà soát đủ hộ.")
    window.tabs.setCurrentWidget(page)
    page.table.selectRow(1)
    writes(monkeypatch, qtbot, "Đã rà soát bổ sung đủ các hộ của thôn Nà Khà.")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.tabText(tab) == "Câu hỏi của cấp trên"
    # up again in the next package: answered at the level above, with what the package changed
    upper_level.import_files(province, [outbox.export_package(commune, usb)])
    upper.refresh()
    table = upper.queries.table
    assert cells(table, "Tình trạng") == ["Đã trả lời", "Đã trả lời"]
    assert cells(table, "Trả lời của xã")[0] == f"Đã sửa: hộ có {members + 1} nhân khẩu."
    assert cells(table, "Thay đổi trong gói")[0] == "Hộ đã được sửa trong gói số 2."
    table.selectRow(0)
    click(upper.queries, "Đóng câu hỏi")
    assert province.queries.get(query_id)["status"] == "closed"
    assert table.rowCount() == 1  # "Chưa đóng" hides it...
    upper.queries.shown.set_value("all")
    assert cells(table, "Tình trạng") == ["Đã đóng", "Đã trả lời"]  # ...and every question is still there


def test_a_question_about_a_household_since_deleted_says_what_to_do(qtbot, talking, prompts):
    province, commune, usb = talking
    some = commune.register.household(next(iter(commune.register.household_names())))
    hid = new_id()
    households.save(commune, {**some, "id": hid, "code": None, "head": {**some["head"], "id_number": None},
                              "years": [], "loans": []})  # fmt: skip
    upper_level.import_files(province, [outbox.export_package(commune, usb)])
    upper_level.ask(province, "02191", hid, "Hộ này còn ở xã không?")
    outbox.take_receipt(commune, upper_level.fresh_receipt(province, "02191"), "bn.json")
    commune.register.delete_household(hid)
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.questions)
    assert window.questions.table.item(0, 1).text().endswith("đã xóa, đang ở thùng rác)")
    window.questions.open_row(0)
    assert "Khôi phục hộ ở trang Thùng rác" in prompts[-1]


# --- they fit the laptop, each Alt letter once --------------------------------------------------------

MNEMONIC = re.compile(r"&([^&\s])")


def letters(window: QWidget) -> list[str]:
    """The Alt letters the officer can press in a window as it is on screen (menus, buttons, captions)."""
    texts = [a.text() for a in window.menuBar().actions()] if hasattr(window, "menuBar") else []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        if isinstance(w, QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
    return [m.group(1).lower() for t in texts for m in [MNEMONIC.search(t)] if m]


def fits(window: QWidget) -> None:
    room = screen.room(window)
    frame = window.frameGeometry()
    assert window.width() <= room.width() and window.height() <= room.height(), (window.windowTitle(), frame)
    inside = window.rect()
    for button in window.findChildren(QPushButton):
        if button.isVisibleTo(window):
            placed = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            assert inside.contains(placed), button.text()
    found = letters(window)
    assert len(found) == len(set(found)), (window.windowTitle(), sorted(found))


def test_the_new_pages_and_dialogs_fit_the_laptop_with_each_letter_once(qtbot, talking):
    from ui.nominations.nominations_page import PrintDossierDialog
    from ui.outbox.questions_page import QuestionsPage
    from ui.upper import talk_back
    from ui.upper.report_dialog import UpperReportDialog

    province, commune, _ = talking
    hid = next(iter(commune.register.household_names()))
    upper_level.ask(province, "02191", hid, "Hộ có bao nhiêu nhân khẩu? " * 40)
    outbox.take_receipt(commune, upper_level.fresh_receipt(province, "02191"), "bn.json")
    upper = UpperWindow(province)
    qtbot.addWidget(upper)
    upper.show()
    for page in (checked(qtbot, upper), upper.queries, upper.communes, upper.overview):
        upper.tabs.setCurrentWidget(page)
        QApplication.processEvents()
        fits(upper)
    main = MainWindow(commune)
    qtbot.addWidget(main)
    main.show()
    main.tabs.setCurrentWidget(main.questions)
    QApplication.processEvents()
    fits(main)
    assert main.tabs.tabBar().tabRect(main.tabs.count() - 1).right() <= main.width()  # every tab in sight
    page: QuestionsPage = main.questions
    asked = page.rows[0]
    long = "Nội dung rất dài của cấp trên. " * 60
    for dialog in (
        talk_back.ask_dialog(
            province, "02191", "Xã Hồng Thái", hid, "Nguyễn Văn An (H00001, Thôn Nà Khà)", long, upper
        ),
        talk_back.return_dialog(province, "02191", "Xã Hồng Thái", YEAR, long, upper),
        UpperReportDialog(province, YEAR, upper),
        PrintDossierDialog(commune, main),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        fits(dialog)
        dialog.hide()
    shown = []

    def look(dialog) -> int:
        dialog.show()
        QApplication.processEvents()
        fits(dialog)
        shown.append(dialog)
        return 0

    import ui.outbox.questions_page as questions_page

    original = questions_page.exec_dialog
    questions_page.exec_dialog = look
    try:
        page.answer(asked)
        page.open_household(asked)
    finally:
        questions_page.exec_dialog = original
    assert [type(d).__name__ for d in shown] == ["TextDialog", "HouseholdDialog"]
