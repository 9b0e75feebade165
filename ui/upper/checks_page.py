"""The level above's checks of a year: what one commune cannot see (a head of household in two
communes) and what a person checking would ask about, one flag a row. Enter on a household's flag asks
the commune about it; below, each commune's year, to return with a comment or to approve."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from thidua_desktop.evaluation import criteria
from thidua_desktop.exchange import checks, outbox, upper_level
from thidua_desktop.store import Store

from ..common.messages import confirm, exec_dialog, run_guarded, show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import SearchCombo, add_labelled, button_row, wrapped, year_bar
from ..common.worker import Worker
from . import talk_back
from .year_page import sending_year

STATE_COLUMN = 3
ALL = ""


@dataclass
class Checked:
    """What a run of the checks found, with the households it names."""

    year: int
    flags: list[checks.Flag]
    households: dict[tuple[str, str], str]


def check_work(year: int):
    def work(store: Store, progress) -> Checked:
        progress(0, f"Đang kiểm tra dữ liệu năm {year} của các xã…")
        flags = upper_level.run_checks(store, year, criteria.load_chosen(store))
        progress(90, "Đang đọc tên các hộ được cảnh báo…")
        return Checked(
            year, flags, talk_back.household_labels(store, ((f.commune_code, f.household_id) for f in flags))
        )

    return work


class ChecksPage(QWidget):
    changed = Signal()  # a question asked, a year returned or approved: the other pages show it
    FLAG_HEADERS = ["Xã", "Hộ", "Loại cảnh báo", "Nội dung", "Câu hỏi đã gửi"]
    YEAR_HEADERS = ["Mã xã", "Tên xã", "Số cảnh báo", "Tình trạng năm", "Ghi lúc, người ghi, ý kiến"]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.checked: Checked | None = None
        self.flags: list[checks.Flag] = []  # those on screen, one a row
        self.communes: list[upper_level.CommuneRow] = []
        self.states: dict[str, dict] = {}
        layout = QVBoxLayout(self)
        self.year = year_bar(store, layout, self._year_changed, sending_year())
        bar = QHBoxLayout()
        self.commune_filter = SearchCombo()
        self.kind_filter = SearchCombo()
        self.kind_filter.addItem("Mọi loại cảnh báo", ALL)
        for kind in checks.KINDS:
            self.kind_filter.addItem(checks.KIND_LABELS[kind], kind)
        add_labelled(bar, ("Lọc theo &xã:", self.commune_filter), ("&Loại:", self.kind_filter))
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addLayout(button_row(("&Kiểm tra", self.run), ("&Hỏi xã về hộ này... (Enter)", self.ask_about_flag)))
        self.summary = wrapped(
            "Chọn năm rồi bấm Kiểm tra: tìm chủ hộ trùng giữa các xã, phân loại khác chuẩn nghèo, thu nhập và "
            "nhân khẩu thay đổi bất thường, thoát nghèo không có thay đổi, hộ chính sách còn nghèo, năm chưa đầy đủ."
        )
        layout.addWidget(self.summary)
        caption = QLabel("Cảnh &báo:")
        self.table = ReadOnlyTable(self.FLAG_HEADERS, stretch=3, single=True)
        caption.setBuddy(self.table)
        self.table.opened.connect(self._opened)
        self.table.currentCellChanged.connect(lambda *_: self._follow_flag())
        layout.addWidget(caption)
        layout.addWidget(self.table, 4)
        year_caption = QLabel("Tình trạng năm của &các xã:")
        self.year_table = ReadOnlyTable(self.YEAR_HEADERS, single=True)
        year_caption.setBuddy(self.year_table)
        self.year_table.opened.connect(lambda _row: self.show_state())
        layout.addWidget(year_caption)
        layout.addWidget(self.year_table, 1)
        layout.addLayout(
            button_row(
                ("T&rả lại năm của xã...", self.return_year),
                ("&Duyệt năm của xã", self.approve),
                (None, None),
                ("Ghi biên nhận &mới cho xã...", self.save_receipt),
            )
        )
        self.status = wrapped()
        layout.addWidget(self.status)
        self.commune_filter.currentIndexChanged.connect(lambda *_: self.fill_flags())
        self.kind_filter.currentIndexChanged.connect(lambda *_: self.fill_flags())
        self.load_years()

    # --- showing ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """The file changed elsewhere (an import, a restore, a question closed): the states again, and the
        flags on screen said to be of before."""
        self.load_years()
        if self.checked is not None:
            self.summary.setText(
                self.summary.text().split(" (Dữ liệu")[0] + " (Dữ liệu đã thay đổi: bấm Kiểm tra để cập nhật.)"
            )
        self.fill_flags()

    def _year_changed(self, *_args) -> None:
        self.checked = None
        self.summary.setText(f"Bấm Kiểm tra để xem các cảnh báo năm {self.year.value()}.")
        self.load_years()
        self.fill_flags()

    def load_years(self) -> None:
        """Each commune's year: how many flags, its state (received, checked, returned, approved)."""
        year = self.year.value()
        chosen = self.year_table.current_of(self.communes)
        self.communes = [c for c in upper_level.communes(self.store) if not c.merged_into and c.trusted]
        self.states = self.store.upper_level.year_states(year)
        flagged = self._flag_counts()
        self.year_table.fill(
            [
                [
                    c.code,
                    c.name,
                    flagged.get(c.code, 0) if self.checked else "",
                    talk_back.state_label(self.states.get(c.code)) or "Chưa nhận dữ liệu năm này",
                    talk_back.state_details(self.states.get(c.code)) if c.code in self.states else "",
                ]
                for c in self.communes
            ],
            {
                (i, STATE_COLUMN): talk_back.YEAR_STATE_COLORS[self.states[c.code]["state"]]
                for i, c in enumerate(self.communes)
                if c.code in self.states
            },
        )
        self._select_commune(chosen.code if chosen else None)
        filtered = self.commune_filter.currentData()
        self.commune_filter.blockSignals(True)
        self.commune_filter.clear()
        self.commune_filter.addItem("Mọi xã", ALL)
        for c in self.communes:
            self.commune_filter.addItem(f"{c.name} ({c.code})", c.code)
        self.commune_filter.setCurrentIndex(max(self.commune_filter.findData(filtered), 0))
        self.commune_filter.blockSignals(False)

    def _flag_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.checked.flags if self.checked else ():
            counts[f.commune_code] = counts.get(f.commune_code, 0) + 1
        return counts

    def _names(self) -> dict[str, str]:
        return {c.code: c.name for c in upper_level.communes(self.store)}

    def fill_flags(self) -> None:
        if self.checked is None:
            self.flags = []
            self.table.fill([])
            return
        code, kind = self.commune_filter.currentData(), self.kind_filter.currentData()
        self.flags = [
            f for f in self.checked.flags if (not code or f.commune_code == code) and (not kind or f.kind == kind)
        ]
        names = self._names()
        asked = {
            (q["commune_code"], q["household_id"]): q["status"]
            for q in self.store.queries.find()
            if q["household_id"] and q["kind"] == "query"
        }
        self.table.fill(
            [
                [
                    names.get(f.commune_code) or f.commune_code,
                    self.checked.households.get((f.commune_code, f.household_id), "") if f.household_id else "(cả xã)",
                    checks.KIND_LABELS.get(f.kind, f.kind),
                    f.message,
                    outbox.QUERY_STATUS_LABELS[asked[(f.commune_code, f.household_id)]]
                    if (f.commune_code, f.household_id) in asked
                    else "",
                ]
                for f in self.flags
            ]
        )

    def _follow_flag(self) -> None:
        """The commune of the chosen flag is the one a return or an approval is about."""
        flag = self.table.current_of(self.flags)
        if flag is not None:
            self._select_commune(flag.commune_code)

    def _select_commune(self, code: str | None) -> None:
        rows = [c.code for c in self.communes]
        if code in rows:
            self.year_table.selectRow(rows.index(code))

    # --- running the checks ---------------------------------------------------------------------------
    def run(self) -> None:
        self.summary.setText("Đang kiểm tra...")
        Worker(self, self.store, check_work(self.year.value()), self._on_progress, self._on_done, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self.summary.setText(f"{text} ({pct}%)")

    def _on_done(self, checked: Checked) -> None:
        self.checked = checked
        if checked.year != self.year.value():  # the year was changed while checking: it is not this one's
            self._year_changed()
            return
        self.load_years()
        self.fill_flags()
        counts = self._flag_counts()
        self.summary.setText(
            f"Năm {checked.year}: {len(checked.flags)} cảnh báo ở {len(counts)} xã."
            + (" Enter trên một cảnh báo về một hộ để hỏi xã." if checked.flags else " Không có cảnh báo nào.")
        )

    def _on_failed(self, message: str) -> None:
        self.summary.setText("Chưa kiểm tra được.")
        show_error(self, message)

    # --- asking, returning, approving ---------------------------------------------------------------
    def _opened(self, row: int) -> None:
        """Enter on a flag: a household's is asked about; a flag of the whole year is a return's comment."""
        if 0 <= row < len(self.flags):
            self.table.selectRow(row)
            if self.flags[row].household_id:
                self.ask_about_flag()
            else:
                self.return_year(self.flags[row].message)

    def ask_about_flag(self) -> None:
        flag = self.table.current_of(self.flags)
        if flag is None:
            show_error(self, "Hãy chọn một cảnh báo về một hộ trong danh sách (bấm Kiểm tra trước).", "Chưa chọn")
            return
        if not flag.household_id:
            show_error(
                self,
                "Cảnh báo này về cả năm của xã, không về một hộ: bấm 'Trả lại năm của xã' để gửi ý kiến cho xã.",
                "Không phải cảnh báo về một hộ",
            )
            return
        assert self.checked is not None
        household = self.checked.households.get((flag.commune_code, flag.household_id)) or flag.household_id
        commune = self._names().get(flag.commune_code) or flag.commune_code
        dialog = talk_back.ask_dialog(
            self.store, flag.commune_code, commune, flag.household_id, household, flag.message, self
        )
        if exec_dialog(dialog):
            self._done(f"Đã ghi câu hỏi cho {commune} về hộ {household}. {talk_back.GOES_DOWN}")

    def chosen_commune(self) -> upper_level.CommuneRow | None:
        chosen = self.year_table.current_of(self.communes)
        if chosen is None:
            show_error(self, "Hãy chọn một xã trong bảng tình trạng năm của các xã.", "Chưa chọn")
        return chosen

    def return_year(self, text: str = "") -> None:
        c = self.chosen_commune()
        if c is None:
            return
        year = self.year.value()
        if exec_dialog(talk_back.return_dialog(self.store, c.code, c.name, year, text or "", self)):
            self._done(f"Đã trả lại năm {year} của {c.name}. {talk_back.GOES_DOWN}")

    def approve(self) -> None:
        c = self.chosen_commune()
        if c is None:
            return
        year = self.year.value()
        still = []
        if self.checked is not None and self.checked.year == year:
            flagged = self._flag_counts().get(c.code, 0)
            if flagged:
                still.append(f"{flagged} cảnh báo năm {year}")
        open_questions = len(self.store.queries.find(c.code, "open"))
        if open_questions:
            still.append(f"{open_questions} câu hỏi hoặc ý kiến chưa được xã trả lời")
        said = f" Xã còn {' và '.join(still)}." if still else ""
        if confirm(
            self,
            "Duyệt năm của xã",
            f"Duyệt dữ liệu năm {year} của {c.name}?{said} Việc duyệt được ghi lại với tên người duyệt và thời điểm.",
            yes="Duyệt",
            no="Không",
        ) and run_guarded(self, lambda: upper_level.approve(self.store, c.code, year)):
            self._done(f"Đã duyệt năm {year} của {c.name}.")

    def show_state(self) -> None:
        c = self.year_table.current_of(self.communes)
        if c is not None:
            self.status.setText(
                f"{c.name}, năm {self.year.value()}: {talk_back.state_details(self.states.get(c.code))}"
            )

    def save_receipt(self) -> None:
        c = self.chosen_commune()
        if c is not None:
            talk_back.save_fresh_receipt(self, self.store, c.code, c.name)

    def _done(self, text: str) -> None:
        self.load_years()
        self.fill_flags()
        self.status.setText(text)
        self.changed.emit()
