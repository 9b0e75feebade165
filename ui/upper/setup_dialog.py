"""First start on the level above's PC: its name and level; makes its keys and the setup file."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QFormLayout, QLineEdit, QWidget

from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

from ..common import screen
from ..common.messages import run_guarded
from ..common.widgets import SearchCombo, error_label, ok_cancel, set_error, wrapped


class UpperSetupDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Thiết lập máy của cấp trên")
        form = QFormLayout(self)
        form.addRow(
            wrapped(
                "Máy này nhận gói dữ liệu của các xã. Từ 1/7/2025 cấp trên của xã là tỉnh; dữ liệu "
                "trước đó thuộc huyện."
            )
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("Ví dụ: UBND tỉnh Tuyên Quang")
        form.addRow("&Tên đơn vị", self.name)
        self.level = SearchCombo()
        for value, label in upper_level.LEVEL_LABELS.items():
            self.level.addItem(label, value)
        self.level.setCurrentIndex(self.level.findData("province"))
        form.addRow("&Cấp", self.level)
        self.address = QLineEdit()
        self.address.setPlaceholderText("http://địa-chỉ-máy:8765 (để trống nếu chỉ nhận bằng USB)")
        form.addRow("Địa chỉ nhận qua &mạng", self.address)
        self.error = error_label()
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "Tạo và &ghi tệp thiết lập cho xã...", self.create))
        self.name.textEdited.connect(lambda *_: set_error(self.error, None))
        screen.fit(self, 620)

    def create(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            set_error(self.error, "Cần ghi tên đơn vị.")
            self.name.setFocus()
            return
        file, _ = QFileDialog.getSaveFileName(
            self, "Ghi tệp thiết lập cho các xã", "thiet-lap-cap-tren.setup", "Tệp thiết lập (*.setup)"
        )
        if not file:
            return

        def make() -> None:
            setup = upper_level.init(self.store, name, self.level.currentData(), self.address.text().strip() or None)
            atomic_write(file, setup)

        if run_guarded(self, make, on_refused=lambda text: set_error(self.error, text)):
            self.accept()
