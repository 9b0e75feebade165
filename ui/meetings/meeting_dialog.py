"""One village meeting: who met, where and when, and the vote on each household considered.

Counts are checked as they are typed (the votes of a household within the attendees, at least one
attendee) and each household's outcome shows at once against the criteria set's threshold.
"""

from __future__ import annotations

import datetime as _dt
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain
from thidua_desktop.domain import MAX_YEAR, MIN_YEAR
from thidua_desktop.evaluation import evaluator, votes
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.register import dataset, rules
from thidua_desktop.store import Store
from thidua_desktop.text import clean, fold

from ..common import screen
from ..common.messages import exec_dialog, run_guarded
from ..common.widgets import (
    ChoiceCombo,
    FormDialog,
    OptionalCountSpin,
    RangeSpin,
    date_edit,
    error_label,
    ok_cancel,
    read_only_item,
    set_error,
    tell_on,
)

OK_COLOR, BAD_COLOR, ERROR_COLOR = QColor("#dff0d8"), QColor("#fff3cd"), QColor("#f8d7da")


CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def optional_spin(what: str, maximum: int = 100000) -> OptionalCountSpin:
    spin = OptionalCountSpin(maximum, what)
    spin.set_value_or_none(None)
    return spin


def spin_value(spin: OptionalCountSpin) -> int | None:
    return spin.value_or_none()


def clock_edit(value: str | None) -> QLineEdit:
    """A time of day as minutes write it, "19:30"; empty when not known (the minutes leave it blank)."""
    edit = QLineEdit(value or "")
    edit.setPlaceholderText("giờ:phút")
    edit.setMaxLength(5)
    edit.setMaximumWidth(90)
    return edit


def clock_value(edit: QLineEdit) -> tuple[str | None, str | None]:
    """(the time as "HH:MM" or None when empty, the problem or None)."""
    text = edit.text().strip().replace("h", ":").replace(".", ":")
    if not text:
        return None, None
    found = CLOCK.fullmatch(text)
    if not found:
        return None, f'Giờ "{edit.text().strip()}" không đúng cách ghi: ghi giờ:phút, ví dụ 19:30.'
    return f"{int(found.group(1)):02d}:{found.group(2)}", None


class HouseholdPicker(QDialog):
    """Households of the village not yet on the meeting's list; type to narrow, pick several."""

    def __init__(self, rows: list[tuple[str, str, str | None]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Thêm hộ vào danh sách xét")
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Gõ tên chủ hộ hoặc mã hộ (không cần dấu)")
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for hid, name, code in rows:
            item = QListWidgetItem(f"{name}" + (f" ({code})" if code else ""))
            item.setData(Qt.ItemDataRole.UserRole, hid)
            item.setData(Qt.ItemDataRole.UserRole + 1, fold(f"{name} {code or ''}"))
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._filter)
        layout.addWidget(ok_cancel(self, "&Thêm"))
        self.search.returnPressed.connect(self.list.setFocus)
        screen.fit(self, 460, 560)

    def _filter(self, text: str) -> None:
        wanted = fold(text)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(wanted not in item.data(Qt.ItemDataRole.UserRole + 1))

    def chosen(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]


class MeetingDialog(FormDialog):
    DECISION_HEADERS = ["Mã hộ", "Chủ hộ", "Đồng ý", "Không đồng ý", "Không ý kiến", "Kết quả"]

    def __init__(self, store: Store, criteria: CriteriaSet, meeting: dict, is_new: bool, parent: QWidget | None = None):
        self.store, self.criteria, self.meeting = store, criteria, meeting
        villages = {v["id"]: v["name"] for v in store.register.villages()}
        super().__init__(
            "Thêm cuộc họp bình xét"
            if is_new
            else f"Cuộc họp {villages.get(meeting['village_id'], '')} ngày "
            f"{_dt.date.fromisoformat(meeting['held_on']):%d/%m/%Y}",
            parent,
        )
        top = QHBoxLayout()
        form = QFormLayout()
        self.village = ChoiceCombo(villages)
        self.village.set_value(meeting["village_id"])
        self.village.setEnabled(is_new)  # the households listed belong to it
        form.addRow("&Thôn", self.village)
        self.year = RangeSpin(MIN_YEAR, MAX_YEAR, "Năm được xét")
        self.year.setValue(meeting["year"])
        form.addRow("&Năm được xét", self.year)
        self.year_error = error_label()
        form.addRow("", self.year_error)
        tell_on(self.year, self.year_error)
        self.held_on = date_edit(meeting["held_on"])
        times = QHBoxLayout()
        self.start_time = clock_edit(meeting.get("start_time"))
        self.end_time = clock_edit(meeting.get("end_time"))
        times.addWidget(self.held_on, 1)
        start_caption = QLabel("từ giờ")
        start_caption.setBuddy(self.start_time)
        times.addWidget(start_caption)
        times.addWidget(self.start_time)
        end_caption = QLabel("đến giờ")
        end_caption.setBuddy(self.end_time)
        times.addWidget(end_caption)
        times.addWidget(self.end_time)
        held_caption = QLabel("Ngày &họp")  # a row of fields has no buddy of its own: the date is it
        held_caption.setBuddy(self.held_on)
        form.addRow(held_caption, times)
        self.date_error = error_label()
        form.addRow("", self.date_error)
        self.purpose = ChoiceCombo(domain.MEETING_PURPOSE_LABELS)
        self.purpose.set_value(meeting["purpose"])
        form.addRow("Nội d&ung", self.purpose)
        self.place = QLineEdit(meeting.get("place") or "")
        self.place.setPlaceholderText("Ví dụ: Nhà văn hóa thôn")
        form.addRow("Đị&a điểm", self.place)
        self.chair = QLineEdit(meeting.get("chair") or "")
        form.addRow("&Chủ trì", self.chair)
        self.secretary = QLineEdit(meeting.get("secretary") or "")
        form.addRow("Thư &ký", self.secretary)
        top.addLayout(form, 1)
        counts = QFormLayout()
        self.attendees = RangeSpin(0, 100000, "Số người dự họp")
        self.attendees.setValue(meeting["attendees"])
        counts.addRow("Số người dự họ&p", self.attendees)
        self.attendees_error = error_label()
        counts.addRow("", self.attendees_error)
        tell_on(self.attendees, self.attendees_error)
        self.represented = optional_spin("Số hộ có đại diện")
        self.represented.setValue(
            -1 if meeting.get("households_represented") is None else meeting["households_represented"]
        )
        counts.addRow("Số hộ có đại &diện", self.represented)
        self.listed = optional_spin("Số hộ trong danh sách")
        listed = meeting.get("households_on_list")
        if listed is None and is_new:
            listed = store.register.village_household_counts().get(meeting["village_id"])
        self.listed.setValue(-1 if listed is None else listed)
        counts.addRow("Số hộ trong danh &sách", self.listed)
        self.attendance = QLabel()
        counts.addRow("Tỷ lệ hộ có đại diện", self.attendance)
        officials_caption = QLabel("Đại diện Ban chỉ đạo xã, MTTQ, đoàn thể\n(&mỗi dòng: họ tên, chức vụ):")
        counts.addRow(officials_caption)
        self.officials = QPlainTextEdit(_officials_text(meeting.get("officials") or []))
        self.officials.setMaximumHeight(80)
        self.officials.setTabChangesFocus(True)  # Tab goes on to the next field, as in every other field
        officials_caption.setBuddy(self.officials)
        counts.addRow(self.officials)
        top.addLayout(counts, 1)
        self.layout_.addLayout(top)

        self.layout_.addWidget(
            QLabel(
                f"Biểu quyết từng hộ (hộ được đề nghị khi số người đồng ý "
                f"{'≥' if criteria.vote_operator == '>=' else '>'} {votes.percent(criteria.vote_share)} số người dự họp):"
            )
        )
        self.table = QTableWidget(0, len(self.DECISION_HEADERS))
        self.table.setHorizontalHeaderLabels(self.DECISION_HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for col in (2, 3, 4):
            self.table.setColumnWidth(col, 100)
        self.table.setTabKeyNavigation(False)  # Tab goes from vote to vote (the fields in the cells)
        self.layout_.addWidget(self.table, 1)
        bar = QHBoxLayout()
        for text, slot in (
            ("Thêm hộ &vào danh sách...", self.add_households),
            ("&Bỏ hộ đang chọn", self.remove_household),
            ("Lấy danh sách theo kết quả đánh &giá", self.fill_from_evaluation),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch(1)
        self.layout_.addLayout(bar)
        self.rows: list[tuple[str, QSpinBox, QSpinBox, QSpinBox]] = []
        names = self._names()
        for d in meeting["decisions"]:
            self._add_row(d, names)
        if is_new and not meeting["decisions"]:
            self.fill_from_evaluation()
        self.watch(
            self.village,
            self.year,
            self.held_on,
            self.purpose,
            self.place,
            self.chair,
            self.secretary,
            self.attendees,
            self.represented,
            self.listed,
            self.officials,
            self.start_time,
            self.end_time,
        )
        for w in (self.attendees, self.represented, self.listed):
            w.valueChanged.connect(self.update_outcomes)
        self.finish_layout()
        self.update_outcomes()
        self.dirty = is_new and bool(self.rows)
        screen.fit(self, 1040, 720)

    # --- households on the list -----------------------------------------------------------------
    def _names(self) -> dict[str, tuple[str, str | None]]:
        return {
            h.id: (h.head_name, h.code)
            for h in self.store.register.household_names(village_id=self.village.value()).values()
        }

    def _add_row(self, decision: dict, names: dict) -> None:
        hid = decision["household_id"]
        name, code = names.get(hid, ("(hộ không còn trong sổ)", None))
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in ((0, code or ""), (1, name)):
            self.table.setItem(row, col, read_only_item(text))
        spins = []
        for col, key, what in (
            (2, "agree", "Số đồng ý"),
            (3, "disagree", "Số không đồng ý"),
            (4, "abstain", "Số không ý kiến"),
        ):
            spin = RangeSpin(0, 100000, f"{what} của hộ {name}")
            spin.setValue(decision[key])
            spin.valueChanged.connect(self.update_outcomes)
            spin.valueChanged.connect(self.mark_dirty)
            self.table.setCellWidget(row, col, spin)
            spins.append(spin)
        self.table.setItem(row, 5, read_only_item())  # worked out from the votes: never typed over
        self.rows.append((hid, *spins))

    def add_households(self) -> None:
        listed = {r[0] for r in self.rows}
        rows = [(hid, name, code) for hid, (name, code) in self._names().items() if hid not in listed]
        picker = HouseholdPicker(rows, self)
        if exec_dialog(picker):
            names = self._names()
            for hid in picker.chosen():
                self._add_row({"household_id": hid, "agree": 0, "disagree": 0, "abstain": 0}, names)
            self.village.setEnabled(False)
            self.mark_dirty()
            self.update_outcomes()

    def remove_household(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.table.removeRow(row)
            del self.rows[row]
            self.mark_dirty()
            self.update_outcomes()

    def fill_from_evaluation(self) -> None:
        """Add the village's households that the evaluation of the year has not ruled out."""
        report = evaluator.evaluate(dataset.export_data(self.store), self.year.value(), self.criteria)
        probe = {**self.meeting, "village_id": self.village.value(), "decisions": []}
        listed = {r[0] for r in self.rows}
        names = self._names()
        added = 0
        for item in votes.agenda(self.store, probe, report):
            if item.household_id not in listed:
                self._add_row({"household_id": item.household_id, "agree": 0, "disagree": 0, "abstain": 0}, names)
                added += 1
        if added:
            self.mark_dirty()
        self.update_outcomes()

    # --- live checks ------------------------------------------------------------------------------
    def update_outcomes(self, *_args) -> None:
        attendees = self.attendees.value()
        set_error(self.attendees_error, None if attendees >= 1 else "Số người dự họp phải từ 1 trở lên.")
        represented, listed = spin_value(self.represented), spin_value(self.listed)
        if represented is not None and listed:
            share = votes.attendance({"households_represented": represented, "households_on_list": listed})
            warn = " (vượt quá số hộ trong danh sách)" if represented > listed else ""
            self.attendance.setText(f"{represented}/{listed} hộ = {votes.percent(share)}{warn}")
        else:
            self.attendance.setText("chưa đủ số liệu")
        for row, (_hid, agree, disagree, abstain) in enumerate(self.rows):
            item = self.table.item(row, 5)
            msg = rules.check_vote(agree.value(), disagree.value(), abstain.value(), attendees)
            item.setToolTip(msg or "")
            if msg:
                total = agree.value() + disagree.value() + abstain.value()
                item.setText(f"⚠ Tổng {total} ý kiến > {attendees} người dự họp" if attendees >= 1 else "⚠ " + msg)
                item.setBackground(ERROR_COLOR)
                continue
            result = votes.outcome({"agree": agree.value()}, attendees, self.criteria)
            item.setText(("✔ " if result.approved else "✘ ") + result.text(self.criteria))
            item.setBackground(OK_COLOR if result.approved else BAD_COLOR)

    # --- saving -------------------------------------------------------------------------------------
    def value(self) -> dict:
        return {
            "id": self.meeting["id"],
            "village_id": self.village.value(),
            "year": self.year.value(),
            "held_on": self.held_on.date().toString("yyyy-MM-dd"),
            "purpose": self.purpose.value(),
            "chair": clean(self.chair.text()) or None,
            "secretary": clean(self.secretary.text()) or None,
            "attendees": self.attendees.value(),
            "households_represented": spin_value(self.represented),
            "households_on_list": spin_value(self.listed),
            "decisions": [
                {"household_id": hid, "agree": a.value(), "disagree": d.value(), "abstain": x.value()}
                for hid, a, d, x in self.rows
            ],
            "place": clean(self.place.text()) or None,
            "officials": _parse_officials(self.officials.toPlainText()),
            # not in the dataset format; the store keeps what a form sends
            "start_time": clock_value(self.start_time)[0],
            "end_time": clock_value(self.end_time)[0],
        }

    def check(self) -> list[str]:
        meeting = self.value()
        errors = []
        if meeting["attendees"] < 1:
            errors.append("Số người dự họp phải từ 1 trở lên.")
        year, held = meeting["year"], int(meeting["held_on"][:4])
        date_msg = (
            None
            if year <= held <= year + 1
            else f"Cuộc họp xét năm {year} phải họp trong năm {year} hoặc đầu năm {year + 1}."
        )
        time_msg = clock_value(self.start_time)[1] or clock_value(self.end_time)[1]
        start, end = meeting["start_time"], meeting["end_time"]
        if not time_msg and start and end and end <= start:
            time_msg = f"Giờ kết thúc ({end}) phải sau giờ bắt đầu ({start})."
        set_error(self.date_error, " ".join(m for m in (date_msg, time_msg) if m) or None)
        errors += [m for m in (date_msg, time_msg) if m]
        for row, d in enumerate(meeting["decisions"], 1):
            msg = rules.check_vote(d["agree"], d["disagree"], d["abstain"], meeting["attendees"])
            if msg:
                errors.append(f"Dòng {row}: {msg}")
        return errors

    def save(self) -> bool:
        if self.recheck():
            return False
        meeting = self.value()
        return run_guarded(self, lambda: votes.save_meeting(self.store, meeting))


def _officials_text(officials: list[dict]) -> str:
    return "\n".join(o["name"] + (f", {o['role']}" if o.get("role") else "") for o in officials)


def _parse_officials(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        name, _, role = line.partition(",")
        if clean(name):
            out.append({"name": clean(name), "role": clean(role) or None})
    return out
