"""The household form: head of household, yearly review records, loans and change history."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain
from thidua_desktop.register import households, rules
from thidua_desktop.store import Store, new_id
from thidua_desktop.text import clean, format_date, format_vnd

from ..common import screen
from ..common.messages import confirm, exec_dialog, run_guarded
from ..common.tables import ReadOnlyTable
from ..common.widgets import (
    ChoiceCombo,
    FormDialog,
    MoneyEdit,
    OptionalYearSpin,
    RangeSpin,
    SearchCombo,
    TriStateCombo,
    error_label,
    scrolled,
    searchable,
    set_error,
    tell_on,
)
from .history import HistoryTable

ETHNICITY_CHOICES = [
    "Kinh",
    "Tày",
    "Dao",
    "H'Mông",
    "Nùng",
    "Sán Chay",
    "Cao Lan",
    "Sán Dìu",
    "Pà Thẻn",
    "Lô Lô",
    "Thái",
    "Mường",
    "Hoa",
]
LOAN_PROGRAMS = [
    "Cho vay hộ nghèo - NHCSXH",
    "Cho vay hộ cận nghèo - NHCSXH",
    "Cho vay hộ mới thoát nghèo - NHCSXH",
    "Cho vay nước sạch và vệ sinh môi trường",
    "Cho vay giải quyết việc làm",
]


def add_row(form: QFormLayout, label: str, widget: QWidget) -> QLabel:
    """A field with its own error line under it."""
    form.addRow(label, widget)
    err = error_label()
    form.addRow("", err)
    return err


class HouseholdDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        household_id: str | None = None,
        village_id: str | None = None,
        year: int | None = None,
        parent: QWidget | None = None,
    ):
        self.store = store
        if household_id:
            self.household = store.register.household(household_id)
            named = store.register.household_names(ids=[household_id], include_deleted=True).get(household_id)
            # heads share names: the title tells this household apart by its code and village
            title = f"Hộ {named.label if named else self.household['head']['name']}"
        else:
            self.household = {
                "id": new_id(),
                "village_id": village_id,
                "code": None,
                "head": {
                    "name": "",
                    "gender": "male",
                    "birth_year": None,
                    "ethnicity": None,
                    "id_number": None,
                    "single": False,
                },
                "members": 1,
                "policy_household": False,
                "left_in": None,
                "years": [],
                "loans": [],
            }
            title = "Thêm hộ gia đình"
        super().__init__(title, parent)
        self.is_new = household_id is None
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs)
        self._build_head()
        self.records = ReviewRecordsEditor(self.household["years"], self.mark_dirty, year)
        self.tabs.addTab(self.records, "Rà soát hằng năm")  # Ctrl+Tab goes from tab to tab
        self.loans = LoansEditor(self.household["loans"], self.mark_dirty)
        self.tabs.addTab(self.loans, "Vốn vay ưu đãi")
        if not self.is_new:
            history = HistoryTable()
            history.show_entries(
                store.register.audit_for_household(self.household["id"]),
                {v["id"]: v["name"] for v in store.register.villages(include_deleted=True)},
            )
            self.tabs.addTab(history, "Lịch sử thay đổi")
        self.finish_layout()
        screen.fit(self, 900, 700)
        self.name.setFocus()

    # --- head of household ----------------------------------------------------------------
    def _build_head(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        hh, head = self.household, self.household["head"]
        self.village = SearchCombo()
        for v in self.store.register.villages():
            self.village.addItem(v["name"], v["id"])
        self.village.setCurrentIndex(max(self.village.findData(hh["village_id"]), 0))
        self.village_error = add_row(form, "&Thôn, bản, tổ dân phố", self.village)
        self.code = QLineEdit(hh.get("code") or "")
        self.code.setMaxLength(40)
        form.addRow("&Mã hộ", self.code)
        self.name = QLineEdit(head["name"])
        self.name.setPlaceholderText("Ví dụ: Nguyễn Văn An")
        self.name_error = add_row(form, "&Họ và tên chủ hộ", self.name)
        self.gender = ChoiceCombo(domain.GENDER_LABELS)
        self.gender.set_value(head["gender"])
        form.addRow("&Giới tính", self.gender)
        self.birth_year = OptionalYearSpin(1900, _dt.date.today().year, "Không rõ", "Năm sinh")
        self.birth_year.set_value_or_none(head.get("birth_year"))
        self.birth_error = add_row(form, "Năm &sinh", self.birth_year)
        tell_on(self.birth_year, self.birth_error)
        self.ethnicity = QComboBox()
        self.ethnicity.setEditable(True)
        self.ethnicity.addItems([""] + ETHNICITY_CHOICES)
        self.ethnicity.setCurrentText(head.get("ethnicity") or "")
        searchable(self.ethnicity)  # "hmong" finds "H'Mông"
        form.addRow("&Dân tộc", self.ethnicity)
        self.id_number = QLineEdit(head.get("id_number") or "")
        self.id_number.setMaxLength(12)
        self.id_number.setPlaceholderText("12 chữ số (CMND cũ: 9 chữ số)")
        self.id_error = add_row(form, "Số &CCCD/CMND", self.id_number)
        self.single = QCheckBox("Chủ hộ là người đơn thân")
        self.single.setChecked(bool(head.get("single")))
        form.addRow("", self.single)
        self.members = RangeSpin(1, 60, "Số nhân khẩu")
        self.members.setValue(hh["members"])
        self.members_error = add_row(form, "Số &nhân khẩu", self.members)
        tell_on(self.members, self.members_error)
        self.policy = QCheckBox("Hộ chính sách, người có công")
        self.policy.setChecked(bool(hh.get("policy_household")))
        form.addRow("", self.policy)
        self.left_in = OptionalYearSpin(domain.MIN_YEAR, domain.MAX_YEAR, "Chưa rời", "Năm rời khỏi xã")
        self.left_in.set_value_or_none(hh.get("left_in"))
        self.left_error = add_row(form, "Năm rời &khỏi xã", self.left_in)
        tell_on(self.left_in, self.left_error)
        self.watch(
            self.village,
            self.code,
            self.name,
            self.gender,
            self.birth_year,
            self.ethnicity,
            self.id_number,
            self.single,
            self.members,
            self.policy,
            self.left_in,
        )
        for w in (self.id_number, self.name):
            w.editingFinished.connect(self._check_head)
        self.gender.currentIndexChanged.connect(self._check_head)
        self.birth_year.valueChanged.connect(self._check_head)
        self.tabs.addTab(scrolled(page), "Chủ hộ")

    # Which field fills each household criterion (criteria.md) of the evaluation view.
    CRITERION_FIELDS = {
        "A1": "initiative",
        "A4": "supports_others",
        "A5": "cultural",
        "B1": "effort",
        "B2": "registered",
        "A3": "status",
        "record": "status",
    }

    def focus_criterion(self, key: str, year: int) -> None:
        """Open at the very field a missing or unmet criterion needs."""
        if key in ("A2", "B3"):
            self.tabs.setCurrentWidget(self.loans)
            self.loans.table.setFocus()
            return
        self.tabs.setCurrentWidget(self.records)
        self.records.show_year(year)
        field = self.CRITERION_FIELDS.get(key, "status")
        widget = {
            "status": self.records.status,
            "cultural": self.records.cultural,
            "registered": self.records.registered,
        }.get(field)
        if widget is None:
            widget = self.records.assessments[field][0]
        widget.setFocus()

    def _check_head(self) -> list[tuple[QWidget, str]]:
        errors = []
        checks = [
            (
                self.name,
                self.name_error,
                rules.check_name(self.name.text(), "Họ và tên chủ hộ")
                if self.name.text() or not self.is_new or self.dirty
                else None,
            ),
            (self.birth_year, self.birth_error, rules.check_birth_year(self.birth_year.value_or_none())),
            (
                self.id_number,
                self.id_error,
                rules.check_id_number(
                    self.id_number.text().strip() or None, self.gender.value(), self.birth_year.value_or_none()
                ),
            ),
            (
                self.village,
                self.village_error,
                None if self.village.currentData() else "Hãy tạo thôn trước (trang Thôn, bản, tổ dân phố).",
            ),
        ]
        for widget, label, message in checks:
            set_error(label, message)
            if message:
                errors.append((widget, message))
        return errors

    def collect(self) -> dict:
        hh = dict(self.household)
        hh.pop("deleted", None)
        hh.update(
            {
                "village_id": self.village.currentData(),
                "code": clean(self.code.text()) or None,
                "head": {
                    "name": clean(self.name.text()),
                    "gender": self.gender.value(),
                    "birth_year": self.birth_year.value_or_none(),
                    "ethnicity": clean(self.ethnicity.currentText()) or None,
                    "id_number": self.id_number.text().strip() or None,
                    "single": self.single.isChecked(),
                },
                "members": self.members.value(),
                "policy_household": self.policy.isChecked(),
                "left_in": self.left_in.value_or_none(),
                "years": self.records.records(),
                "loans": self.loans.loans,
            }
        )
        return hh

    def check(self) -> list[str]:
        errors = self._check_head()
        if not errors and not self.name.text().strip():
            message = "Họ và tên chủ hộ không được để trống."
            set_error(self.name_error, message)
            errors.append((self.name, message))
        record_errors = self.records.validate(self.left_in.value_or_none())
        set_error(self.left_error, next((m for y, m in record_errors if y == "left_in"), None))
        self._head_errors, self._record_errors = errors, record_errors
        return [m for _, m in errors] + [m for _, m in record_errors]

    def save(self) -> bool:
        self.dirty = True  # an empty name of a new household is an error once saving is tried
        if self.recheck():
            if self._head_errors:
                self.tabs.setCurrentIndex(0)
                self._head_errors[0][0].setFocus()
            else:
                self.tabs.setCurrentWidget(self.records)
            self.show_summary([m for _, m in self._head_errors] + [m for _, m in self._record_errors])
            return False
        hh = self.collect()
        duplicates = self.store.register.possible_duplicates(hh)
        if duplicates:
            lines = "\n".join(
                f"- {d['head_name']} ({d['code'] or 'không mã'}), {d['village']}, "
                f"năm sinh {d['head_birth_year'] or 'không rõ'}, CCCD {d['head_id_number'] or 'không có'}"
                for d in duplicates
            )
            if not confirm(
                self,
                "Có thể trùng hộ",
                f"Hộ này có thể trùng với:\n{lines}\n\nVẫn lưu hộ này?",
                yes="Vẫn lưu",
                no="Xem lại",
            ):
                return False
        return run_guarded(self, lambda: households.save(self.store, hh))


class ReviewRecordsEditor(QWidget):
    """The yearly review records of one household: a list of years and the record of the one chosen."""

    def __init__(self, records: list[dict], on_change, focus_year: int | None = None):
        super().__init__()
        self._records = sorted((dict(r) for r in records), key=lambda r: r["year"])
        self._current: int | None = None
        self._on_change = on_change
        self._loading = False
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.years = QListWidget()
        self.years.setMaximumWidth(200)
        caption = QLabel("Các năm đã &rà soát")
        caption.setBuddy(self.years)
        left.addWidget(caption)
        left.addWidget(self.years)
        add = QPushButton("Thêm &năm...")
        add.clicked.connect(self.add_year)
        remove = QPushButton("&Xóa năm này")
        remove.clicked.connect(self.remove_year)
        left.addWidget(add)
        left.addWidget(remove)
        layout.addLayout(left)

        self.editor = QWidget()
        form = QFormLayout(self.editor)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        form.addRow(self.title)
        self.status = ChoiceCombo(domain.STATUS_LABELS)
        form.addRow("&Phân loại hộ", self.status)
        self.income = MoneyEdit()
        self.income_error = add_row(form, "Thu nhập &bình quân (đồng/người/tháng)", self.income)
        self.deprivation_box = QGroupBox("Chỉ số thiếu hụt dịch vụ xã hội cơ bản")
        self.deprivation_grid = QGridLayout(self.deprivation_box)
        self.deprivations_unknown = QCheckBox("Chưa ghi nhận")
        self.deprivation_checks: dict[str, QCheckBox] = {}
        form.addRow(self.deprivation_box)
        self.deprivation_error = error_label()
        form.addRow(self.deprivation_error)
        self.cultural = TriStateCombo()
        form.addRow("Gia đình &văn hóa", self.cultural)
        self.registered = TriStateCombo()
        form.addRow("Tự nguyện đăng ký &thoát nghèo", self.registered)
        self.assessments: dict[str, tuple[TriStateCombo, QLineEdit]] = {}
        for key, label in domain.HOUSEHOLD_ASSESSMENTS.items():
            combo, evidence = TriStateCombo(), QLineEdit()
            evidence.setPlaceholderText("Minh chứng (không bắt buộc)")
            row = QHBoxLayout()
            row.addWidget(combo)
            row.addWidget(evidence, 1)
            form.addRow(label, row)
            self.assessments[key] = (combo, evidence)
        self.note = QLineEdit()
        self.note.setMaxLength(2000)
        form.addRow("&Ghi chú", self.note)
        layout.addWidget(scrolled(self.editor), 1)
        for w in [self.status, self.income, self.cultural, self.registered, self.note, self.deprivations_unknown] + [
            w for pair in self.assessments.values() for w in pair
        ]:
            for signal in ("currentIndexChanged", "textEdited", "toggled"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(self._changed)
                    break
        self.deprivations_unknown.toggled.connect(self._toggle_unknown)
        self.years.currentRowChanged.connect(self._select)
        self._fill_years()
        if self._records:
            wanted = next((i for i, r in enumerate(self._records) if r["year"] == focus_year), len(self._records) - 1)
            self.years.setCurrentRow(wanted)
        else:
            self.editor.setEnabled(False)

    def _changed(self, *_):
        if not self._loading:
            self._on_change()
            if self._current is not None:
                self._store_current()
                item = self.years.item(self._current)
                item.setText(self._year_label(self._records[self._current]))

    @staticmethod
    def _year_label(record: dict) -> str:
        return f"{record['year']} - {domain.STATUS_LABELS[record['status']]}"

    def _fill_years(self) -> None:
        self.years.blockSignals(True)
        self.years.clear()
        for r in self._records:
            self.years.addItem(QListWidgetItem(self._year_label(r)))
        self.years.blockSignals(False)

    def _toggle_unknown(self, unknown: bool) -> None:
        for check in self.deprivation_checks.values():
            check.setEnabled(not unknown)

    def _build_checklist(self, year: int) -> None:
        while self.deprivation_grid.count():
            item = self.deprivation_grid.takeAt(0)
            if item.widget() and item.widget() is not self.deprivations_unknown:
                item.widget().deleteLater()
        self.deprivation_checks = {}
        keys = domain.indicators_for(year)
        standard = domain.standard_for(year)
        self.deprivation_box.setTitle(
            f"Chỉ số thiếu hụt năm {year}" + (f" (theo {standard.basis})" if standard else "")
        )
        self.deprivation_grid.addWidget(self.deprivations_unknown, 0, 0, 1, 2)
        if keys is None:
            self.deprivation_grid.addWidget(QLabel("Chưa có danh mục chỉ số thiếu hụt cho năm này."), 1, 0, 1, 2)
            return
        labels = domain.indicator_labels()
        for i, key in enumerate(keys):
            check = QCheckBox(labels[key])
            check.toggled.connect(self._changed)
            self.deprivation_grid.addWidget(check, 1 + i // 2, i % 2)
            self.deprivation_checks[key] = check
        # Made after the rest of the form, the boxes would come last in the Tab order: put them where
        # the eye reads them, row by row after "Chưa ghi nhận" and before the next field.
        chain = [self.income, self.deprivations_unknown, *self.deprivation_checks.values(), self.cultural]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def _select(self, row: int) -> None:
        if row < 0:
            self._current = None
            self.editor.setEnabled(False)
            return
        self._current = row
        self._load(self._records[row])

    def _load(self, r: dict) -> None:
        self._loading = True
        self.editor.setEnabled(True)
        self.title.setText(f"Kết quả rà soát năm {r['year']}")
        self.status.set_value(r["status"])
        self.income.set_amount(r.get("income_per_capita"))
        self._build_checklist(r["year"])
        deps = r.get("deprivations")
        self.deprivations_unknown.setChecked(deps is None)
        self._toggle_unknown(deps is None)
        for key, check in self.deprivation_checks.items():
            check.setChecked(bool(deps) and key in deps)
        self.cultural.set_value(r.get("cultural_family"))
        self.registered.set_value(r.get("registered_to_exit"))
        assessments, evidence = r.get("assessments") or {}, r.get("evidence") or {}
        for key, (combo, note) in self.assessments.items():
            combo.set_value(assessments.get(key))
            note.setText(evidence.get(key) or "")
        self.note.setText(r.get("note") or "")
        set_error(self.income_error, None)
        set_error(self.deprivation_error, None)
        self._loading = False

    def _store_current(self) -> None:
        r = self._records[self._current]
        r["status"] = self.status.value()
        r["income_text"] = self.income.text()
        if self.deprivations_unknown.isChecked():
            r["deprivations"] = None
        else:
            kept = [k for k in (r.get("deprivations") or []) if k not in self.deprivation_checks]
            r["deprivations"] = kept + [k for k, c in self.deprivation_checks.items() if c.isChecked()]
        r["cultural_family"] = self.cultural.value()
        r["registered_to_exit"] = self.registered.value()
        r["assessments"] = {k: c.value() for k, (c, _) in self.assessments.items()}
        r["evidence"] = {k: clean(e.text()) or None for k, (_, e) in self.assessments.items()}
        r["note"] = self.note.text().strip() or None

    def show_year(self, year: int) -> None:
        """Select the record of `year`, adding an empty one if the household has none yet."""
        for i, r in enumerate(self._records):
            if r["year"] == year:
                self.years.setCurrentRow(i)
                return
        self.add_record(year)

    def add_year(self) -> None:
        existing = {r["year"] for r in self._records}
        default = max(existing) + 1 if existing else _dt.date.today().year
        year, ok = QInputDialog.getInt(
            self, "Thêm năm rà soát", "Năm rà soát:", default, domain.MIN_YEAR, domain.MAX_YEAR
        )
        if not ok:
            return
        if year in existing:
            self.years.setCurrentRow(next(i for i, r in enumerate(self._records) if r["year"] == year))
            return
        self.add_record(year)

    def add_record(self, year: int) -> None:
        previous = max((r for r in self._records if r["year"] < year), key=lambda r: r["year"], default=None)
        record = {
            "year": year,
            "status": previous["status"] if previous else "non_poor",
            "income_per_capita": None,
            "deprivations": None,
            "cultural_family": None,
            "registered_to_exit": None,
            "assessments": {},
            "evidence": {},
            "note": None,
        }
        self._records.append(record)
        self._records.sort(key=lambda r: r["year"])
        self._fill_years()
        self.years.setCurrentRow(self._records.index(record))
        self._on_change()

    def remove_year(self) -> None:
        if self._current is None:
            return
        year = self._records[self._current]["year"]
        if not confirm(
            self, "Xóa kết quả rà soát", f"Xóa kết quả rà soát năm {year} của hộ này?", yes="Xóa", no="Không xóa"
        ):
            return
        del self._records[self._current]
        self._current = None
        self._fill_years()
        if self._records:
            self.years.setCurrentRow(len(self._records) - 1)
        else:
            self.editor.setEnabled(False)
        self._on_change()

    def validate(self, left_in: int | None) -> list[tuple[object, str]]:
        """Problems as (year or 'left_in', message); also turns typed income into numbers."""
        if self._current is not None:
            self._store_current()
        errors = []
        set_error(self.income_error, None)  # a mistake fixed goes at once; one still there comes back below
        set_error(self.deprivation_error, None)
        for i, r in enumerate(self._records):
            text = r.pop("income_text", None)
            if text is not None:
                try:
                    r["income_per_capita"] = rules.parse_money(text)
                except ValueError as exc:
                    errors.append((r["year"], f"Năm {r['year']}: thu nhập - {exc}"))
                    r["income_text"] = text
                    if i == self._current:
                        set_error(self.income_error, str(exc))
            msg = rules.check_deprivations(r["year"], r.get("deprivations"))
            if msg:
                errors.append((r["year"], f"Năm {r['year']}: {msg}"))
                if i == self._current:
                    set_error(self.deprivation_error, msg)
            msg = rules.check_record_year(r["year"], left_in)
            if msg:
                errors.append(("left_in", msg))
        return errors

    def records(self) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "income_text"} for r in self._records]


class LoansEditor(QWidget):
    COLUMNS = ["Chương trình", "Số tiền (đồng)", "Giải ngân", "Đến hạn", "Mục đích", "Đúng mục đích", "Trả đúng hạn"]

    def __init__(self, loans: list[dict], on_change):
        super().__init__()
        self.loans = [dict(loan) for loan in loans]
        self._on_change = on_change
        layout = QVBoxLayout(self)
        self.table = ReadOnlyTable(self.COLUMNS, stretch=0, single=True)
        self.table.opened.connect(self.edit)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Thêm khoản &vay...", self.add),
            ("&Sửa (Enter)...", self.edit),
            ("&Xóa khoản vay", self.remove),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._fill()

    def _fill(self) -> None:
        self.table.fill(
            [
                [
                    loan.get("program") or "",
                    format_vnd(loan["amount_vnd"]),
                    format_date(loan["disbursed_on"]),
                    format_date(loan.get("due_on")),
                    loan.get("purpose") or "",
                    domain.JUDGEMENT_LABELS[loan.get("used_as_intended")],
                    domain.JUDGEMENT_LABELS[loan.get("repaid_on_time")],
                ]
                for loan in self.loans
            ],
            right=(1,),
        )

    def add(self) -> None:
        dialog = LoanDialog(None, self)
        if exec_dialog(dialog):
            self.loans.append(dialog.loan)
            self._fill()
            self._on_change()

    def edit(self, *_args) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        dialog = LoanDialog(self.loans[row], self)
        if exec_dialog(dialog):
            self.loans[row] = dialog.loan
            self._fill()
            self._on_change()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0 and confirm(self, "Xóa khoản vay", "Xóa khoản vay này khỏi hộ?", yes="Xóa", no="Không xóa"):
            del self.loans[row]
            self._fill()
            self._on_change()


class LoanDialog(FormDialog):
    def __init__(self, loan: dict | None, parent: QWidget | None = None):
        super().__init__("Khoản vay ưu đãi", parent)
        self.loan = dict(loan) if loan else {"id": new_id()}
        form = QFormLayout()
        self.layout_.addLayout(form)
        self.program = QComboBox()
        self.program.setEditable(True)
        self.program.addItems(LOAN_PROGRAMS)
        self.program.setCurrentText(self.loan.get("program") or LOAN_PROGRAMS[0])
        searchable(self.program)
        form.addRow("&Chương trình", self.program)
        self.amount = MoneyEdit()
        self.amount.set_amount(self.loan.get("amount_vnd"))
        self.amount_error = add_row(form, "&Số tiền (đồng)", self.amount)
        self.disbursed = QDateEdit()
        self.disbursed.setDisplayFormat("dd/MM/yyyy")
        self.disbursed.setCalendarPopup(True)
        self.disbursed.setDate(
            QDate.fromString(self.loan.get("disbursed_on") or _dt.date.today().isoformat(), "yyyy-MM-dd")
        )
        form.addRow("Ngày &giải ngân", self.disbursed)
        self.has_due = QCheckBox("Có hạn &trả")
        self.due = QDateEdit()
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setCalendarPopup(True)
        due = self.loan.get("due_on")
        self.has_due.setChecked(due is not None)
        self.due.setDate(QDate.fromString(due, "yyyy-MM-dd") if due else self.disbursed.date().addYears(3))
        self.due.setEnabled(due is not None)
        self.has_due.toggled.connect(self.due.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.has_due)
        row.addWidget(self.due, 1)
        self.due_error = add_row(form, "Ngày đến &hạn", self._wrap(row))
        self.purpose = QLineEdit(self.loan.get("purpose") or "")
        self.purpose.setMaxLength(500)
        form.addRow("&Mục đích vay", self.purpose)
        self.used = TriStateCombo()
        self.used.set_value(self.loan.get("used_as_intended"))
        form.addRow("Sử &dụng đúng mục đích", self.used)
        self.repaid = TriStateCombo()
        self.repaid.set_value(self.loan.get("repaid_on_time"))
        form.addRow("T&rả lãi, gốc đúng hạn", self.repaid)
        self.watch(
            self.program, self.amount, self.disbursed, self.has_due, self.due, self.purpose, self.used, self.repaid
        )
        self.finish_layout()
        screen.fit(self, 560)
        self.amount.setFocus()

    @staticmethod
    def _wrap(layout) -> QWidget:
        w = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        w.setLayout(layout)
        return w

    def check(self) -> list[str]:
        try:
            amount = self.amount.amount()
            amount_msg = None if amount else "Hãy nhập số tiền vay (lớn hơn 0 đồng)."
        except ValueError as exc:
            amount_msg = str(exc)
        disbursed = self.disbursed.date().toString("yyyy-MM-dd")
        due = self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else None
        due_msg = rules.check_loan_dates(disbursed, due)
        set_error(self.amount_error, amount_msg)
        set_error(self.due_error, due_msg)
        return [m for m in (amount_msg, due_msg) if m]

    def save(self) -> bool:
        if self.recheck():
            return False
        amount = self.amount.amount()
        disbursed = self.disbursed.date().toString("yyyy-MM-dd")
        due = self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else None
        self.loan.update(
            program=clean(self.program.currentText()) or None,
            amount_vnd=amount,
            disbursed_on=disbursed,
            due_on=due,
            purpose=clean(self.purpose.text()) or None,
            used_as_intended=self.used.value(),
            repaid_on_time=self.repaid.value(),
        )
        return True
