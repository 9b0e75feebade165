"""The commune: its details (first-run setup too) and its yearly assessments."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
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

from thidua_desktop import domain, settings
from thidua_desktop.register import rules
from thidua_desktop.store import Store
from thidua_desktop.text import clean

from ..common import screen
from ..common.messages import exec_dialog, officer_name, run_guarded
from ..common.widgets import (
    ChoiceCombo,
    FormDialog,
    TriStateCombo,
    ask_new_year,
    error_label,
    set_error,
    wrapped,
    year_item,
)


class CommuneDialog(FormDialog):
    """The commune's details; on first start it is the setup of the program."""

    def __init__(self, store: Store, first_run: bool = False, parent: QWidget | None = None):
        self.store = store
        current = store.register.commune() or {
            "code": "",
            "name": "",
            "province_code": "",
            "province_name": "",
            "district_name": None,
            "area": "rural",
            "region": None,
            "poor_commune": False,
        }
        self.current = current
        super().__init__("Thiết lập xã lần đầu" if first_run else "Thông tin xã", parent)
        if first_run:
            intro = wrapped(
                "Chào mừng đến với ThiDua Desktop. Hãy nhập thông tin của xã (phường, thị trấn) "
                "trước khi bắt đầu. Các thông tin này có thể sửa lại sau trong menu Tệp."
            )
            self.layout_.addWidget(intro)
            upper_button = QPushButton("Đây là máy của &cấp trên (huyện, tỉnh) nhận dữ liệu các xã...")
            upper_button.clicked.connect(self.become_upper)
            self.layout_.addWidget(upper_button)
        form = QFormLayout()
        self.layout_.addLayout(form)
        self.errors: dict[str, QLabel] = {}

        def row(label: str, widget: QWidget, key: str | None = None) -> QWidget:
            form.addRow(label, widget)
            if key:
                self.errors[key] = error_label()
                form.addRow("", self.errors[key])
            return widget

        self.code = row("&Mã xã (5 chữ số)", QLineEdit(current["code"]), "code")
        self.code.setInputMask("99999;_")
        self.name = row("&Tên xã", QLineEdit(current["name"]), "name")
        self.name.setPlaceholderText("Ví dụ: Xã Hồng Thái")
        self.province_code = row("Mã tỉnh (&2 chữ số)", QLineEdit(current["province_code"]), "province_code")
        self.province_code.setInputMask("99;_")
        self.province_name = row("Tên tỉ&nh", QLineEdit(current["province_name"]), "province_name")
        self.district = row("H&uyện (dữ liệu trước 1/7/2025)", QLineEdit(current.get("district_name") or ""))
        self.district.setPlaceholderText("Để trống nếu không có")
        self.area = row("&Khu vực", ChoiceCombo(domain.AREA_LABELS))
        self.area.set_value(current["area"])
        self.region = row("&Xã thuộc khu vực", ChoiceCombo(domain.REGION_LABELS))
        self.region.set_value(current.get("region"))
        self.poor = QCheckBox("Xã nghèo / xã đặc &biệt khó khăn")
        self.poor.setChecked(bool(current.get("poor_commune")))
        row("", self.poor)
        # The name written in the change history: asked for, never the computer's login name.
        self.officer = row("Họ tên cán bộ &sử dụng", QLineEdit(officer_name(store) or ""))
        self.officer.setPlaceholderText("Ghi vào lịch sử thay đổi; có thể để trống và ghi sau")
        self.watch(
            self.code,
            self.name,
            self.province_code,
            self.province_name,
            self.district,
            self.area,
            self.region,
            self.poor,
            self.officer,
        )
        self.finish_layout()
        screen.fit(self, 600)
        self.code.setFocus()

    def become_upper(self) -> None:
        from ..upper.setup_dialog import UpperSetupDialog

        if exec_dialog(UpperSetupDialog(self.store, self)):
            self.dirty = False
            self.accept()

    def check(self) -> list[str]:
        code, province = self.code.text().strip(), self.province_code.text().strip()
        messages = {
            "code": None
            if len(code) == 5 and code.isdigit()
            else "Mã xã gồm đúng 5 chữ số (theo danh mục đơn vị hành chính).",
            "name": rules.check_name(self.name.text(), "Tên xã"),
            "province_code": None if len(province) == 2 and province.isdigit() else "Mã tỉnh gồm đúng 2 chữ số.",
            "province_name": rules.check_name(self.province_name.text(), "Tên tỉnh"),
        }
        for key, label in self.errors.items():
            set_error(label, messages[key])
        return [m for m in messages.values() if m]

    def save(self) -> bool:
        if self.recheck():
            return False
        code, province = self.code.text().strip(), self.province_code.text().strip()
        commune = dict(self.current)
        commune.update(
            code=code,
            name=clean(self.name.text()),
            province_code=province,
            province_name=clean(self.province_name.text()),
            district_name=clean(self.district.text()) or None,
            area=self.area.value(),
            region=self.region.value(),
            poor_commune=self.poor.isChecked(),
        )
        commune.pop("years", None)  # the yearly assessments have their own page
        officer = clean(self.officer.text())

        def store_all():
            self.store.register.save_commune(commune)
            if officer:
                settings.OFFICER.set(self.store, officer)
                self.store.actor = officer

        return run_guarded(self, store_all)


SHORT_HEADERS = {
    "socioeconomic_targets": "Kinh tế - xã hội\nđạt chỉ tiêu",
    "funds_settled_on_time": "Thanh quyết toán\nkịp thời",
    "mobilization": "Vận động nhân dân,\nhạn chế tái nghèo",
    "reporting_on_time": "Thông tin,\nbáo cáo tốt",
}


class CommuneYearsPage(QWidget):
    """The commune's yearly assessments (criteria C1, C2, C3, C7) with their evidence notes."""

    data_changed = Signal()
    KEYS = list(domain.COMMUNE_ASSESSMENTS)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.heading)
        layout.addWidget(QLabel("Đánh giá của xã theo từng năm; mỗi đánh giá có thể kèm minh chứng."))
        self.table = QTableWidget(0, 1 + 2 * len(self.KEYS))
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem("Năm"))
        for i, key in enumerate(self.KEYS):
            item = QTableWidgetItem(SHORT_HEADERS[key])
            item.setToolTip(domain.COMMUNE_ASSESSMENTS[key])
            self.table.setHorizontalHeaderItem(1 + 2 * i, item)
            self.table.setHorizontalHeaderItem(2 + 2 * i, QTableWidgetItem("Minh chứng"))
            self.table.setColumnWidth(1 + 2 * i, 135)
            self.table.setColumnWidth(2 + 2 * i, 150)
        self.table.setColumnWidth(0, 50)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons; arrows move in it
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        add = QPushButton("Thêm &năm...")
        add.clicked.connect(self.add_year)
        self.save_button = QPushButton("&Lưu đánh giá (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.status = QLabel()
        bar.addWidget(add)
        bar.addWidget(self.save_button)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)
        self.dirty = False
        self.reload()

    def reload(self) -> None:
        if self.dirty:  # never throw away what is being typed: the officer saves it, then sees the rest
            self.status.setText("Có thay đổi chưa lưu (dữ liệu vừa đổi ở nơi khác: lưu xong sẽ hiện lại).")
            return
        commune = self.store.register.commune(with_evidence=True)
        self.heading.setText(f"{commune['name']}, {commune['province_name']}" if commune else "")
        self.table.setRowCount(0)
        self._rows: list[tuple[int, list]] = []
        for entry in (commune or {}).get("years", []):
            self._add_row(entry)
        self.dirty = False
        self.status.setText("")

    def _add_row(self, entry: dict) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, year_item(entry["year"]))
        widgets = []
        for i, key in enumerate(self.KEYS):
            combo = TriStateCombo()
            combo.set_value((entry.get("assessments") or {}).get(key))
            note = QLineEdit((entry.get("evidence") or {}).get(key) or "")
            self.table.setCellWidget(row, 1 + 2 * i, combo)
            self.table.setCellWidget(row, 2 + 2 * i, note)
            combo.currentIndexChanged.connect(self._mark)
            note.textEdited.connect(self._mark)
            widgets.append((combo, note))
        self._rows.append((entry["year"], widgets))

    def _mark(self, *_):
        self.dirty = True
        self.status.setText("Có thay đổi chưa lưu.")

    def add_year(self) -> None:
        year = ask_new_year(self, {y for y, _ in self._rows})
        if year is not None:
            self._add_row({"year": year})
            self._mark()

    def entries(self) -> list[dict]:
        return [
            {
                "year": year,
                "assessments": {k: combo.value() for k, (combo, _) in zip(self.KEYS, widgets)},
                "evidence": {k: clean(note.text()) or None for k, (_, note) in zip(self.KEYS, widgets)},
            }
            for year, widgets in self._rows
        ]

    def save(self) -> bool:
        def store_all():
            commune = self.store.register.commune()
            commune["years"] = self.entries()
            self.store.register.save_commune(commune)

        if run_guarded(self, store_all):
            self.dirty = False
            self.reload()
            self.status.setText("Đã lưu đánh giá của xã.")
            self.data_changed.emit()
            return True
        return False
