"""The read-only table every list page shows: whole rows picked, nothing edited in place, filled from
plain rows of values; Enter or a double click opens the chosen row."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

T = TypeVar("T")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _RowOpener(QObject):
    def __init__(self, view: QAbstractItemView, open_row: Callable[[int], object]):
        super().__init__(view)
        self.view, self.open_row = view, open_row
        view.installEventFilter(self)
        view.doubleClicked.connect(lambda index: self.later(index.row()) if index.isValid() else None)

    def later(self, row: int) -> None:
        QTimer.singleShot(0, self.view, lambda: self.open_row(row))

    def eventFilter(self, watched, event) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in OPEN_KEYS
            and self.view.state() != QAbstractItemView.State.EditingState
        ):
            index = self.view.currentIndex()
            if index.isValid():
                self.later(index.row())
                return True
        return False


def opens_rows(view: QAbstractItemView, open_row: Callable[[int], object]) -> None:
    """Enter on the current row, or a double click on a row, calls `open_row(row)`: once, after the
    view's own event is over (what it opens may rebuild the view under it), and without Enter also
    pressing the dialog's default button (Qt lets Enter through to it)."""
    _RowOpener(view, open_row)


class RowNumbers(QHeaderView):
    """The row numbers beside a long list, as wide as Qt's own: Qt measures the first and the last
    hundred numbers each time the rows change (four questions of a Python model each, a few
    milliseconds of every keystroke's filter); the widest is the last, so only that one is measured."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)

    def sizeHint(self) -> QSize:
        count = self.count()
        return self.sectionSizeFromContents(count - 1) if count else QSize(0, 0)


class ReadOnlyTable(QTableWidget):
    """Rows the officer reads and picks. The `stretch` column (the last by default, None for none) takes
    the width left over and wraps its long texts (reasons, names); `single` allows one row at a time.
    `opened` tells the row Enter or a double click opened."""

    opened = Signal(int)

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
        self.setTabKeyNavigation(False)  # Tab goes on to the buttons, as the eye does; arrows move in the list
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        self.stretch = None if stretch is None else stretch % len(headers)
        self._stretch()
        opens_rows(self, self.opened.emit)
        # Wrapped texts need their rows' heights again once the columns have their final widths (the
        # table is filled before it is laid out, and the stretching column changes with the window).
        self._rows_later = QTimer(self)
        self._rows_later.setSingleShot(True)
        self._rows_later.setInterval(0)
        self._rows_later.timeout.connect(self.resizeRowsToContents)
        self.horizontalHeader().sectionResized.connect(lambda *_: self._rows_later.start())

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
