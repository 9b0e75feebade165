"""Importing a household list from Excel: match the columns, see every problem, then import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from thidua_desktop import excel
from thidua_desktop.store import Store

from ..common import screen
from ..common.tables import ReadOnlyTable
from ..common.widgets import SearchCombo, wrapped
from ..common.worker import Worker

SKIP = "— không nhập cột này —"


class ExcelImportDialog(QDialog):
    """Three steps in one window: columns, check (every problem with its row), import."""

    imported = Signal(str)

    def __init__(self, store: Store, path: str, sheet: excel.Sheet, parent=None):
        super().__init__(parent)
        self.store, self.path, self.sheet = store, path, sheet
        self.checked: excel.ExcelPlan | None = None
        self.setWindowTitle(f"Nhập danh sách hộ từ {Path(path).name}")
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                f"Trang tính '{sheet.name}', dòng tiêu đề {sheet.header_row}, "
                f"{len(sheet.rows)} dòng dữ liệu. Kiểm tra cột của tệp ứng với thông tin nào; "
                "chương trình đã tự đoán theo tên cột."
            )
        )
        self.columns = QTableWidget(len(sheet.headers), 2)
        self.columns.setHorizontalHeaderLabels(["Cột trong tệp", "Là thông tin"])
        self.columns.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        for i, header in enumerate(sheet.headers):
            item = QTableWidgetItem(header or f"(cột {i + 1} không có tên)")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)  # the file's own header, read-only
            self.columns.setItem(i, 0, item)
            combo = SearchCombo()
            combo.addItem(SKIP, None)
            for column in excel.COLUMNS:
                combo.addItem(column.header, column.key)
            combo.setCurrentIndex(max(combo.findData(sheet.mapping.get(i)), 0))
            combo.currentIndexChanged.connect(self._changed)
            self.columns.setCellWidget(i, 1, combo)
            self.combos.append(combo)
        self.columns.setTabKeyNavigation(False)  # Tab goes from choice to choice, then on to the buttons
        layout.addWidget(self.columns, 2)
        self.create_villages = QCheckBox("&Tạo thôn, bản, tổ dân phố chưa có trong chương trình")
        self.create_villages.toggled.connect(self._changed)
        layout.addWidget(self.create_villages)
        self.result = wrapped()
        layout.addWidget(self.result)
        self.problems = ReadOnlyTable(["Dòng", "Cột", "Vấn đề"])
        layout.addWidget(self.problems, 3)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("&Kiểm tra")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton("&Nhập vào chương trình")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("Đóng")  # Esc
        close.clicked.connect(self.reject)
        buttons.addStretch(1)
        for b in (self.check_button, self.import_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        screen.fit(self, 900, 700)

    def _changed(self, *_):
        self.checked = None
        self.import_button.setEnabled(False)

    def mapping(self) -> dict[int, str]:
        return {i: combo.currentData() for i, combo in enumerate(self.combos) if combo.currentData()}

    def check(self) -> bool:
        """Every row checked against the register; nothing is written yet."""
        self.sheet.mapping = self.mapping()
        self.problems.setRowCount(0)
        try:
            self.checked = excel.plan(self.store, self.sheet, Path(self.path).name, self.create_villages.isChecked())
        except excel.ExcelRefused as refused:
            self.checked = None
            self.result.setText(
                f"Có {len(refused.problems)} vấn đề cần sửa trong tệp (hoặc ghép lại cột) "
                "trước khi nhập. Chưa có gì được ghi."
            )
            self.problems.fill([[p.row, p.column, p.message] for p in refused.problems])
            self.import_button.setEnabled(False)
            return False
        c = self.checked
        villages = f" Tạo {len(c.new_villages)} thôn mới: {', '.join(c.new_villages)}." if c.new_villages else ""
        self.result.setText(
            f"Tệp hợp lệ. Sẽ thêm {c.added} hộ mới, cập nhật {c.updated} hộ đã có, ghi {c.records} "
            f"kết quả rà soát.{villages} Dữ liệu hiện có được sao lưu trước khi nhập."
        )
        self.import_button.setEnabled(True)
        self.import_button.setFocus()
        return True

    def run_import(self) -> None:
        if self.checked is None:
            return
        checked, source = self.checked, self.path
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.progress.show()

        def work(store: Store, progress) -> str:
            excel.apply(store, checked, source, progress)
            return checked.summary()

        self._worker = Worker(self, self.store, work, self._progress, self._done, self._failed)

    def _progress(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.progress.setFormat(text)

    def _done(self, message: str) -> None:
        self.progress.hide()
        self.result.setText(message)
        self.imported.emit(message)
        self.accept()

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.check_button.setEnabled(True)
        self.result.setText(message)
