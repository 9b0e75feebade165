"""The level above's communes: their keys (confirmed over the phone), what each sent for the year and
where its year stands (checked, returned, approved), and the setup file and fresh receipts to carry to them. Keys that packages carried but nobody has
confirmed yet wait in their own list below, never among the communes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMessageBox, QWidget

from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

from ..common.messages import run_guarded, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..register.history import local_time
from .talk_back import YEAR_STATE_COLORS, state_details, state_label
from .year_page import YearTablePage

COMPLETENESS_COLORS = {
    "sent": "#dff0d8",
    "late": "#fff3cd",
    "incomplete": "#ffe0b2",
    "missing": "#f8d7da",
    "untrusted": "#eeeeee",
}
STATE_COLUMN, REVIEW_COLUMN = 6, 7


class CommunesPage(YearTablePage):
    trusted = Signal()  # a commune's key was confirmed: the packages checked before can be taken now
    HEADERS = [
        "Mã xã",
        "Tên xã",
        "Khóa",
        "Mã nhận diện\n(đã xác nhận)",
        "Gói cuối",
        "Thời điểm",
        "Tình hình năm",
        "Kiểm tra, duyệt",
        "Thuộc xã mới",
    ]
    NOT_CHOSEN = "Hãy chọn một xã trong danh sách."
    rows: list[upper_level.CommuneRow]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(
            store,
            [
                ("&Xác nhận khóa của xã...", self.trust),
                ("Ghi tệp thiết &lập cho xã...", self.save_setup),
                ("Ghi &biên nhận mới cho xã...", self.save_receipt),
            ],
            parent,
        )
        caption = QLabel("Gói của xã chưa xác nhận khóa (chờ gọi điện đối chiếu mã nhận diện):")
        self.pending_table = ReadOnlyTable(["Mã xã", "Nhận gói đầu", "Nhận gói gần nhất", "Số gói"], single=True)
        caption.setBuddy(self.pending_table)
        self.pending_table.opened.connect(lambda _row: self.trust())  # Enter: the phone check of that commune
        self.table.opened.connect(self.show_commune)
        self.layout_.insertWidget(2, caption)
        self.layout_.insertWidget(3, self.pending_table)
        self.pending: list[dict] = []
        self.reviewed: dict[str, dict] = {}  # each commune's year: received, checked, returned, approved

    def load(self) -> None:
        state = {row.code: s for row, s in upper_level.completeness(self.store, self.year.value())}
        self.reviewed = self.store.upper_level.year_states(self.year.value())
        self.rows = upper_level.communes(self.store)
        self.table.fill(
            [
                [
                    r.code,
                    r.name,
                    "Đã xác nhận" if r.trusted else "Chưa xác nhận",
                    r.fingerprint or "",
                    r.last_sequence or "",
                    _when(r.last_package_at),
                    upper_level.COMPLETENESS_LABELS.get(state.get(r.code), ""),
                    state_label(self.reviewed.get(r.code)),
                    r.merged_into or "",
                ]
                for r in self.rows
            ],
            {(i, STATE_COLUMN): COMPLETENESS_COLORS[state[r.code]] for i, r in enumerate(self.rows) if r.code in state}
            | {
                (i, REVIEW_COLUMN): YEAR_STATE_COLORS[self.reviewed[r.code]["state"]]
                for i, r in enumerate(self.rows)
                if r.code in self.reviewed
            },
        )
        # The fingerprint a package carried is not shown: it is the commune's officer who reads it out.
        self.pending = upper_level.pending_keys(self.store)
        self.pending_table.fill(
            [[w["code"], _when(w["first_seen"]), _when(w["last_seen"]), w["packages"]] for w in self.pending]
        )

    def trust(self) -> None:
        waiting = self.pending_table.current_of(self.pending) or (self.pending[0] if len(self.pending) == 1 else None)
        if waiting is None:
            show_error(self, "Hãy chọn một dòng trong danh sách gói chưa xác nhận khóa.", "Chưa chọn")
            return
        code = waiting["code"]
        typed, ok = QInputDialog.getText(
            self,
            "Xác nhận khóa của xã",
            f"Gọi điện cho xã mang mã {code}, nhờ cán bộ xã đọc mã nhận diện "
            "(Gửi lên cấp trên > Mã nhận diện của xã), rồi gõ mã đó:",
        )
        if ok and typed.strip():
            done = []
            if run_guarded(self, lambda: done.append(upper_level.trust(self.store, code, typed))):
                QMessageBox.information(self, "Đã xác nhận", done[0])
                self.reload()
                self.trusted.emit()

    def save_setup(self) -> None:
        file, _ = QFileDialog.getSaveFileName(
            self, "Tệp thiết lập cho các xã", "thiet-lap-cap-tren.setup", "Tệp thiết lập (*.setup)"
        )
        if file and run_guarded(self, lambda: atomic_write(file, upper_level.setup_document(self.store))):
            show_done(self, f"Đã ghi tệp thiết lập cho các xã: {file}. Chép tệp này vào USB hoặc gửi cho các xã.")

    def save_receipt(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Ghi biên nhận vào thư mục (USB của xã)")
        if folder:
            target = Path(folder) / f"bien-nhan-{row.code}.json"
            if run_guarded(self, lambda: atomic_write(target, upper_level.fresh_receipt(self.store, row.code))):
                show_done(self, f"Đã ghi biên nhận mới cho {row.name}: {target}")

    def show_commune(self, row: int) -> None:
        """Enter on a commune: its row, whole."""
        if 0 <= row < len(self.rows):
            values = [self.table.item(row, c).text() for c in range(self.table.columnCount())]
            lines = [f"{h.replace(chr(10), ' ')}: {v}" for h, v in zip(self.HEADERS, values) if v]
            held = self.reviewed.get(self.rows[row].code)
            if held:
                lines.append(f"Năm {self.year.value()}: {state_details(held)}")
            show_done(self, "\n".join(lines), self.rows[row].name or self.rows[row].code)


def _when(iso: str | None) -> str:
    """A stored moment in the PC's time, as Vietnamese write it (01/12/2026 18:18)."""
    return local_time(iso, seconds=False) if iso else ""
