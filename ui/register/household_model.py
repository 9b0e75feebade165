"""The household list as a model over row ids: ids chosen and sorted in SQL, rows fetched lazily."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from thidua_desktop.domain import GENDER_LABELS, STATUS_LABELS
from thidua_desktop.store import LIST_COLUMNS, HouseholdFilter, Store

HEADERS = {
    "code": "Mã hộ",
    "name": "Họ và tên chủ hộ",
    "gender": "Giới tính",
    "birth_year": "Năm sinh",
    "ethnicity": "Dân tộc",
    "id_number": "Số CCCD/CMND",
    "village": "Thôn",
    "members": "Nhân khẩu",
    "policy": "Hộ chính sách",
    "status": "Phân loại",
}
PAGE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ROLES = {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, ID_ROLE}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class HouseholdListModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.filter = HouseholdFilter()
        self.ids: list[int] = []
        self._pages: dict[int, dict[int, tuple]] = {}

    # --- what to show ---------------------------------------------------------------------
    def set_filter(self, flt: HouseholdFilter) -> None:
        self.beginResetModel()
        self.filter = flt
        self.ids = self.store.register.household_ids(flt)
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """The store changed: choose the ids again, keep the filter."""
        self.set_filter(self.filter)

    def household_id(self, row: int) -> str:
        return self._row(row)[-1]

    def row_of(self, household_id: str) -> int | None:
        pk = self.store.register.household_pk(household_id)
        try:
            return self.ids.index(pk)
        except ValueError:
            return None

    def _row(self, row: int) -> tuple:
        page = row // PAGE
        if page not in self._pages:
            pks = self.ids[page * PAGE : (page + 1) * PAGE]
            self._pages[page] = self.store.register.household_rows(pks, self.filter.year)
        return self._pages[page][self.ids[row]]

    # --- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LIST_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(LIST_COLUMNS):
                title = HEADERS[LIST_COLUMNS[section]]
                if LIST_COLUMNS[section] == "status" and self.filter.year:
                    title = f"{title} {self.filter.year}"
                return title
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # Qt asks for a dozen roles a cell on every paint: answer the unused ones before any work.
        if role not in _ROLES or not index.isValid() or not (0 <= index.row() < len(self.ids)):
            return None
        column = LIST_COLUMNS[index.column()]
        if role == _DISPLAY:
            value = self._row(index.row())[index.column()]
            if column == "gender":
                return GENDER_LABELS.get(value, "")
            if column == "policy":
                return "Có" if value else ""
            if column == "status":
                return STATUS_LABELS.get(value, "Chưa rà soát") if self.filter.year else ""
            return "" if value is None else str(value)
        if role == ID_ROLE:
            return self.household_id(index.row())
        if column in ("birth_year", "members"):
            return _RIGHT
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(LIST_COLUMNS):
            return
        wanted = self.filter._replace(
            sort_column=LIST_COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder
        )
        if wanted != self.filter:  # the view asks again for the order it already has
            self.set_filter(wanted)
