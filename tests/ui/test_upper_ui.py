"""The level above's window: packages checked then imported, keys confirmed, decisions, the HTTP inbox,
and its first start."""

from __future__ import annotations

from tests.helpers import sql
from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.store import Store
from ui.upper.upper_window import UpperWindow


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
    assert window.communes.table.rowCount() == 0  # a package anyone can make adds no commune
    assert window.communes.pending_table.item(0, 0).text() == "02191"
    fingerprint = outbox.own_keys(commune).fingerprint
    shown = [window.communes.pending_table.item(0, c).text() for c in range(4)]
    assert fingerprint not in " ".join(shown)  # the officer at the commune reads it; the window never shows it
    window.communes.pending_table.selectRow(0)
    monkeypatch.setattr("ui.upper.communes_page.QInputDialog.getText", lambda *a, **k: (fingerprint.lower(), True))
    window.communes.trust()
    assert window.communes.table.item(0, 2).text() == "Đã xác nhận"
    assert window.communes.pending_table.rowCount() == 0
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
    from ui.upper import setup_dialog

    store = Store.open(tmp_path / "tinh.sqlite", actor="Cán bộ tỉnh")
    dialog = CommuneDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    setup = tmp_path / "thiet-lap.json"
    monkeypatch.setattr(setup_dialog.QFileDialog, "getSaveFileName", lambda *a, **k: (str(setup), ""))

    def fill_and_create(self):
        self.name.setText("UBND tỉnh Tuyên Quang")
        self.create()
        return self.result()

    monkeypatch.setattr(setup_dialog.UpperSetupDialog, "exec", fill_and_create)
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
