"""The upward trip in the windows: the commune's outbox page and the level above's window."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import sql
from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from ui.main_window import MainWindow
from ui.upper.upper_window import UpperWindow
from ui.outbox import outbox_page

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"


@pytest.fixture
def pair(tmp_path):
    province = Store.open(tmp_path / "tinh.sqlite", actor="Cán bộ tỉnh")
    setup = tmp_path / "thiet-lap.json"
    setup.write_bytes(upper_level.init(province, "UBND tỉnh Tuyên Quang", "province"))
    commune = Store.open(tmp_path / "xa.sqlite", actor="Cán bộ xã")
    dataset.import_data(commune, dataset.read_file(EXAMPLE))
    yield province, commune, setup
    province.close()
    commune.close()


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


def test_the_upper_window_checks_then_imports_and_decides(qtbot, pair, tmp_path, monkeypatch):
    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    package_file = outbox.export_package(commune, tmp_path / "usb")
    window = UpperWindow(province)
    qtbot.addWidget(window)
    window.show()
    page = window.importer
    page.check([package_file])
    qtbot.waitUntil(lambda: page.table.item(0, 6) is not None, timeout=30000)
    assert "chưa được xác nhận" in page.table.item(0, 6).text()
    assert not page.import_button.isEnabled()
    window.tabs.setCurrentWidget(window.communes)
    window.communes.table.selectRow(0)
    monkeypatch.setattr(
        "ui.upper.upper_window.QInputDialog.getText",
        lambda *a, **k: (outbox.own_keys(commune).fingerprint.lower(), True),
    )
    window.communes.trust()
    assert window.communes.table.item(0, 2).text() == "Đã xác nhận"
    window.tabs.setCurrentWidget(page)
    page.check([package_file])
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30000)
    assert page.table.item(0, 6).text().endswith("Chưa ghi (chạy thử).")
    assert "Chưa ghi gì" in page.summary.text()
    assert sql(province, "SELECT count(*) FROM upper_package")[0][0] == 0
    page._run(False)
    qtbot.waitUntil(lambda: sql(province, "SELECT count(*) FROM upper_package")[0][0] == 1, timeout=30000)
    qtbot.waitUntil(lambda: "Đã nhập 1 gói" in page.summary.text(), timeout=30000)
    assert list((tmp_path / "usb").glob("*.bien-nhan.json"))


def test_a_first_start_can_make_the_level_above(qtbot, tmp_path, monkeypatch):
    from ui.commune.commune_page import CommuneDialog
    from ui.upper import upper_window

    store = Store.open(tmp_path / "tinh.sqlite", actor="Cán bộ tỉnh")
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    setup = tmp_path / "thiet-lap.json"
    monkeypatch.setattr(upper_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(setup), ""))

    def fill_and_create(self):
        self.name.setText("UBND tỉnh Tuyên Quang")
        self.create()
        return self.result()

    monkeypatch.setattr(upper_window.UpperSetupDialog, "exec", fill_and_create)
    dialog.become_upper()
    assert store.is_upper_level() and store.register.commune() is None
    assert upper_level.fingerprint_of(store) in UpperWindow(store).statusBar().currentMessage()
    assert setup.exists()
    store.close()


def test_the_upper_window_receives_packages_over_the_network(qtbot, pair, tmp_path):
    import socket

    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    window = UpperWindow(province)
    qtbot.addWidget(window)
    page = window.importer
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    page.port.setValue(free)
    page.toggle_inbox()
    assert page.inbox_status.text() == f"Đang nhận gói tại http://127.0.0.1:{free}"
    outbox.make_package(commune)
    with qtbot.waitSignal(page.received, timeout=30000):
        said = outbox.deliver_due(commune, f"http://127.0.0.1:{free}")
    assert "chưa được xác nhận" in said[0]
    qtbot.waitUntil(lambda: "chưa được xác nhận" in page.inbox_status.text(), timeout=10000)
    page.toggle_inbox()
    assert page.server is None and page.inbox_button.text() == "&Bật hộp thư đến"
