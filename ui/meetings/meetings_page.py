"""The meetings of a year: prepare one, print what goes to the village hall, enter the result, print
the minutes for signature."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from thidua_desktop import domain, paths
from thidua_desktop.evaluation import votes
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.store import Store

from ..common.messages import confirm, exec_dialog, run_guarded, show_error, wait_cursor
from ..common.tables import ReadOnlyTable
from ..common.widgets import ChoiceCombo, add_labelled, button_row, chosen_criteria, latest_year_spin, wrapped
from ..printing.preview import PdfPreview
from .meeting_dialog import MeetingDialog

ALL = "__all__"


class MeetingsPage(QWidget):
    data_changed = Signal()
    HEADERS = [
        "Ngày họp",
        "Thôn",
        "Năm xét",
        "Nội dung",
        "Người dự họp",
        "Hộ có đại diện",
        "Số hộ được xét",
        "Được đề nghị",
    ]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.meetings: list[dict] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = latest_year_spin(store, "Năm được xét")
        self.year.valueChanged.connect(self.reload)
        self.village = ChoiceCombo({ALL: "Tất cả các thôn"})
        self.village.currentIndexChanged.connect(self.reload)
        add_labelled(bar, ("Năm được &xét:", self.year), ("Thô&n:", self.village))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.hint = wrapped()
        layout.addWidget(self.hint)
        self.table = ReadOnlyTable(self.HEADERS, stretch=1, single=True)
        self.table.opened.connect(self.edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(
                ("Thêm cuộc họp (Ctrl+N)...", self.add),
                ("Sửa, nhập kết quả (Enter)...", self.edit),
                ("Xóa vào thùng rác (Delete)", self.delete),
                (None, None),
                ("In biên bản trống và &phiếu kiểm đếm...", self.print_blank),
                ("In &biên bản để ký...", self.print_minutes),
            )
        )
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            activated=self.delete,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.reload()

    def criteria(self) -> CriteriaSet | None:
        return chosen_criteria(self, self.store)

    def reload(self, *_args) -> None:
        self.year.follow()
        chosen = self.village.value()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem("Tất cả các thôn", ALL)
        names = {}
        for v in self.store.register.villages():
            self.village.addItem(v["name"], v["id"])
            names[v["id"]] = v["name"]
        self.village.set_value(chosen if chosen else ALL)
        self.village.blockSignals(False)
        wanted = self.village.value()
        self.meetings = [
            m for m in self.store.meetings.find(self.year.value()) if wanted in (ALL, None) or m["village_id"] == wanted
        ]
        rules = self.criteria()
        rows = []
        for m in self.meetings:
            share = votes.attendance(m)
            rows.append(
                [
                    f"{_dt.date.fromisoformat(m['held_on']):%d/%m/%Y}",
                    names.get(m["village_id"], "?"),
                    str(m["year"]),
                    domain.MEETING_PURPOSE_LABELS[m["purpose"]],
                    m["attendees"],
                    f"{m['households_represented']}/{m['households_on_list']} ({votes.percent(share)})"
                    if share is not None
                    else "chưa rõ",
                    len(m["decisions"]),
                    sum(votes.outcome(d, m["attendees"], rules).approved for d in m["decisions"]) if rules else None,
                ]
            )
        self.table.fill(rows, right=(5,))
        if self.meetings and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.hint.setText(
            f"Chưa có cuộc họp bình xét nào năm {self.year.value()}. Bấm Thêm cuộc họp (Ctrl+N): danh sách hộ được "
            "xét lấy sẵn theo kết quả đánh giá; in biên bản trống mang đi họp, họp xong nhập kết quả."
            if not self.meetings
            else "Enter mở cuộc họp đang chọn để nhập kết quả biểu quyết."
        )

    def selected(self) -> dict | None:
        return self.table.current_of(self.meetings)

    def add(self) -> None:
        rules = self.criteria()
        villages = self.store.register.villages()
        if rules is None or not villages:
            if not villages:
                show_error(self, "Chưa có thôn nào. Hãy thêm thôn ở trang Thôn, bản, tổ dân phố trước.")
            return
        village = self.village.value()
        village = village if village not in (ALL, None) else villages[0]["id"]
        year = self.year.value()
        held = min(_dt.date.today(), _dt.date(year, 12, 14))
        meeting = votes.new_meeting(village, year, held.isoformat())
        with wait_cursor():
            dialog = MeetingDialog(self.store, rules, meeting, True, self)
        if exec_dialog(dialog):
            self._changed()

    def edit(self, *_args) -> None:
        chosen, rules = self.selected(), self.criteria()
        if not chosen or not rules:
            return
        meeting = self.store.meetings.get(chosen["id"], with_times=True) or chosen  # the form edits its times too
        if exec_dialog(MeetingDialog(self.store, rules, meeting, False, self)):
            self._changed()

    def delete(self) -> None:
        meeting = self.selected()
        if meeting and confirm(
            self,
            "Xóa cuộc họp",
            "Đưa cuộc họp này vào thùng rác? Có thể khôi phục sau.",
            yes="Đưa vào thùng rác",
            no="Không",
        ):
            if run_guarded(self, lambda: self.store.meetings.delete(meeting["id"])):
                self._changed()

    def _changed(self) -> None:
        self.reload()
        self.data_changed.emit()

    # --- printing -------------------------------------------------------------------------------
    def print_blank(self) -> None:
        self._print(blank=True)

    def print_minutes(self) -> None:
        self._print(blank=False)

    def _print(self, blank: bool) -> None:
        meeting, rules = self.selected(), self.criteria()
        if not meeting or not rules:
            if not meeting:
                show_error(self, "Hãy chọn một cuộc họp trong danh sách trước.", "Chưa chọn cuộc họp")
            return
        from thidua_desktop.documents import dossier  # reportlab loads on the first print, not when the window opens

        name = f"bien-ban-{'trong-' if blank else ''}{meeting['held_on']}-{meeting['id'][:8]}.pdf"
        out = paths.printouts_dir() / name
        warnings = dossier.minutes_warnings(self.store, meeting["id"], blank=blank)
        if warnings and not confirm(
            self,
            "Trước khi in biên bản",
            "\n".join(f"- {w}" for w in warnings) + "\n\nVẫn in biên bản? (Có thể sửa cuộc họp trước rồi in lại.)",
            yes="In",
            no="Sửa trước",
        ):
            return

        def write() -> None:
            with wait_cursor():
                dossier.write_minutes(self.store, meeting["id"], out, rules, blank=blank)

        if run_guarded(self, write):
            self.preview([out], "Biên bản trống và phiếu kiểm đếm" if blank else "Biên bản họp bình xét")

    def preview(self, files: list[Path], title: str) -> None:
        exec_dialog(PdfPreview(self.store, files, title, self))
