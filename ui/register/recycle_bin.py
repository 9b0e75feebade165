"""The recycle bin: what was deleted, and a way back."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop.store import Store

from ..common.messages import run_guarded
from ..common.tables import ReadOnlyTable
from ..common.widgets import wrapped
from .history import local_time

KINDS = {"household": "Hộ gia đình", "village": "Thôn", "meeting": "Cuộc họp"}


class RecycleBinPage(QWidget):
    data_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped("Những gì đã xóa nằm ở đây và có thể khôi phục bất cứ lúc nào: chọn rồi bấm Enter."))
        self.table = ReadOnlyTable(["Loại", "Tên", "Thời điểm xóa"], stretch=1, single=True)
        self.table.opened.connect(self.restore)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.restore_button = QPushButton("&Khôi phục (Enter)")
        self.restore_button.clicked.connect(self.restore)
        bar.addWidget(self.restore_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.reload()

    def reload(self) -> None:
        self.items = self.store.register.deleted_items()
        self.table.fill(
            [[KINDS[item.kind], item.label, local_time(item.deleted_at, seconds=False)] for item in self.items]
        )
        self.restore_button.setEnabled(bool(self.items))
        if self.items and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def restore(self, *_args) -> None:
        item = self.table.current_of(self.items)
        if item is not None and run_guarded(self, lambda: self.store.register.restore(item)):
            self.reload()
            self.data_changed.emit()
