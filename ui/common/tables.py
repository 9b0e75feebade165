"""The read-only table every list page shows: whole rows picked, nothing edited in place, filled from
plain rows of values."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

T = TypeVar("T")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ReadOnlyTable(QTableWidget):
    """Rows the officer reads and picks. The `stretch` column (the last by default, None for none) takes
    the width left over and wraps its long texts (reasons, names); `single` allows one row at a time."""

    def __init__(
        self, headers: Sequence[str], stretch: int | None = -1, single: bool = False, parent: QWidget | None = None
    ):
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        if single:
            self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.stretch = None if stretch is None else stretch % len(headers)
        self._stretch()

    def _stretch(self) -> None:
        if self.stretch is not None:
            self.horizontalHeader().setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)

    def fill(
        self, rows: Sequence[Sequence], colors: Mapping[tuple[int, int], str] | None = None, right: Collection[int] = ()
    ) -> None:
        """One row of values a line. None shows as nothing; numbers, and the `right` columns (amounts and
        shares already written as text), align right; `colors` paints the (row, column) cells it names.
        Then the columns fit their contents and the rows their wrapped texts."""
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                if c in right or (isinstance(value, int | float) and not isinstance(value, bool)):
                    item.setTextAlignment(RIGHT)
                color = colors.get((r, c)) if colors else None
                if color:
                    item.setBackground(QColor(color))
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        self._stretch()  # fitting the columns to their contents took the stretch column's width too
        self.resizeRowsToContents()

    def current_of(self, items: Sequence[T]) -> T | None:
        """The item on the current row (`items` holds one a row, in the table's order), or None."""
        row = self.currentRow()
        return items[row] if 0 <= row < len(items) else None
