"""Villages (thôn, bản, tổ dân phố) and their yearly facts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain
from thidua_desktop.register import rules
from thidua_desktop.store import Store, new_id
from thidua_desktop.text import clean

from ..common import screen
from ..common.messages import confirm, exec_dialog, run_guarded
from ..common.tables import ReadOnlyTable
from ..common.widgets import (
    ChoiceCombo,
    FormDialog,
    MoneyEdit,
    OptionalCountSpin,
    TriStateCombo,
    ask_new_year,
    error_label,
    set_error,
    wrapped,
    year_item,
)


class VillagePage(QWidget):
    data_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.hint = wrapped()
        layout.addWidget(self.hint)
        self.table = ReadOnlyTable(["Tên", "Loại", "Số hộ", "Số năm có thông tin"], stretch=0, single=True)
        self.table.opened.connect(self.edit)
        layout.addWidget(self.table)
        bar = QHBoxLayout()
        for text, slot in (
            ("Thêm thôn (Ctrl+N)...", self.add),
            ("Sửa (Enter)...", self.edit),
            ("Xóa vào thùng rác (Delete)", self.delete),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            activated=self.delete,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.reload()

    def reload(self) -> None:
        self.villages = self.store.register.villages()
        counts = self.store.register.village_household_counts()
        self.table.fill(
            [
                [v["name"], domain.VILLAGE_KIND_LABELS[v["kind"]], counts.get(v["id"], 0), len(v["years"])]
                for v in self.villages
            ]
        )
        self.hint.setText(
            "Chưa có thôn, bản, tổ dân phố nào. Bấm Thêm thôn (Ctrl+N) để thêm từng thôn của xã; sau đó thêm hộ "
            "ở trang Hộ gia đình."
            if not self.villages
            else "Enter mở thôn đang chọn để sửa tên và thông tin hằng năm của thôn."
        )
        if self.villages and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def _selected(self) -> dict | None:
        return self.table.current_of(self.villages)

    def add(self) -> None:
        if exec_dialog(VillageDialog(self.store, None, self)):
            self.reload()
            self.data_changed.emit()

    def edit(self, *_args) -> None:
        village = self._selected()
        if village and exec_dialog(VillageDialog(self.store, village["id"], self)):
            self.reload()
            self.data_changed.emit()

    def delete(self) -> None:
        village = self._selected()
        if village and confirm(
            self, "Xóa thôn", f"Đưa {village['name']} vào thùng rác?", yes="Đưa vào thùng rác", no="Không"
        ):
            if run_guarded(self, lambda: self.store.register.delete_village(village["id"])):
                self.reload()
                self.data_changed.emit()


class VillageDialog(FormDialog):
    # Short two-line headers keep the table on one screen; the full wording is in each tooltip.
    YEAR_COLUMNS = [
        ("Năm", "Năm", 50),
        ("Khu dân cư\nvăn hóa", domain.VILLAGE_YEAR_FLAGS["cultural_title"], 130),
        ("Tham gia xây dựng\nnông thôn mới", domain.VILLAGE_YEAR_FLAGS["ntm_participation"], 130),
        ("Quy chế luân\nchuyển vốn", domain.VILLAGE_YEAR_FLAGS["budget_rotation_rule"], 130),
        ("Mô hình\nnhân rộng", "Số mô hình giảm nghèo được nhân rộng", 90),
        ("Nguồn lực\nhuy động (đồng)", "Nguồn lực cộng đồng huy động được (đồng)", 140),
        ("Đoàn kết,\ngiúp nhau", domain.VILLAGE_ASSESSMENTS["mutual_help"], 130),
        ("Minh chứng", "Minh chứng cho đánh giá đoàn kết, giúp nhau", 150),
    ]

    def __init__(self, store: Store, village_id: str | None, parent: QWidget | None = None):
        self.store = store
        self.village = (
            store.register.village(village_id)
            if village_id
            else {"id": new_id(), "name": "", "kind": "thon", "years": []}
        )
        super().__init__(self.village["name"] if village_id else "Thêm thôn, bản, tổ dân phố", parent)
        form = QFormLayout()
        self.layout_.addLayout(form)
        self.name = QLineEdit(self.village["name"])
        self.name.setPlaceholderText("Ví dụ: Thôn Nà Khà")
        form.addRow("&Tên", self.name)
        self.name_error = error_label()
        form.addRow("", self.name_error)
        self.kind = ChoiceCombo(domain.VILLAGE_KIND_LABELS)
        self.kind.set_value(self.village["kind"])
        form.addRow("Loạ&i", self.kind)
        caption = QLabel("Thông tin hằng năm của thôn (tiêu chí đối với thôn, bản, tổ dân phố):")
        self.layout_.addWidget(caption)
        self.years = QTableWidget(0, len(self.YEAR_COLUMNS))
        for col, (title, tooltip, width) in enumerate(self.YEAR_COLUMNS):
            item = QTableWidgetItem(title)
            item.setToolTip(tooltip)
            self.years.setHorizontalHeaderItem(col, item)
            self.years.setColumnWidth(col, width)
        self.years.horizontalHeader().setStretchLastSection(True)
        self.years.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move from cell to cell
        caption.setBuddy(self.years)
        self.layout_.addWidget(self.years, 1)
        bar = QHBoxLayout()
        add = QPushButton("Thêm &năm...")
        add.clicked.connect(self.add_year)
        bar.addWidget(add)
        bar.addStretch(1)
        self.layout_.addLayout(bar)
        self._rows: list[tuple[int, list]] = []
        for vy in self.village["years"]:
            self._add_row(vy)
        self.watch(self.name, self.kind)
        self.finish_layout()
        screen.fit(self, 1100, 480)

    def _add_row(self, vy: dict) -> None:
        row = self.years.rowCount()
        self.years.insertRow(row)
        self.years.setItem(row, 0, year_item(vy["year"]))
        widgets = []
        for key in domain.VILLAGE_YEAR_FLAGS:
            combo = TriStateCombo()
            combo.set_value(vy.get(key))
            widgets.append(combo)
        models = OptionalCountSpin(999, f"Số mô hình nhân rộng năm {vy['year']}")
        models.set_value_or_none(vy.get("replicated_models"))
        widgets.append(models)
        money = MoneyEdit()
        money.set_amount(vy.get("community_resources_vnd"))
        widgets.append(money)
        mutual = TriStateCombo()
        mutual.set_value((vy.get("assessments") or {}).get("mutual_help"))
        widgets.append(mutual)
        evidence = QLineEdit((vy.get("evidence") or {}).get("mutual_help") or "")
        widgets.append(evidence)
        for col, w in enumerate(widgets, start=1):
            self.years.setCellWidget(row, col, w)
        self.watch(*widgets)
        self._rows.append((vy["year"], widgets))

    def add_year(self) -> None:
        year = ask_new_year(self, {y for y, _ in self._rows})
        if year is not None:
            self._add_row({"year": year})
            self.mark_dirty()

    def check(self) -> list[str]:
        name_msg = rules.check_name(self.name.text(), "Tên thôn")
        set_error(self.name_error, name_msg)
        return ([name_msg] if name_msg else []) + self._years()[1]

    def _years(self) -> tuple[list[dict], list[str]]:
        errors: list[str] = []
        years = []
        for year, (cultural, ntm, rotation, models, money, mutual, evidence) in self._rows:
            try:
                resources = money.amount()
            except ValueError as exc:
                errors.append(f"Năm {year}: nguồn lực huy động - {exc}")
                continue
            years.append(
                {
                    "year": year,
                    "cultural_title": cultural.value(),
                    "ntm_participation": ntm.value(),
                    "budget_rotation_rule": rotation.value(),
                    "replicated_models": models.value_or_none(),
                    "community_resources_vnd": resources,
                    "assessments": {"mutual_help": mutual.value()},
                    "evidence": {"mutual_help": clean(evidence.text()) or None},
                }
            )
        return years, errors

    def save(self) -> bool:
        if self.recheck():
            return False
        years, _ = self._years()
        village = {
            "id": self.village["id"],
            "name": clean(self.name.text()),
            "kind": self.kind.value(),
            "years": sorted(years, key=lambda y: y["year"]),
        }
        return run_guarded(self, lambda: self.store.register.save_village(village))
