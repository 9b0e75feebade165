"""The recycle bin: what was deleted, and a way back."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop.store import Store

from ..common.widgets import run_guarded

KINDS = {"household": "Hộ gia đình", "village": "Thôn", "meeting": "Cuộc họp"}


class RecycleBinPage(QWidget):
    data_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Những gì đã xóa nằm ở đây và có thể khôi phục bất cứ lúc nào."))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Loại", "Tên", "Thời điểm xóa"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.restore)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.restore_button = QPushButton("&Khôi phục")
        self.restore_button.clicked.connect(self.restore)
        bar.addWidget(self.restore_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.reload()

    def reload(self) -> None:
        self.items = self.store.register.deleted_items()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            when = _dt.datetime.fromisoformat(item.deleted_at.replace("Z", "+00:00")).astimezone()
            for col, value in enumerate((KINDS[item.kind], item.label, when.strftime("%d/%m/%Y %H:%M"))):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.restore_button.setEnabled(bool(self.items))

    def restore(self, *_args) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items) and run_guarded(self, lambda: self.store.register.restore(self.items[row])):
            self.reload()
            self.data_changed.emit()
