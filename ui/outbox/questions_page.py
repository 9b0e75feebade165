"""The commune's to-do list of what the level above asked: questions about a household and returned
years, taken in with each receipt. Enter opens what a question is about (the household's form, or the
review grid of the returned year); the officer corrects it there, writes an answer, and both go up in
the next package."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from thidua_desktop.exchange import outbox
from thidua_desktop.store import Store

from ..common import screen
from ..common.messages import exec_dialog, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..common.text_dialog import TextDialog
from ..common.widgets import ChoiceCombo, LoadsWhenShown, add_labelled, button_row, wrapped
from ..register.history import local_time
from ..register.household_dialog import HouseholdDialog

STATUS_COLORS = {"open": "#fff3cd", "answered": "#dff0d8", "closed": "#eeeeee"}
SHOWN = {"not_closed": "Việc chưa xong (chưa trả lời, đã trả lời chưa đóng)", "open": "Chưa trả lời", "all": "Tất cả"}
STATUS_COLUMN, TEXT_COLUMN, ANSWER_COLUMN = 3, 2, 4
LONG_WIDTH, MOST_LINES = 360, 6
ASKED_STYLE = "background: #fff3cd; border: 1px solid #e0c97a; padding: 4px;"
GOES_UP = (
    "Câu trả lời và những gì đã sửa đi lên cấp trên trong gói tiếp theo: trả lời xong, hãy tạo gói mới ở trang "
    "Gửi lên cấp trên (Ctrl+8)."
)


def kind_text(q: dict) -> str:
    return "Trả lại năm" if q["kind"] == "return" else "Câu hỏi"


def answer_dialog(store: Store, q: dict, about: str, start: str = "", parent: QWidget | None = None) -> TextDialog:
    """The commune's written answer to one question (or returned year), with the question above it."""
    return TextDialog(
        "Trả lời cấp trên",
        [
            ("Về:", about),
            ("Nhận lúc:", local_time(q["asked_at"], seconds=False)),
            ("Cấp trên trả lại năm:" if q["kind"] == "return" else "Cấp trên hỏi:", q["text"]),
        ],
        "&Câu trả lời của xã:",
        lambda text: outbox.answer(store, q["id"], text),
        "&Ghi câu trả lời",
        text=q["answer"] or start,
        placeholder="Ví dụ: Đã sửa số nhân khẩu của hộ thành 4; hoặc: Đã kiểm tra, thông tin của hộ là đúng vì ...",
        note=GOES_UP,
        parent=parent,
    )


class QuestionsPage(LoadsWhenShown, QWidget):
    data_changed = Signal()
    open_year = Signal(int, str)  # a returned year and what the level above said: its review grid
    HEADERS = ["Nhận lúc", "Về", "Cấp trên hỏi hoặc trả lại", "Tình trạng", "Câu trả lời của xã"]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.rows: list[dict] = []
        self.labels: dict[str, str] = {}
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.shown = ChoiceCombo(SHOWN)
        add_labelled(bar, ("&Hiện:", self.shown))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = wrapped()
        layout.addWidget(self.summary)
        self.table = ReadOnlyTable(self.HEADERS, stretch=ANSWER_COLUMN, single=True)
        self.table.opened.connect(self.open_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(
                ("&Mở hộ hoặc năm được hỏi (Enter)", lambda: self.open_row(self.table.currentRow())),
                ("T&rả lời cấp trên... (Ctrl+R)", self.answer),
            )
        )
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.answer)
        self.status = wrapped(GOES_UP)
        layout.addWidget(self.status)
        self.shown.currentIndexChanged.connect(lambda *_: self.reload())

    def load(self) -> None:
        chosen = self.table.current_of(self.rows)
        every = self.store.queries.find()
        shown = self.shown.value()
        self.rows = outbox.queries_shown(every, shown)
        asked = [q["household_id"] for q in self.rows if q["household_id"]]
        named = self.store.register.household_names(ids=asked, include_deleted=True)
        present = self.store.register.household_names(ids=asked)
        self.labels = {
            hid: h.label if hid in present else f"{h.label[:-1]}; đã xóa, đang ở thùng rác)" for hid, h in named.items()
        }
        self.table.fill(
            [
                [
                    local_time(q["asked_at"], seconds=False),
                    self.about(q),
                    f"{kind_text(q)}: {q['text']}",
                    outbox.QUERY_STATUS_LABELS[q["status"]],
                    q["answer"] or "",
                ]
                for q in self.rows
            ],
            {(r, STATUS_COLUMN): STATUS_COLORS[q["status"]] for r, q in enumerate(self.rows)},
        )
        if self.table.columnWidth(TEXT_COLUMN) > LONG_WIDTH:
            self.table.setColumnWidth(TEXT_COLUMN, LONG_WIDTH)
            self.table.resizeRowsToContents()
        most = MOST_LINES * self.table.fontMetrics().lineSpacing() + 8
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, min(self.table.rowHeight(r), most))  # the whole text: Ctrl+R shows it
        ids = [q["id"] for q in self.rows]
        self.table.selectRow(ids.index(chosen["id"]) if chosen is not None and chosen["id"] in ids else 0)
        waiting = sum(1 for q in every if q["status"] == "open")
        self.summary.setText(
            (
                f"Cấp trên có {waiting} câu hỏi hoặc ý kiến chưa trả lời. Enter mở hộ hoặc năm được hỏi để sửa; "
                "rồi bấm Trả lời cấp trên."
                if waiting
                else "Không còn câu hỏi nào chờ xã trả lời."
            )
            if every
            else "Cấp trên chưa hỏi gì. Câu hỏi của cấp trên đến cùng biên nhận (trang Gửi lên cấp trên)."
        )

    def about(self, q: dict) -> str:
        if q["household_id"]:
            return f"Hộ {self.labels.get(q['household_id'], '(không còn trong danh sách hộ)')}"
        return f"Năm {q['year']}" if q["year"] else "Cả xã"

    def chosen(self) -> dict | None:
        q = self.table.current_of(self.rows)
        if q is None:
            show_error(self, "Hãy chọn một câu hỏi trong danh sách.", "Chưa chọn")
        return q

    # --- what a question is about -------------------------------------------------------------------
    def open_row(self, row: int) -> None:
        """Enter on a question: the household's form, or the returned year's review grid."""
        if not 0 <= row < len(self.rows):
            self.chosen()
            return
        self.table.selectRow(row)
        q = self.rows[row]
        if q["household_id"]:
            self.open_household(q)
        elif q["year"]:
            said = "trả lại năm" if q["kind"] == "return" else "hỏi về năm"
            self.open_year.emit(q["year"], f"Cấp trên {said} {q['year']}: {q['text']}")
        else:
            show_done(self, f"{kind_text(q)} của cấp trên:\n{q['text']}", "Cấp trên hỏi")

    def open_household(self, q: dict) -> None:
        hid = q["household_id"]
        if hid not in self.store.register.household_names(ids=[hid]):
            show_error(
                self,
                "Hộ cấp trên hỏi không còn trong danh sách hộ (đã chuyển vào thùng rác). Khôi phục hộ ở trang "
                "Thùng rác nếu xóa nhầm, hoặc trả lời cấp trên vì sao hộ không còn.",
                "Không còn hộ này",
            )
            return
        dialog = HouseholdDialog(self.store, hid, parent=self)
        asked = wrapped(f"Cấp trên hỏi: {q['text']}")
        asked.setStyleSheet(ASKED_STYLE)
        dialog.layout_.insertWidget(0, asked)  # the question stays in sight while the form is corrected
        screen.fit(dialog, dialog.width(), dialog.height() + asked.sizeHint().height())
        if dialog.household["years"]:
            dialog.tabs.setCurrentWidget(dialog.records)  # what the checks ask about: the yearly records
        if exec_dialog(dialog):
            self.data_changed.emit()
            self.reload()
            if q["status"] == "open":  # corrected: now say so to the level above
                self.answer(q, "Đã sửa thông tin của hộ theo câu hỏi của cấp trên: ")

    # --- the answer ---------------------------------------------------------------------------------
    def answer(self, q: dict | None = None, start: str = "") -> None:
        q = q if isinstance(q, dict) else self.chosen()
        if q is None:
            return
        if q["status"] == "closed":
            show_error(self, "Câu hỏi này cấp trên đã đóng; không cần trả lời nữa.", "Đã đóng")
            return
        if exec_dialog(answer_dialog(self.store, q, self.about(q), start, self)):
            self.reload()
            self.data_changed.emit()  # the window's count of questions waiting, the outbox
            self.status.setText(f"Đã ghi câu trả lời. {GOES_UP}")
