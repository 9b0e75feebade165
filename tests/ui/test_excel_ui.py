"""Excel in the window: match the columns, see every problem with its row, import; export the list."""

from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QFileDialog

from tests.helpers import sql
from thidua_desktop import excel
from thidua_desktop.store import Store
from ui.excel.import_dialog import ExcelImportDialog
from ui.main_window import MainWindow


def sheet_file(path, village, bad_income=False):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘ CẬN NGHÈO"])
    ws.append(["STT", "Tên người đứng đầu hộ", "Giới tính", "Thôn", "Số khẩu", "Năm", "Phân loại", "Thu nhập"])
    ws.append([1, "Lò Văn Páo", "Nam", village, 4, 2021, "Hộ cận nghèo", "1,5 triệu" if bad_income else 1_100_000])
    ws.append([2, "Giàng Thị Mai", "Nữ", village, 6, 2021, "Hộ nghèo", 600_000])
    wb.save(path)
    return path


def test_officer_maps_an_unknown_column_then_imports(qtbot, filled_store, tmp_path):
    village = filled_store.register.villages()[0]["name"]
    path = sheet_file(tmp_path / "ds.xlsx", village, bad_income=True)
    sheet = excel.read_sheet(path)
    dialog = ExcelImportDialog(filled_store, str(path), sheet)
    qtbot.addWidget(dialog)
    name_combo = dialog.combos[1]
    name_combo.setCurrentIndex(name_combo.findData("name"))
    assert not dialog.check()
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 0).text() == "3" and "không phải số tiền" in dialog.problems.item(0, 2).text()
    assert not dialog.import_button.isEnabled()
    sheet_file(path, village)
    dialog.sheet = excel.read_sheet(path)
    assert dialog.check()
    assert "Sẽ thêm 2 hộ mới" in dialog.result.text()
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        dialog.import_button.click()
    again = Store.open(filled_store.path)
    names = {r[0] for r in sql(again, "SELECT head_name FROM household")}
    assert {"Lò Văn Páo", "Giàng Thị Mai"} <= names


def test_window_exports_the_list_as_filtered(qtbot, filled_store, tmp_path, monkeypatch):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    page = window.households
    page.year.setCurrentIndex(page.year.findData(2019))
    page.status.setCurrentIndex(page.status.findData("poor"))
    shown = page.model.rowCount()
    out = tmp_path / "ngheo.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(window.job_done, timeout=20000) as done:
        window.export_excel()
    assert done.args == [True]
    wb = load_workbook(out, read_only=True)
    ids = {row[-1] for row in wb["Danh sách hộ"].iter_rows(min_row=2, values_only=True)}
    wb.close()  # a read-only workbook keeps its file open until closed
    assert len(ids) == shown
