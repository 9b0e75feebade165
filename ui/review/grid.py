"""The yearly review grid: every household of a village (or the commune) for one year, editable."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain
from thidua_desktop.register import households, rules
from thidua_desktop.store import Store
from thidua_desktop.text import format_vnd

from ..common import screen
from ..common.messages import confirm, exec_dialog, run_guarded, show_error
from ..common.widgets import LoadsWhenShown, SearchCombo, add_labelled, latest_year_spin, wrapped

STATUS, INCOME, DEPRIVATIONS = 3, 4, 5
FLAG_COLUMNS = {6: "cultural_family", 7: "registered_to_exit"}
ASSESSMENT_COLUMNS = {8 + i: key for i, key in enumerate(domain.HOUSEHOLD_ASSESSMENTS)}
HEADERS = [
    "Mã hộ",
    "Chủ hộ",
    "Thôn",
    "Phân loại",
    "Thu nhập BQ\n(đồng/người/tháng)",
    "Số chỉ số\nthiếu hụt",
    "Gia đình\nvăn hóa",
    "Đăng ký\nthoát nghèo",
    "Nỗ lực",
    "Sáng kiến",
    "Hỗ trợ\nhộ khác",
    "Điển hình",
]
COLUMN_WIDTHS = [75, 170, 130, 125, 150, 85, 80, 100, 80, 85, 80, 85]  # fit the longest labels
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 2
DIRTY_BRUSH = QBrush(QColor("#fff4c2"))


def blank_record(year: int) -> dict:
    return {
        "year": year,
        "status": "non_poor",
        "income_per_capita": None,
        "deprivations": None,
        "cultural_family": None,
        "registered_to_exit": None,
        "assessments": {k: None for k in domain.HOUSEHOLD_ASSESSMENTS},
        "evidence": {},
        "note": None,
    }


class ReviewGridModel(QAbstractTableModel):
    error = Signal(str)

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.year = _dt.date.today().year
        self.village_id: str | None = None
        self.rows: list[dict] = []
        self.pending: dict[int, dict] = {}

    def load(self, year: int, village_id: str | None) -> None:
        self.beginResetModel()
        self.year, self.village_id = year, village_id
        self.rows = self.store.register.review_grid(year, village_id)
        self.pending = {}
        self.endResetModel()

    def record(self, row: int) -> dict | None:
        return self.pending.get(row) or self.rows[row]["record"]

    def _editable_record(self, row: int) -> dict:
        if row not in self.pending:
            base = self.rows[row]["record"]
            self.pending[row] = _copy_record(base) if base else blank_record(self.year)
        return self.pending[row]

    def set_deprivations(self, row: int, keys: list[str] | None) -> None:
        self._editable_record(row)["deprivations"] = keys
        self._changed(row)

    def prefill_from_previous(self) -> int:
        """Rows without a record of the year get last year's status, income and deprivations."""
        empty = [i for i, r in enumerate(self.rows) if r["record"] is None and i not in self.pending]
        previous = self.store.register.records_of_year(self.year - 1, [self.rows[i]["household_id"] for i in empty])
        same_standard = domain.standard_for(self.year) == domain.standard_for(self.year - 1)
        filled = 0
        for i in empty:
            before = previous.get(self.rows[i]["household_id"])
            if before is None:
                continue
            record = blank_record(self.year)
            record.update(
                status=before["status"],
                income_per_capita=before["income_per_capita"],
                deprivations=before["deprivations"] if same_standard else None,
            )
            self.pending[i] = record
            filled += 1
        if filled:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(HEADERS) - 1))
        return filled

    def save(self) -> int:
        records = [(self.rows[i]["household_id"], rec) for i, rec in sorted(self.pending.items())]
        households.save_review_records(self.store, records)
        count = len(records)
        self.load(self.year, self.village_id)
        return count

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # --- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
                return HEADERS[section]
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= STATUS and index.column() != DEPRIVATIONS:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, col = index.row(), index.column()
        info, rec = self.rows[row], self.record(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return DIRTY_BRUSH if row in self.pending else None
        if role == CHOICES_ROLE:
            if col == STATUS:
                return list(domain.STATUS_LABELS.items())
            if col in FLAG_COLUMNS or col in ASSESSMENT_COLUMNS:
                return list(domain.JUDGEMENT_LABELS.items())
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (INCOME, DEPRIVATIONS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == DEPRIVATIONS and rec and rec["deprivations"]:
            labels = domain.indicator_labels()
            return "\n".join(labels.get(k, k) for k in rec["deprivations"])
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        edit = role == Qt.ItemDataRole.EditRole
        if col == 0:
            return info["code"] or ""
        if col == 1:
            return info["name"]
        if col == 2:
            return info["village"]
        if rec is None:
            return None if edit else ("Chưa rà soát" if col == STATUS else "")
        if col == STATUS:
            return rec["status"] if edit else domain.STATUS_LABELS[rec["status"]]
        if col == INCOME:
            return format_vnd(rec["income_per_capita"])
        if col == DEPRIVATIONS:
            deps = rec["deprivations"]
            return "chưa ghi" if deps is None else str(len(deps))
        value = (
            rec.get(FLAG_COLUMNS[col])
            if col in FLAG_COLUMNS
            else (rec.get("assessments") or {}).get(ASSESSMENT_COLUMNS[col])
        )
        return value if edit else ("" if value is None else domain.JUDGEMENT_LABELS[value])

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        if col == INCOME:
            try:
                amount = rules.parse_money(str(value))
            except ValueError as exc:
                self.error.emit(f"{self.rows[row]['name']}: {exc}")
                return False
            self._editable_record(row)["income_per_capita"] = amount
        elif col == STATUS:
            self._editable_record(row)["status"] = value
        elif col in FLAG_COLUMNS:
            self._editable_record(row)[FLAG_COLUMNS[col]] = value
        elif col in ASSESSMENT_COLUMNS:
            rec = self._editable_record(row)
            rec["assessments"] = {**(rec.get("assessments") or {}), ASSESSMENT_COLUMNS[col]: value}
        else:
            return False
        self._changed(row)
        return True


def _copy_record(record: dict) -> dict:
    copy = dict(record)
    copy["assessments"] = dict(record.get("assessments") or {})
    copy["evidence"] = dict(record.get("evidence") or {})
    copy["deprivations"] = None if record.get("deprivations") is None else list(record["deprivations"])
    return copy


class ChoiceDelegate(QStyledItemDelegate):
    """A combo editor for the columns whose model offers choices."""

    def createEditor(self, parent, option, index):
        choices = index.data(CHOICES_ROLE)
        if not choices:
            return super().createEditor(parent, option, index)
        combo = SearchCombo(parent)
        for value, label in choices:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class DeprivationDialog(QDialog):
    """The deprivation checklist of one household for one year."""

    def __init__(self, name: str, year: int, keys: list[str] | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Chỉ số thiếu hụt năm {year} - {name}")
        layout = QVBoxLayout(self)
        standard = domain.standard_for(year)
        layout.addWidget(QLabel(f"Chuẩn nghèo: {standard.basis}" if standard else "Chưa có chuẩn nghèo cho năm này"))
        self.unknown = QCheckBox("Chưa ghi nhận")
        self.unknown.setChecked(keys is None)
        layout.addWidget(self.unknown)
        grid = QGridLayout()
        self.checks: dict[str, QCheckBox] = {}
        labels = domain.indicator_labels()
        for i, key in enumerate(domain.indicators_for(year) or ()):
            check = QCheckBox(labels[key])
            check.setChecked(bool(keys) and key in keys)
            check.setEnabled(keys is not None)
            grid.addWidget(check, i // 2, i % 2)
            self.checks[key] = check
        self.unknown.toggled.connect(lambda on: [c.setEnabled(not on) for c in self.checks.values()])
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        screen.fit(self, 760)

    def keys(self) -> list[str] | None:
        if self.unknown.isChecked():
            return None
        return [k for k, c in self.checks.items() if c.isChecked()]


class ReviewGridPage(LoadsWhenShown, QWidget):
    data_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = latest_year_spin(store, "Năm rà soát")
        self.village = SearchCombo()
        add_labelled(bar, ("Nă&m rà soát:", self.year), ("Thô&n:", self.village))
        self.prefill_button = QPushButton("Điền &sẵn từ năm trước")
        self.prefill_button.clicked.connect(self.prefill)
        self.save_button = QPushButton("&Lưu kết quả rà soát (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        bar.addStretch(1)
        bar.addWidget(self.prefill_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.model = ReviewGridModel(store, self)
        self.model.error.connect(lambda msg: show_error(self, msg, "Giá trị không hợp lệ"))
        self.model.dataChanged.connect(self._update_status)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        # Enter or a double click on the deprivations opens their checklist, once the view's event is over
        # (a double click is also an activation: listening to both would open it twice).
        self.table.activated.connect(self._activated_later)
        layout.addWidget(self.table, 1)
        self.status = wrapped()
        layout.addWidget(self.status)
        self._shown = (None, None)
        self.year.valueChanged.connect(self._switch)
        self.village.currentIndexChanged.connect(self._switch)

    def reload(self) -> None:
        if self.model.pending:  # the data changed elsewhere: keep what is being typed, say so
            self.stale = True
            self._update_status()
            self.status.setText(self.status.text() + " Dữ liệu vừa thay đổi ở nơi khác: lưu xong sẽ hiện lại.")
            return
        super().reload()

    def load(self) -> None:
        self.year.follow()  # a year that came since (an import, a household's new record)
        self.village.blockSignals(True)
        chosen = self.village.currentData()
        self.village.clear()
        self.village.addItem("Cả xã", None)
        for v in self.store.register.villages():
            self.village.addItem(v["name"], v["id"])
        self.village.setCurrentIndex(max(self.village.findData(chosen), 0))
        self.village.blockSignals(False)
        self._load()

    def _load(self) -> None:
        self.model.load(self.year.value(), self.village.currentData())
        self._shown = (self.year.value(), self.village.currentData())
        self._update_status()

    def _switch(self, *_):
        if self.model.pending and (self.year.value(), self.village.currentData()) != self._shown:
            if not confirm(
                self,
                "Chưa lưu",
                f"Có {len(self.model.pending)} hộ đã sửa nhưng chưa lưu. Bỏ các thay đổi?",
                yes="Bỏ thay đổi",
                no="Quay lại",
            ):
                year, village = self._shown
                for w in (self.year, self.village):
                    w.blockSignals(True)
                self.year.setValue(year)
                self.village.setCurrentIndex(max(self.village.findData(village), 0))
                for w in (self.year, self.village):
                    w.blockSignals(False)
                return
        self._load()

    def _update_status(self, *_):
        done = sum(1 for i in range(self.model.rowCount()) if self.model.record(i))
        text = f"{self.model.rowCount()} hộ, {done} hộ đã có kết quả rà soát năm {self.model.year}."
        if self.model.pending:
            text += f" {len(self.model.pending)} hộ có thay đổi chưa lưu (tô vàng)."
        self.status.setText(text)

    def _activated_later(self, index) -> None:
        kept = QPersistentModelIndex(index)  # still the same household if the grid changes meanwhile
        QTimer.singleShot(0, self, lambda: self._activated(QModelIndex(kept)) if kept.isValid() else None)

    def _activated(self, index) -> None:
        if index.column() != DEPRIVATIONS:
            return
        rec = self.model.record(index.row())
        info = self.model.rows[index.row()]
        who = f"{info['name']} ({info['code'] or 'không mã'}, {info['village']})"  # heads share names
        dialog = DeprivationDialog(who, self.model.year, rec["deprivations"] if rec else None, self)
        if exec_dialog(dialog):
            self.model.set_deprivations(index.row(), dialog.keys())

    def prefill(self) -> None:
        n = self.model.prefill_from_previous()
        self._update_status()
        self.status.setText(
            self.status.text()
            + (
                f" Đã điền sẵn {n} hộ từ năm {self.model.year - 1}; hãy kiểm tra rồi bấm Lưu."
                if n
                else f" Không có hộ nào để điền từ năm {self.model.year - 1}."
            )
        )

    def save(self) -> None:
        if not self.model.pending:
            self._update_status()
            self.status.setText(self.status.text() + " Không có thay đổi nào cần lưu.")
            return
        count = len(self.model.pending)
        if run_guarded(self, self.model.save):
            if self.stale:
                super().reload()  # what changed elsewhere meanwhile
            self._update_status()
            self.status.setText(self.status.text() + f" Đã lưu {count} hộ.")
            self.data_changed.emit()
