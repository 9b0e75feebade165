"""The commune's outbox page: the level above's setup, packages made, carried and sent, receipts taken."""

from __future__ import annotations

from thidua_desktop.exchange import outbox, upper_level
from ui.main_window import MainWindow
from ui.outbox import outbox_page


def test_the_outbox_page_takes_the_setup_makes_a_package_and_writes_it(qtbot, pair, tmp_path, monkeypatch, prompts):
    province, commune, setup = pair
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.show()
    page = window.outbox
    window.tabs.setCurrentWidget(page)
    assert "Chưa thiết lập" in page.upper_label.text()
    assert page.fingerprint.text() == outbox.own_keys(commune).fingerprint
    page.make()
    assert prompts[-1].startswith("Chưa thiết lập cấp trên")
    monkeypatch.setattr(outbox_page.QFileDialog, "getOpenFileName", lambda *a, **k: (str(setup), ""))
    page.take_setup()
    assert "UBND tỉnh Tuyên Quang (cấp tỉnh)" in page.upper_label.text()
    page.make()
    assert page.table.rowCount() == 1 and page.table.item(0, 4).text() == "Chờ gửi"
    monkeypatch.setattr(outbox, "removable_volumes", list)
    page.to_usb()
    assert prompts[-1].startswith("Không thấy USB nào")
    stick = tmp_path / "usb"
    monkeypatch.setattr(outbox, "removable_volumes", lambda: [stick])
    page.to_usb()
    assert "có thể rút USB ra an toàn" in page.status.text()
    assert page.table.item(0, 4).text() == "Đã chuyển, chờ biên nhận"
    # the province imports it (trusting the key read over the phone) and the receipt comes back
    upper_level.import_files(province, list(stick.glob("*.tdgoi")))
    upper_level.trust(province, "02191", page.fingerprint.text())
    upper_level.import_files(province, list(stick.glob("*.tdgoi")), receipt_dir=stick)
    receipt = next(stick.glob("*.bien-nhan.json"))
    monkeypatch.setattr(outbox_page.QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(receipt)], ""))
    page.take_receipt()
    assert page.table.item(0, 4).text() == "Cấp trên đã nhận"
    assert page.status.text().startswith("Gói số 1: cấp trên đã nhận.")


def test_sending_without_an_address_says_what_to_do(qtbot, pair, prompts):
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    window = MainWindow(commune)
    qtbot.addWidget(window)
    window.outbox.send_now()
    assert prompts[-1].startswith("Chưa có địa chỉ nhận qua mạng")
