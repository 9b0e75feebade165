"""One proposal on the year's nomination list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain
from thidua_desktop.evaluation import criteria, nominations
from thidua_desktop.evaluation.criteria import CriteriaError
from thidua_desktop.store import Store
from thidua_desktop.text import clean

from ..common import screen
from ..common.messages import run_guarded
from ..common.widgets import ChoiceCombo, FormDialog, date_edit, error_label, scrolled, searchable, wrapped


def verdict_line(nomination: dict, report: dict) -> str:
    verdict = nominations.verdict_of(nomination, report)
    if verdict is None:
        return "Cá nhân, tập thể không được đánh giá tự động: đánh dấu các tiêu chí đạt được bên dưới."
    mark = "✔" if verdict in ("eligible", "met") else "✘" if verdict in ("not_eligible", "not_met") else "?"
    return f"{mark} Kết quả đánh giá năm {report['year']}: {domain.VERDICT_LABELS[verdict]}"


def award_choices(store: Store, current: str | None) -> list[str]:
    """The awards some level grants today under the file's criteria set (the national list when the set
    cannot be read: the page has said why), and the nomination's own award if it is no longer one."""
    try:
        names = list(nominations.award_names(criteria.load_chosen(store)))
    except CriteriaError:
        names = list(nominations.AWARDS)
    return names + ([current] if current and current not in names else [])


class NominationDialog(FormDialog):
    def __init__(self, store: Store, report: dict, nomination: dict, is_new: bool, parent: QWidget | None = None):
        self.store, self.report, self.nomination = store, report, nomination
        super().__init__("Thêm người được đề nghị khen thưởng" if is_new else "Sửa đề nghị khen thưởng", parent)
        content = QWidget()
        form = self.form = QFormLayout(content)
        self.layout_.addWidget(scrolled(content), 1)
        self.kind = ChoiceCombo(nominations.KIND_LABELS)
        self.kind.set_value(nomination["nominee_kind"])
        self.kind.setEnabled(is_new)
        form.addRow("Đối tượn&g", self.kind)
        self.household = QComboBox()
        self.household.setEditable(True)  # type to find among thousands
        self.household.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        villages = {v["id"]: v["name"] for v in store.register.villages()}
        for h in store.register.household_names().values():
            self.household.addItem(h.label, h.id)
        self.household.setCurrentIndex(max(self.household.findData(nomination.get("household_id")), 0))
        self.household.lineEdit().setPlaceholderText("Gõ tên chủ hộ, mã hộ hoặc tên thôn (không cần dấu)")
        searchable(self.household)
        form.addRow("&Hộ", self.household)
        self.village = ChoiceCombo(villages)
        self.village.set_value(nomination.get("village_id"))
        form.addRow("Thô&n", self.village)
        self.name = QLineEdit(nomination.get("nominee_name") or "")
        self.name.setPlaceholderText("Họ tên cá nhân, hoặc tên doanh nghiệp, hợp tác xã, tập thể")
        form.addRow("Tê&n", self.name)
        self.verdict = wrapped()
        form.addRow("", self.verdict)
        self.checklist_box = QGroupBox("Tiêu chí của Kế hoạch (mục III.1.6, III.1.7) đạt được")
        box = QVBoxLayout(self.checklist_box)
        self.checks: list[QCheckBox] = []
        for _ in range(3):
            check = QCheckBox()
            check.toggled.connect(self._tick)
            box.addWidget(check)
            self.checks.append(check)
        form.addRow(self.checklist_box)
        self.achievements = QPlainTextEdit(nomination.get("achievements") or "")
        self.achievements.setPlaceholderText("Tóm tắt thành tích (in trong danh sách và báo cáo thành tích)")
        self.achievements.setMaximumHeight(110)
        form.addRow("Tóm tắt &thành tích", self.achievements)
        self.award = QComboBox()
        self.award.setEditable(True)
        self.award.addItems(award_choices(store, nomination["award"]))
        self.award.setCurrentText(nomination["award"])
        searchable(self.award)
        form.addRow("Hình thức &khen thưởng", self.award)
        self.reason = QPlainTextEdit(nomination.get("override_reason") or "")
        self.reason.setPlaceholderText("Bắt buộc khi người được đề nghị chưa đủ điều kiện theo kết quả đánh giá")
        self.reason.setMaximumHeight(80)
        self.reason_label = QLabel("Lý &do vẫn đề nghị")
        self.reason_label.setBuddy(self.reason)
        form.addRow(self.reason_label, self.reason)
        self.status = QLabel(domain.NOMINATION_STATUS_LABELS[nomination["status"]])
        form.addRow("Trạng thái", self.status)
        self.decision_number = QLineEdit(nomination.get("decision_number") or "")
        self.decision_number.setPlaceholderText("Ví dụ: 125/QĐ-UBND")
        self.decision_date = date_edit(nomination.get("decision_date"))
        self.comment = QPlainTextEdit(nomination.get("comment") or "")
        self.comment.setMaximumHeight(70)
        decided, returned = nomination["status"] == "decided", nomination["status"] == "returned"
        if decided:
            form.addRow("Số &quyết định", self.decision_number)
            form.addRow("Ngày quyết định", self.decision_date)
        if returned or nomination.get("comment"):
            form.addRow("Ý kiến của cấp trên", self.comment)
        self.error = error_label()
        form.addRow(self.error)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.household.currentIndexChanged.connect(self._nominee_changed)
        self.village.currentIndexChanged.connect(self._nominee_changed)
        self.watch(
            self.kind,
            self.household,
            self.village,
            self.name,
            self.achievements,
            self.award,
            self.reason,
            self.decision_number,
            self.decision_date,
            self.comment,
        )
        for edit in (self.achievements, self.reason, self.comment):
            edit.setTabChangesFocus(True)  # Tab goes on to the next field
        self.finish_layout()
        self._kind_changed()
        self.dirty = False
        screen.fit(self, 780)

    def value(self) -> dict:
        kind = self.kind.value()
        decided = self.nomination["status"] == "decided"
        return {
            **self.nomination,
            "nominee_kind": kind,
            "household_id": self.household.currentData() if kind == "household" else None,
            "village_id": self.village.value() if kind == "village" else None,
            "nominee_name": (clean(self.name.text()) or None) if kind in nominations.CHECKLISTS else None,
            "achievements": self.achievements.toPlainText().strip() or None,
            "award": clean(self.award.currentText()),
            "override_reason": self.reason.toPlainText().strip() or None,
            "decision_number": (clean(self.decision_number.text()) or None)
            if decided
            else self.nomination.get("decision_number"),
            "decision_date": self.decision_date.date().toString("yyyy-MM-dd")
            if decided
            else self.nomination.get("decision_date"),
            "comment": self.comment.toPlainText().strip() or None,
        }

    def _kind_changed(self, *_args) -> None:
        kind = self.kind.value()
        self.form.setRowVisible(self.household, kind == "household")
        self.form.setRowVisible(self.village, kind == "village")
        self.form.setRowVisible(self.name, kind in nominations.CHECKLISTS)
        checklist = nominations.CHECKLISTS.get(kind)
        self.form.setRowVisible(self.checklist_box, bool(checklist))
        for check, text in zip(self.checks, checklist or ()):
            check.blockSignals(True)
            check.setText(text)
            check.setChecked(text in (self.achievements.toPlainText()))
            check.blockSignals(False)
        self._nominee_changed()

    def _nominee_changed(self, *_args) -> None:
        nom = self.value()
        self.verdict.setText(verdict_line(nom, self.report))
        needed = nominations.needs_reason(nom, self.report)
        self.reason_label.setText("Lý &do vẫn đề nghị (bắt buộc)" if needed else "Lý &do vẫn đề nghị")
        self.reason_label.setStyleSheet("font-weight: bold;" if needed else "")

    def _tick(self, checked: bool) -> None:
        """A ticked criterion goes into the achievements; an unticked one comes out."""
        text = self.sender().text()
        lines = [line for line in self.achievements.toPlainText().splitlines() if line.strip()]
        if checked and text not in lines:
            lines.append(text)
        elif not checked:
            lines = [line for line in lines if line != text]
        self.achievements.setPlainText("\n".join(lines))

    def save(self) -> bool:
        nom = self.value()
        if not run_guarded(self, lambda: nominations.save(self.store, [nom], self.report), self._refused):
            return False
        self.nomination = nom
        return True

    def _refused(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
