"""Restoring a backup from the menu, after seeing what it holds."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
)

from thidua_desktop import care
from thidua_desktop.store import Store, describe_copy

from . import screen
from .messages import confirm, run_guarded
from .tables import ReadOnlyTable
from .widgets import wrapped


class BackupsDialog(QDialog):
    def __init__(self, store: Store, parent=None, upper: bool = False):
        super().__init__(parent)
        self.store, self.upper = store, upper
        self.setWindowTitle("Khôi phục dữ liệu từ bản sao lưu")
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                "Chọn một bản sao lưu để xem nó chứa gì. Khi khôi phục, dữ liệu hiện tại được "
                "sao lưu trước, nên có thể quay lại. Enter khôi phục bản đang chọn."
            )
        )
        self.restored_text = ""
        self.backups = care.list_backups(store)
        self.table = ReadOnlyTable(["Thời điểm", "Lý do", "Dung lượng"], stretch=1, single=True)
        self.table.fill(
            [
                [b["when"].strftime("%d/%m/%Y %H:%M:%S"), b["reason"], f"{b['size'] / 1e6:.1f} MB".replace(".", ",")]
                for b in self.backups
            ],
            right=(2,),
        )
        self.table.currentCellChanged.connect(lambda row, *_: self._preview(row))
        self.table.opened.connect(lambda _row: self.restore())
        layout.addWidget(self.table, 1)
        self.preview = wrapped("Chưa có bản sao lưu nào." if not self.backups else "")
        layout.addWidget(self.preview)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton("&Khôi phục bản này")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        screen.fit(self, 720, 460)
        if self.backups:
            self.table.selectRow(0)

    def _preview(self, row: int) -> None:
        if not 0 <= row < len(self.backups):
            return
        info = describe_copy(self.backups[row]["path"])
        if not info["sound"]:
            self.preview.setText("Bản sao lưu này bị hỏng (không qua được kiểm tra toàn vẹn), không dùng được.")
            self.restore_button.setEnabled(False)
            return
        self.restore_button.setEnabled(True)
        if self.upper:  # the level above's file: its communes' data live in their own files beside it
            self.preview.setText("Bản sao lưu dùng được (đã kiểm tra toàn vẹn) của dữ liệu cấp trên.")
            return
        years = ", ".join(map(str, info["years"])) or "chưa có"
        self.preview.setText(
            f"{info['commune'] or 'Chưa có thông tin xã'}: {info['villages']} thôn, "
            f"{info['households']} hộ, {info['records']} kết quả rà soát (các năm {years})."
        )
        self.restore_button.setEnabled(True)

    def restore(self) -> None:
        chosen = self.table.current_of(self.backups)
        if chosen is None:
            return
        if confirm(
            self,
            "Khôi phục dữ liệu",
            f"Thay dữ liệu hiện tại bằng bản sao lưu lúc {chosen['when']:%d/%m/%Y %H:%M}?\n"
            "Dữ liệu hiện tại sẽ được sao lưu trước.",
            yes="Khôi phục",
            no="Không",
        ):
            if run_guarded(self, lambda: self.store.restore_from(chosen["path"])):
                self.restored_text = (
                    f"Đã khôi phục dữ liệu từ bản sao lưu lúc {chosen['when']:%d/%m/%Y %H:%M}. "
                    + self.preview.text()
                    + " Dữ liệu trước khi khôi phục được giữ lại thành một bản sao lưu."
                )
                self.accept()
