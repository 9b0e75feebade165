"""The evaluation view: households, villages and the commune judged for a year, with reasons and a chart."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QBuffer, QIODevice, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QPainter, QPixmap, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain, settings
from thidua_desktop.documents import annual_report
from thidua_desktop.evaluation import criteria, evaluator, service
from thidua_desktop.evaluation.criteria import CriteriaError, CriteriaSet
from thidua_desktop.files import atomic_write
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent

from ..common.messages import run_guarded, show_error
from ..common.tables import ReadOnlyTable, opens_rows
from ..common.widgets import SearchCombo, add_labelled, latest_year_spin, wrapped
from ..common.worker import Worker
from ..printing.preview import ask_printer
from .chart import RateChart

# Verdicts are told by a mark and a word, not by colour alone.
MARKS = {"met": "✔", "eligible": "✔", "not_met": "✘", "not_eligible": "✘", "missing": "?", "not_applicable": "–"}
COLORS = {
    "met": "#dff0d8",
    "eligible": "#dff0d8",
    "not_met": "#f8d7da",
    "not_eligible": "#f8d7da",
    "missing": "#fff3cd",
    "not_applicable": "#eeeeee",
}
HOUSEHOLD_FILTERS = {
    "all": "Tất cả các hộ",
    "eligible": "Đủ điều kiện",
    "missing": "Chưa đủ thông tin",
    "not_eligible": "Không đủ điều kiện",
    "differs": "Phân loại khác chuẩn nghèo",
    "not_applicable": "Không thuộc diện xét",
}
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 3
VILLAGE_CRITERIA = ("V1", "V2", "V3", "V4")


def png_bytes(pixmap: QPixmap) -> bytes:
    """The picture as a PNG file's bytes, for atomic_write."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    return bytes(buffer.data())


def verdict_text(verdict: str) -> str:
    return f"{MARKS[verdict]} {domain.VERDICT_LABELS[verdict]}"


def criteria_title(name: str) -> str:
    """A criteria set as the officer knows it: by its title (the plan it follows), not its file name."""
    try:
        return criteria.load(name).title
    except CriteriaError:
        return name


def coverage_line(year: int | str, entry: dict | None, rate: float | None) -> str:
    """The year's poverty rate, over how many households it was computed, and whether the year is whole."""
    if not entry:
        return ""
    base = f"Tỷ lệ hộ nghèo năm {year}: {format_percent(rate)}"
    note = evaluator.coverage_note(entry)
    if note:
        return f"{base}. ⚠ {note}"
    return f"{base}, tính trên cả {entry['households']} hộ (hộ nào cũng có kết quả rà soát)."


class HouseholdResults(QAbstractTableModel):
    HEADERS = ["Mã hộ", "Chủ hộ", "Thôn", "Diện xét", "Kết quả", "Theo chuẩn nghèo"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: list[dict] = []
        self.names: dict[str, tuple] = {}
        self.rows: list[int] = []
        self.kind, self.village = "all", None

    def set_report(self, results: list[dict], names: dict[str, tuple]) -> None:
        self.results, self.names = results, names
        self.apply()

    def set_filter(self, kind: str, village: str | None) -> None:
        self.kind, self.village = kind, village
        self.apply()

    def apply(self) -> None:
        self.beginResetModel()
        self.rows = [i for i, r in enumerate(self.results) if self._shown(r)]
        self.endResetModel()

    def _shown(self, r: dict) -> bool:
        if self.village and self.names.get(r["id"], (None,) * 4)[3] != self.village:
            return False
        if self.kind == "all":
            return True
        if self.kind == "differs":
            return r["status_differs"]
        return r["verdict"] == self.kind

    def result(self, row: int) -> dict:
        return self.results[self.rows[row]]

    def replace(self, new: dict) -> None:
        for i, r in enumerate(self.results):
            if r["id"] == new["id"]:
                self.results[i] = new
        self.apply()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        r = self.result(index.row())
        code, name, _, village_name = self.names.get(r["id"], ("", "", None, ""))
        col = index.column()
        if role == VERDICT_ROLE:
            return r["verdict"]
        if role == Qt.ItemDataRole.BackgroundRole and col == 4:
            return QBrush(QColor(COLORS[r["verdict"]]))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return code or ""
        if col == 1:
            return name
        if col == 2:
            return village_name
        if col == 3:
            return ", ".join(f"{k}. {domain.CATEGORY_LABELS[k]}" for k in r["categories"]) or "—"
        if col == 4:
            return verdict_text(r["verdict"])
        computed = r["computed_status"]
        if computed is None:
            return "chưa tính được"
        text = domain.STATUS_LABELS[computed]
        return f"⚠ {text} (khác phân loại)" if r["status_differs"] else text


def fill_criteria(tree: QTreeWidget, groups: dict[str, dict]) -> None:
    """Categories (or one group) with their criteria: mark, word, colour and the reason."""
    tree.clear()
    for title, group in groups.items():
        top = QTreeWidgetItem([title, verdict_text(group["verdict"]), ""])
        top.setBackground(1, QBrush(QColor(COLORS[group["verdict"]])))
        font = top.font(0)
        font.setBold(True)
        top.setFont(0, font)
        tree.addTopLevelItem(top)
        for key, c in group["criteria"].items():
            item = QTreeWidgetItem([f"{key}. {domain.CRITERION_LABELS[key]}", verdict_text(c["verdict"]), c["reason"]])
            item.setData(0, Qt.ItemDataRole.UserRole, key)
            item.setBackground(1, QBrush(QColor(COLORS[c["verdict"]])))
            item.setToolTip(2, c["reason"])
            top.addChild(item)
        top.setExpanded(True)
    if tree.topLevelItemCount() and tree.topLevelItem(0).childCount():
        first = tree.topLevelItem(0).child(0)
        worst = next(
            (
                top.child(j)
                for i in range(tree.topLevelItemCount())
                for top in [tree.topLevelItem(i)]
                for j in range(top.childCount())
                if top.child(j).text(1).startswith(("✘", "?"))
            ),
            first,
        )
        tree.setCurrentItem(worst)
    tree.resizeColumnToContents(0)
    tree.resizeColumnToContents(1)


def criteria_tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(["Tiêu chí", "Kết quả", "Lý do (số liệu đã dùng)"])
    tree.setAlternatingRowColors(True)
    tree.header().setStretchLastSection(True)
    return tree


def with_reason(tree: QTreeWidget) -> QWidget:
    """The tree, and under it the whole reason of the chosen criterion, wrapped: reasons can be long."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(tree, 1)
    reason = QLabel()
    reason.setWordWrap(True)
    reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    reason.setStyleSheet("padding: 4px; background: #f7f7f7; border: 1px solid #dddddd;")
    reason.setMinimumHeight(44)
    layout.addWidget(reason)
    tree.currentItemChanged.connect(
        lambda item, _old: reason.setText(f"{item.text(0)}: {item.text(2)}" if item and item.text(2) else "")
    )
    tree.reason_label = reason
    return box


class EvaluationPage(QWidget):
    """Judge a year; see why; jump to what is missing; chart the rates; print or save it."""

    data_changed = Signal()
    evaluated = Signal()
    open_household = Signal(str, str, int)  # household id, criterion, year
    open_village = Signal(str)
    open_commune_years = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.report: dict | None = None
        self._worker: Worker | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = latest_year_spin(store, "Năm đánh giá")
        self.criteria_combo = SearchCombo()
        self.criteria_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.criteria_combo.setMinimumContentsLength(28)  # titles are long: the whole one is in the tooltip
        for name in sorted(criteria.available()):
            title = criteria_title(name)
            self.criteria_combo.addItem(title, name)
            self.criteria_combo.setItemData(self.criteria_combo.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        chosen = criteria.chosen_name(store)
        self.criteria_combo.setCurrentIndex(max(self.criteria_combo.findData(chosen), 0))
        self.criteria_combo.setToolTip(self.criteria_combo.currentText())
        self.criteria_combo.currentIndexChanged.connect(
            lambda *_: self.criteria_combo.setToolTip(self.criteria_combo.currentText())
        )
        self.run_button = QPushButton("Đá&nh giá (F5)")
        self.run_button.clicked.connect(self.run)
        QShortcut(QKeySequence("F5"), self, activated=self.run)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        add_labelled(bar, ("Nă&m đánh giá:", self.year), ("Bộ tiêu &chí:", self.criteria_combo))
        bar.addWidget(self.run_button)
        bar.addWidget(self.progress)
        bar.addStretch(1)
        self.print_button = QPushButton("&In bảng (Ctrl+P)...")
        self.print_button.clicked.connect(self.print_current)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_current)
        self.png_button = QPushButton("Lưu ảnh &PNG...")
        self.png_button.clicked.connect(self.save_png)
        self.report_button = QPushButton("Báo cáo &Excel...")
        self.report_button.clicked.connect(self.save_annual_report)
        bar.addWidget(self.report_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.png_button)
        layout.addLayout(bar)
        self.summary = wrapped("Chọn năm rồi bấm Đánh giá (F5).")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_households()
        self._build_villages()
        self._build_commune()
        self._build_chart()

    # --- layout ---------------------------------------------------------------------------
    def _build_households(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.household_filter = SearchCombo()
        for key, label in HOUSEHOLD_FILTERS.items():
            self.household_filter.addItem(label, key)
        self.village_filter = SearchCombo()
        add_labelled(bar, ("&Lọc:", self.household_filter), ("Thôn:", self.village_filter))
        bar.addStretch(1)
        self.household_count = QLabel()
        bar.addWidget(self.household_count)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.households = HouseholdResults(self)
        self.household_table = QTableView()
        self.household_table.setModel(self.households)
        self.household_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.household_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.household_table.verticalHeader().setDefaultSectionSize(24)
        for col, width in enumerate([80, 200, 140, 290, 190, 200]):
            self.household_table.setColumnWidth(col, width)
        self.household_table.horizontalHeader().setStretchLastSection(True)
        self.household_table.selectionModel().currentRowChanged.connect(self._show_household)
        opens_rows(self.household_table, lambda _row: self._jump_household(self.household_tree.currentItem()))
        split.addWidget(self.household_table)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.household_tree = criteria_tree()
        self.household_tree.itemActivated.connect(self._jump_household)
        dl.addWidget(with_reason(self.household_tree))
        self.jump_button = QPushButton("Điền thông tin cho tiêu chí đang chọn (Enter)...")
        self.jump_button.clicked.connect(lambda: self._jump_household(self.household_tree.currentItem()))
        dl.addWidget(self.jump_button)
        split.addWidget(detail)
        split.setSizes([360, 260])
        layout.addWidget(split)
        self.household_filter.currentIndexChanged.connect(self._filter_households)
        self.village_filter.currentIndexChanged.connect(self._filter_households)
        self.tabs.addTab(page, "&Hộ gia đình")  # the page's own letters: H, B, X, U

    def _build_villages(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.village_table = ReadOnlyTable(
            ["Thôn", "Kết quả", "V1", "V2", "V3", "V4", "Hộ nghèo", "Cận nghèo"], stretch=None, single=True
        )
        self.village_table.currentCellChanged.connect(lambda row, *_: self._show_village(row))
        self.village_table.opened.connect(lambda _row: self._jump_village())
        layout.addWidget(self.village_table, 1)
        self.village_tree = criteria_tree()
        self.village_tree.itemActivated.connect(lambda *_: self._jump_village())
        layout.addWidget(with_reason(self.village_tree), 1)
        edit = QPushButton("Sửa thông tin hằng năm của thôn (Enter)...")
        edit.clicked.connect(self._jump_village)
        layout.addWidget(edit)
        self.tabs.addTab(page, "Thôn, &bản, tổ dân phố")

    def _build_commune(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.commune_tree = criteria_tree()
        self.commune_tree.itemActivated.connect(
            lambda *_: QTimer.singleShot(0, self, self.open_commune_years.emit)  # after the tree's own event
        )
        layout.addWidget(with_reason(self.commune_tree))
        self.tabs.addTab(page, "&Xã")

    def _build_chart(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.chart_scope = SearchCombo()
        self.chart_scope.currentIndexChanged.connect(self._update_chart)
        add_labelled(bar, ("&Vẽ cho:", self.chart_scope))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.chart = RateChart()
        layout.addWidget(self.chart, 1)
        self.tabs.addTab(page, "Biể&u đồ tỷ lệ nghèo")

    # --- running -------------------------------------------------------------------------
    def criteria_set(self) -> CriteriaSet | None:
        """The criteria set chosen on the page, or None after saying why it cannot be used."""
        try:
            return criteria.load(self.criteria_combo.currentData() or settings.DEFAULT_CRITERIA_SET)
        except CriteriaError as exc:
            show_error(self, str(exc), "Bộ tiêu chí không dùng được")
            return None

    def run(self) -> None:
        """The whole commune, in the background, with progress."""
        if self._worker is not None or self.store.register.commune() is None:
            return
        chosen = self.criteria_set()
        if chosen is None:
            return
        settings.CRITERIA_SET.set(self.store, chosen.name)
        self.run_button.setEnabled(False)
        self.progress.show()
        self.progress.setValue(5)
        self._criteria = chosen
        year = self.year.value()

        def work(store: Store, progress) -> service.Evaluation:
            progress(20, "Đang đọc dữ liệu và đánh giá...")
            return service.run(store, year, chosen)

        self._worker = Worker(self, self.store, work, self._on_progress, self._on_finished, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.progress.setFormat(text)

    def _end_job(self) -> None:
        self._worker = None
        self.progress.hide()
        self.run_button.setEnabled(True)

    def _on_failed(self, message: str) -> None:
        self._end_job()
        show_error(self, message)
        self.evaluated.emit()

    def _on_finished(self, result: service.Evaluation) -> None:
        self._end_job()
        run_guarded(self, lambda: self.show_report(result))
        self.evaluated.emit()

    def show_report(self, result: service.Evaluation) -> None:
        report = result.report
        self.report = report
        self.village_series = result.village_series
        self.coverage = result.coverage
        names = {
            h.id: (h.code, h.head_name, h.village_id, h.village)
            for h in self.store.register.household_names(include_deleted=True).values()
        }
        villages = self.store.register.villages(include_deleted=True)
        self.village_names = {v["id"]: v["name"] for v in villages}
        self.village_filter.blockSignals(True)
        self.village_filter.clear()
        self.village_filter.addItem("Cả xã", None)
        for v in villages:
            self.village_filter.addItem(v["name"], v["name"])
        self.village_filter.blockSignals(False)
        self.households.set_report(report["households"], names)
        self._fill_villages()
        commune = report["commune"]
        fill_criteria(self.commune_tree, {f"Xã: {self.store.register.commune()['name']}": commune})
        self.chart_scope.blockSignals(True)
        self.chart_scope.clear()
        self.chart_scope.addItem("Toàn xã", None)
        for v in report["villages"]:
            self.chart_scope.addItem(self.village_names.get(v["id"], v["id"]), v["id"])
        self.chart_scope.blockSignals(False)
        self._update_chart()
        counts = {k: sum(1 for h in report["households"] if h["verdict"] == k) for k in MARKS}
        differs = sum(1 for h in report["households"] if h["status_differs"])
        year = str(report["year"])
        self.summary.setText(
            f"Năm {year} (bộ tiêu chí: {criteria_title(report['criteria_set'])}): xã "
            f"{verdict_text(commune['verdict']).lower()}; "
            f"{len(report['households'])} hộ, trong đó {counts['eligible']} hộ đủ điều kiện, {counts['missing']} hộ "
            f"chưa đủ thông tin, {counts['not_eligible']} hộ không đủ điều kiện, {differs} hộ có phân loại khác "
            "kết quả tính theo chuẩn nghèo. "
            + coverage_line(year, self.coverage.get(year), commune["poverty_rates"].get(year))
        )
        self._filter_households()

    def _filter_households(self, *_):
        self.households.set_filter(self.household_filter.currentData(), self.village_filter.currentData())
        self.household_count.setText(f"{self.households.rowCount()} hộ")
        self.household_tree.clear()
        if self.households.rowCount():
            self.household_table.selectRow(0)

    def _show_household(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        r = self.households.result(current.row())
        if not r["categories"]:
            self.household_tree.clear()
            reason = (
                "Chưa có kết quả rà soát năm này."
                if r["verdict"] == "missing"
                else "Hộ không nghèo, không cận nghèo và không mới thoát nghèo: không thuộc diện xét."
            )
            item = QTreeWidgetItem(["Kết quả rà soát", verdict_text(r["verdict"]), reason])
            item.setData(0, Qt.ItemDataRole.UserRole, "record")
            self.household_tree.addTopLevelItem(item)
            return
        fill_criteria(self.household_tree, {f"{k}. {domain.CATEGORY_LABELS[k]}": c for k, c in r["categories"].items()})

    def _fill_villages(self) -> None:
        villages = self.report["villages"]
        rows, colors = [], {}
        for row, v in enumerate(villages):
            verdicts = [v["verdict"]] + [v["criteria"][k]["verdict"] for k in VILLAGE_CRITERIA]
            rows.append(
                [
                    self.village_names.get(v["id"], ""),
                    *(verdict_text(verdict) for verdict in verdicts),
                    format_percent(v["poverty_rate"]),
                    format_percent(v["near_poor_rate"]),
                ]
            )
            colors.update({(row, col): COLORS[verdict] for col, verdict in enumerate(verdicts, start=1)})
        self.village_table.fill(rows, colors, right=(6, 7))
        if villages:
            self.village_table.selectRow(0)
            self._show_village(0)

    def _show_village(self, row: int) -> None:
        if not self.report or not (0 <= row < len(self.report["villages"])):
            return
        v = self.report["villages"][row]
        fill_criteria(self.village_tree, {self.village_names.get(v["id"], ""): v})

    def _update_chart(self, *_):
        if not self.report:
            return
        village_id = self.chart_scope.currentData()
        target = (
            float(self._criteria.commune_reduction)
            if getattr(self, "_criteria", None) and self._criteria.reduction_unit == "points"
            else None
        )
        commune = self.report["commune"]
        if village_id is None:
            self.chart.set_series(
                f"Tỷ lệ hộ nghèo, cận nghèo của {self.store.register.commune()['name']}",
                commune["poverty_rates"],
                commune["near_poor_rates"],
                target,
                getattr(self, "coverage", None),
            )
            return
        rates = self.village_series.get(village_id, ({}, {}))
        self.chart.set_series(
            f"Tỷ lệ hộ nghèo, cận nghèo của {self.village_names.get(village_id, '')}", rates[0], rates[1], target
        )

    # --- jumping to the field ----------------------------------------------------------
    def _jump_household(self, item, *_):
        """Open the household at the chosen criterion's field. The tree's own activation (Enter, a double
        click) is over before the form opens: saving the form judges the household again and rebuilds
        this tree, and a tree rebuilt inside its own signal handler takes the program down with it."""
        index = self.household_table.currentIndex()
        if not index.isValid() or not self.report:
            return
        key = (item.data(0, Qt.ItemDataRole.UserRole) if item else None) or "record"
        household_id, year = self.households.result(index.row())["id"], self.report["year"]
        QTimer.singleShot(0, self, lambda: self.open_household.emit(household_id, key, year))

    def _jump_village(self) -> None:
        row = self.village_table.currentRow()
        if self.report and 0 <= row < len(self.report["villages"]):
            village_id = self.report["villages"][row]["id"]
            QTimer.singleShot(0, self, lambda: self.open_village.emit(village_id))

    def refresh_household(self, household_id: str) -> None:
        """After an edit: judge this one household again at once (nothing else depends on it)."""
        if not self.report:
            return
        data = dataset.household_data(self.store, household_id)
        result = evaluator.evaluate(data, self.report["year"], self._criteria)
        if result["households"]:
            self.households.replace(result["households"][0])
            self._filter_households()
            row = next(
                (i for i in range(self.households.rowCount()) if self.households.result(i)["id"] == household_id), None
            )
            if row is not None:
                self.household_table.selectRow(row)

    # --- output ----------------------------------------------------------------------------
    def current_html(self) -> str:
        """The table on screen (all its rows, not only those visible) as a printable document."""
        if self.tabs.currentIndex() == 0:
            headers = HouseholdResults.HEADERS
            rows = [
                [self.households.data(self.households.index(r, c)) or "" for c in range(len(headers))]
                for r in range(self.households.rowCount())
            ]
            title = f"Kết quả đánh giá hộ gia đình năm {self.report['year'] if self.report else ''}"
        elif self.tabs.currentIndex() == 1:
            headers = [
                self.village_table.horizontalHeaderItem(c).text() for c in range(self.village_table.columnCount())
            ]
            rows = [
                [
                    (self.village_table.item(r, c).text() if self.village_table.item(r, c) else "")
                    for c in range(self.village_table.columnCount())
                ]
                for r in range(self.village_table.rowCount())
            ]
            title = "Kết quả đánh giá thôn, bản, tổ dân phố"
        else:
            headers = ["Tiêu chí", "Kết quả", "Lý do"]
            rows = []
            for i in range(self.commune_tree.topLevelItemCount()):
                top = self.commune_tree.topLevelItem(i)
                rows += [
                    [top.child(j).text(0), top.child(j).text(1), top.child(j).text(2)] for j in range(top.childCount())
                ]
            title = "Kết quả đánh giá xã"
        head = "".join(f"<th>{h}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return (
            f"<h3>{title}</h3><table border='1' cellspacing='0' cellpadding='3' width='100%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def print_to(self, printer: QPrinter) -> None:
        if self.tabs.currentIndex() == 3:
            painter = QPainter(printer)
            page = printer.pageRect(QPrinter.Unit.DevicePixel)
            image = self.chart.grab()
            scale = min(page.width() / image.width(), page.height() / image.height())
            painter.scale(scale, scale)
            painter.drawPixmap(0, 0, image)
            painter.end()
            return
        document = QTextDocument()
        document.setHtml(self.current_html())
        document.print_(printer)

    def print_current(self) -> None:
        if not self.report:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if ask_printer(self, printer) and run_guarded(self, lambda: self.print_to(printer)):
            self.summary.setText(self.summary.text().split(" (Đã gửi")[0] + " (Đã gửi bảng tới máy in.)")

    def save_png(self) -> None:
        if not self.report:
            return
        file, _ = QFileDialog.getSaveFileName(self, "Lưu ảnh", f"danh-gia-{self.report['year']}.png", "Ảnh PNG (*.png)")
        if file:
            image = png_bytes(self.current_widget_image())
            if run_guarded(self, lambda: atomic_write(file, image)):
                self.summary.setText(f"Đã lưu ảnh: {file}")

    def save_annual_report(self) -> None:
        """The annual report of the movement for the year on screen, as an Excel workbook."""
        chosen = self.criteria_set()
        if chosen is None:
            return
        year = self.year.value()
        file, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo năm", f"bao-cao-{year}.xlsx", "Tệp Excel (*.xlsx)")
        if file and run_guarded(self, lambda: annual_report.write(self.store, year, chosen, file)):
            self.summary.setText(f"Đã ghi báo cáo năm {year}: {file}")

    def current_widget_image(self):
        return self.chart.grab() if self.tabs.currentIndex() == 3 else self.tabs.currentWidget().grab()

    def reload(self) -> None:
        """The data changed elsewhere: the shown verdicts may be stale until judged again."""
        self.year.follow()
        if self.report:
            self.summary.setText(
                self.summary.text().split(" (Dữ liệu")[0] + " (Dữ liệu đã thay đổi: bấm Đánh giá để cập nhật.)"
            )
