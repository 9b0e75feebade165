"""What the level above's list pages share: the year (last year by default: what the communes send
now) in a bar above a read-only table of rows, and the page's buttons below it."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from thidua_desktop.store import Store

from ..common.messages import show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import LoadsWhenShown, button_row, year_bar


def sending_year() -> int:
    """The year the communes send now: last year's review."""
    return _dt.date.today().year - 1


class YearTablePage(LoadsWhenShown, QWidget):
    """Subclasses name their HEADERS and NOT_CHOSEN message, and implement `load()` filling
    `self.rows` (one a table row) and the table."""

    HEADERS: list[str] = []
    NOT_CHOSEN = "Hãy chọn một dòng trong danh sách."

    def __init__(self, store: Store, buttons: list[tuple[str, Callable]], parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.rows: list = []
        self.layout_ = QVBoxLayout(self)
        self.year = year_bar(store, self.layout_, self.reload, sending_year())
        self.table = ReadOnlyTable(self.HEADERS)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addLayout(button_row(*buttons))

    def selected(self):
        """The row's item, or None after asking the officer to choose one."""
        chosen = self.table.current_of(self.rows)
        if chosen is None:
            show_error(self, self.NOT_CHOSEN, "Chưa chọn")
        return chosen
