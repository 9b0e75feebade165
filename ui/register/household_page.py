"""The household list: search as you type, filters, sort, open, add, delete to the recycle bin; on a
new file, what to do first."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop.domain import STATUS_LABELS
from thidua_desktop.store import HouseholdFilter, Store

from ..common.messages import confirm, exec_dialog, run_guarded
from ..common.tables import RowNumbers, opens_rows
from ..common.widgets import SearchCombo, add_labelled, wrapped
from .household_dialog import HouseholdDialog
from .household_model import HouseholdListModel

TYPING_PAUSE_MS = 150  # filter once the officer pauses, not on every letter of a fast typist
COLUMN_WIDTHS = [80, 210, 70, 75, 85, 120, 140, 80, 110]  # wide enough for real names and villages


class HouseholdPage(QWidget):
    data_changed = Signal()
    add_village = Signal()  # the first start: villages come first
    import_excel = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_first_steps())
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo tên chủ hộ, mã hộ hoặc số CCCD (gõ không dấu cũng được)...")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 3)
        self.village = SearchCombo()
        self.year = SearchCombo()
        self.status = SearchCombo()
        self.status.addItem("Mọi phân loại", None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.status.addItem("Chưa rà soát", "none")
        self.policy = QCheckBox("Chỉ hộ chính &sách")
        add_labelled(bar, ("Thô&n:", self.village), ("Nă&m:", self.year), ("&Phân loại:", self.status))
        bar.addWidget(self.policy)
        layout.addLayout(bar)

        self.model = HouseholdListModel(store, self)
        self.table = QTableView()
        self.table.setVerticalHeader(RowNumbers(self.table))
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # by name, as filtered
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        opens_rows(self.table, self.open_row)
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.count = QLabel()
        bottom.addWidget(self.count, 1)
        self.add_button = QPushButton("Thêm hộ (Ctrl+N)")
        self.add_button.clicked.connect(self.add)
        self.open_button = QPushButton("Mở hộ (Enter)")
        self.open_button.clicked.connect(self.open_current)
        self.delete_button = QPushButton("Xóa vào thùng rác (Delete)")
        self.delete_button.clicked.connect(self.delete_current)
        for b in (self.add_button, self.open_button, self.delete_button):
            bottom.addWidget(b)
        layout.addLayout(bottom)

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            activated=self.delete_current,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.search.returnPressed.connect(self._focus_table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._timer.start)
        for combo in (self.village, self.year, self.status):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.policy.toggled.connect(self.apply_filter)
        self.reload()

    def _build_first_steps(self) -> QFrame:
        """What a new file needs first, over the empty list: villages, then households."""
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setStyleSheet("QFrame { background: #fff8e1; }")
        row = QHBoxLayout(box)
        self.first_steps = wrapped()
        row.addWidget(self.first_steps, 1)
        self.add_village_button = QPushButton("Thêm thôn, &bản, tổ dân phố...")
        self.add_village_button.clicked.connect(self.add_village)
        self.import_button = QPushButton("Nhập danh sách hộ từ &Excel...")
        self.import_button.clicked.connect(self.import_excel)
        row.addWidget(self.add_village_button)
        row.addWidget(self.import_button)
        self.first_steps_box = box
        return box

    def _show_first_steps(self) -> None:
        has_villages = bool(self.store.register.villages())
        if not has_villages:
            self.first_steps.setText(
                "Bắt đầu từ đây: mỗi hộ thuộc một thôn, bản hay tổ dân phố, nên hãy thêm các thôn của xã trước. "
                "Sau đó thêm từng hộ (Ctrl+N) hoặc nhập cả danh sách hộ từ Excel."
            )
        else:
            self.first_steps.setText(
                "Chưa có hộ nào. Thêm từng hộ (Ctrl+N), nhập cả danh sách hộ từ Excel, hoặc nhập toàn bộ dữ liệu "
                "của xã từ tệp (menu Tệp)."
            )
        self.add_village_button.setVisible(not has_villages)
        self.import_button.setVisible(has_villages)
        self.first_steps_box.setVisible(self.total == 0)

    def reload(self) -> None:
        """The store changed (import, another page): refill the choices and the list."""
        for combo in (self.village, self.year):
            combo.blockSignals(True)
        chosen_village, chosen_year = self.village.currentData(), self.year.currentData()
        self.village.clear()
        self.village.addItem("Cả xã", None)
        for v in self.store.register.villages():
            self.village.addItem(v["name"], v["id"])
        self.village.setCurrentIndex(max(self.village.findData(chosen_village), 0))
        self.year.clear()
        years = self.store.register.record_years()
        for y in reversed(years):
            self.year.addItem(str(y), y)
        if not years:
            self.year.addItem("Chưa có năm nào", None)
        self.year.setCurrentIndex(max(self.year.findData(chosen_year), 0))
        for combo in (self.village, self.year):
            combo.blockSignals(False)
        self.total = self.store.register.household_count()
        self._show_first_steps()
        self.apply_filter()

    def current_filter(self) -> HouseholdFilter:
        old = self.model.filter
        return HouseholdFilter(
            text=self.search.text(),
            village_id=self.village.currentData(),
            year=self.year.currentData(),
            status=self.status.currentData(),
            policy_only=self.policy.isChecked(),
            sort_column=old.sort_column,
            descending=old.descending,
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        wanted = self.current_filter()
        kept = self.current_id() if wanted == self.model.filter else None  # same list again: same household
        self.model.set_filter(wanted)
        shown = self.model.rowCount()
        self.count.setText(f"Đang hiện {shown:,} / {self.total:,} hộ".replace(",", "."))
        if shown:
            row = self.model.row_of(kept) if kept else None
            self.table.selectRow(row if row is not None else 0)

    def _focus_table(self) -> None:
        self.apply_filter()
        self.table.setFocus()

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.household_id(index.row()) if index.isValid() else None

    def open_household(self, household_id: str) -> None:
        dialog = HouseholdDialog(self.store, household_id, year=self.year.currentData(), parent=self)
        if exec_dialog(dialog):
            self._after_save(household_id)

    def open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_household(self.model.household_id(row))

    def open_current(self, *_args) -> None:
        hid = self.current_id()
        if hid:
            self.open_household(hid)

    def add(self) -> None:
        if not self.store.register.villages():
            self.add_village.emit()  # a household needs its village first
            return
        dialog = HouseholdDialog(self.store, village_id=self.village.currentData(), parent=self)
        if exec_dialog(dialog):
            self._after_save(dialog.household["id"])

    def _after_save(self, household_id: str) -> None:
        self.reload()  # the counter, and the years of the filter (a new year's record adds one)
        row = self.model.row_of(household_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.data_changed.emit()

    def delete_current(self) -> None:
        hid = self.current_id()
        if not hid:
            return
        row = self.table.currentIndex().row()
        named = self.store.register.household_names(ids=[hid]).get(hid)
        label = named.label if named else self.model.data(self.model.index(row, 1))
        if confirm(
            self,
            "Xóa hộ",
            f"Đưa hộ {label} vào thùng rác?\n\nChỉ xóa một hộ nhập nhầm hoặc nhập trùng. Hộ đã chuyển đi nơi "
            'khác thì đừng xóa: mở hộ và ghi "Năm rời khỏi xã", để các năm trước vẫn được tính.\n\n'
            "Hộ đã xóa có thể khôi phục lại ở trang Thùng rác.",
            yes="Đưa vào thùng rác",
            no="Không",
        ):
            if run_guarded(self, lambda: self.store.register.delete_household(hid)):
                self.reload()
                self.table.selectRow(min(row, self.model.rowCount() - 1))
                self.data_changed.emit()
