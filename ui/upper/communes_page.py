"""The level above's communes: their keys (confirmed over the phone), what each sent for the year, and
the setup file and fresh receipts to carry to them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

from ..common.widgets import run_guarded
from .year_page import YearTablePage

COMPLETENESS_COLORS = {"sent": "#dff0d8", "late": "#fff3cd", "missing": "#f8d7da", "untrusted": "#eeeeee"}
STATE_COLUMN = 6


class CommunesPage(YearTablePage):
    HEADERS = ["Mã xã", "Tên xã", "Khóa", "Mã nhận diện", "Gói cuối", "Thời điểm", "Tình hình năm", "Thuộc xã mới"]
    NOT_CHOSEN = "Hãy chọn một xã trong danh sách."
    rows: list[upper_level.CommuneRow]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(
            store,
            [
                ("&Xác nhận khóa của xã...", self.trust),
                ("Ghi tệp &thiết lập cho xã...", self.save_setup),
                ("Ghi &biên nhận mới cho xã...", self.save_receipt),
            ],
            parent,
        )

    def load(self) -> None:
        state = {row.code: s for row, s in upper_level.completeness(self.store, self.year.value())}
        self.rows = upper_level.communes(self.store)
        self.table.fill(
            [
                [
                    r.code,
                    r.name,
                    "Đã xác nhận" if r.trusted else "Chưa xác nhận",
                    r.fingerprint or "",
                    r.last_sequence or "",
                    (r.last_package_at or "")[:16].replace("T", " "),
                    upper_level.COMPLETENESS_LABELS.get(state.get(r.code), ""),
                    r.merged_into or "",
                ]
                for r in self.rows
            ],
            {(i, STATE_COLUMN): COMPLETENESS_COLORS[state[r.code]] for i, r in enumerate(self.rows) if r.code in state},
        )

    def trust(self) -> None:
        row = self.selected()
        if row is None:
            return
        typed, ok = QInputDialog.getText(
            self,
            "Xác nhận khóa của xã",
            f"Gọi điện cho {row.name} ({row.code}), nhờ cán bộ xã đọc mã nhận diện "
            "(Gửi lên cấp trên > Mã nhận diện của xã), rồi gõ mã đó:",
        )
        if ok and typed.strip():
            done = []
            if run_guarded(self, lambda: done.append(upper_level.trust(self.store, row.code, typed))):
                QMessageBox.information(self, "Đã xác nhận", done[0] + " Nhập lại gói của xã.")
                self.reload()

    def save_setup(self) -> None:
        file, _ = QFileDialog.getSaveFileName(
            self, "Tệp thiết lập cho các xã", "thiet-lap-cap-tren.json", "Tệp thiết lập (*.json)"
        )
        if file:
            run_guarded(self, lambda: atomic_write(file, upper_level.setup_document(self.store)))

    def save_receipt(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Ghi biên nhận vào thư mục (USB của xã)")
        if folder:
            target = Path(folder) / f"bien-nhan-{row.code}.json"
            run_guarded(self, lambda: atomic_write(target, upper_level.fresh_receipt(self.store, row.code)))
