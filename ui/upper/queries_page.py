"""Every question the level above asked a commune, and every year it returned: open, answered (with
the commune's answer and what its package changed) or closed by the level above's operator."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.store import Store

from ..common.messages import confirm, run_guarded, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import ChoiceCombo, LoadsWhenShown, add_labelled, button_row, wrapped
from ..register.history import local_time
from . import talk_back

STATUS_COLORS = {"open": "#fff3cd", "answered": "#e7f1ff", "closed": "#eeeeee"}
KIND_LABELS = {"query": "Câu hỏi", "return": "Trả lại năm"}
SHOWN = {
    "not_closed": "Chưa đóng",
    "open": "Chưa trả lời",
    "answered": "Đã trả lời",
    "closed": "Đã đóng",
    "all": "Tất cả",
}
STATUS_COLUMN = 4
LONG_COLUMNS, LONG_WIDTH, MOST_LINES = (3, 5), 320, 6  # long texts wrap in a column this wide, a few lines shown


def about_text(q: dict, households: dict[tuple[str, str], str]) -> str:
    """What a question is about: its household, or the commune's year."""
    if q["household_id"]:
        return f"Hộ {households.get((q['commune_code'], q['household_id'])) or q['household_id']}"
    return f"Năm {q['year']}" if q["year"] else "Cả xã"


class QueriesPage(LoadsWhenShown, QWidget):
    changed = Signal()  # a question closed
    HEADERS = [
        "Xã",
        "Về",
        "Loại",
        "Câu hỏi hoặc ý kiến",
        "Tình trạng",
        "Trả lời của xã",
        "Thay đổi trong gói",
        "Hỏi lúc",
    ]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.rows: list[dict] = []
        self.households: dict[tuple[str, str], str] = {}
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.shown = ChoiceCombo(SHOWN)
        add_labelled(bar, ("&Hiện:", self.shown))
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = wrapped()
        layout.addWidget(self.summary)
        self.table = ReadOnlyTable(self.HEADERS, stretch=5, single=True)
        self.table.opened.connect(self.show_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(
                ("&Xem cả câu hỏi (Enter)", lambda: self.show_row(self.table.currentRow())),
                ("Đóng &câu hỏi", self.close_query),
                (None, None),
                ("Ghi biên nhận &mới cho xã...", self.save_receipt),
            )
        )
        layout.addWidget(wrapped(talk_back.GOES_DOWN + " Câu trả lời của xã đi lên trong gói tiếp theo của xã."))
        self.shown.currentIndexChanged.connect(lambda *_: self.reload())

    def load(self) -> None:
        chosen = self.table.current_of(self.rows)
        every = self.store.queries.find()
        shown = self.shown.value()
        self.rows = outbox.queries_shown(every, shown)
        self.households = talk_back.household_labels(
            self.store, ((q["commune_code"], q["household_id"]) for q in self.rows)
        )
        names = {c.code: c.name for c in upper_level.communes(self.store)}
        self.table.fill(
            [
                [
                    names.get(q["commune_code"]) or q["commune_code"],
                    about_text(q, self.households),
                    KIND_LABELS.get(q["kind"], q["kind"]),
                    q["text"],
                    outbox.QUERY_STATUS_LABELS[q["status"]],
                    q["answer"] or "",
                    q["changed"] or "",
                    local_time(q["asked_at"], seconds=False),
                ]
                for q in self.rows
            ],
            {(r, STATUS_COLUMN): STATUS_COLORS[q["status"]] for r, q in enumerate(self.rows)},
        )
        for column in LONG_COLUMNS:
            if column != self.table.stretch and self.table.columnWidth(column) > LONG_WIDTH:
                self.table.setColumnWidth(column, LONG_WIDTH)
        self.table.resizeRowsToContents()
        most = MOST_LINES * self.table.fontMetrics().lineSpacing() + 8
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, min(self.table.rowHeight(r), most))  # the whole text: Enter
        ids = [q["id"] for q in self.rows]
        if chosen is not None and chosen["id"] in ids:
            self.table.selectRow(ids.index(chosen["id"]))
        counts = {s: sum(1 for q in every if q["status"] == s) for s in outbox.QUERY_STATUS_LABELS}
        self.summary.setText(
            f"{len(every)} câu hỏi và ý kiến trả lại: "
            + ", ".join(f"{label.lower()} {counts[s]}" for s, label in outbox.QUERY_STATUS_LABELS.items())
            + "."
            if every
            else "Chưa hỏi xã nào. Hỏi xã từ trang Kiểm tra (Enter trên một cảnh báo về một hộ)."
        )

    def selected(self) -> dict | None:
        chosen = self.table.current_of(self.rows)
        if chosen is None:
            show_error(self, "Hãy chọn một câu hỏi trong danh sách.", "Chưa chọn")
        return chosen

    def show_row(self, row: int) -> None:
        """Enter on a question: all of it, whole."""
        if not 0 <= row < len(self.rows):
            show_error(self, "Hãy chọn một câu hỏi trong danh sách.", "Chưa chọn")
            return
        values = [self.table.item(row, c).text() for c in range(self.table.columnCount())]
        lines = [f"{h}: {v}" for h, v in zip(self.HEADERS, values) if v]
        q = self.rows[row]
        if q["answered_at"]:
            lines.append(f"Xã trả lời lúc: {local_time(q['answered_at'], seconds=False)}")
        if q["closed_at"]:
            lines.append(
                f"Đóng lúc: {local_time(q['closed_at'], seconds=False)}"
                + (f", {q['closed_by']}" if q["closed_by"] else "")
            )
        show_done(self, "\n".join(lines), f"{KIND_LABELS.get(q['kind'], '')} cho {values[0]}")

    def close_query(self) -> None:
        q = self.selected()
        if q is None:
            return
        if q["status"] == "closed":
            show_error(self, "Câu hỏi này đã đóng.", "Đã đóng")
            return
        unanswered = " Xã chưa trả lời câu hỏi này." if q["status"] == "open" else ""
        if confirm(
            self,
            "Đóng câu hỏi",
            f"Đóng câu hỏi này?{unanswered} Xã thấy câu hỏi đã đóng trong biên nhận tiếp theo và không cần trả lời nữa.",
            yes="Đóng câu hỏi",
            no="Không",
        ) and run_guarded(self, lambda: upper_level.close_query(self.store, q["id"])):
            self.load()
            self.changed.emit()

    def save_receipt(self) -> None:
        q = self.selected()
        if q is not None:
            names = {c.code: c.name for c in upper_level.communes(self.store)}
            talk_back.save_fresh_receipt(self, self.store, q["commune_code"], names.get(q["commune_code"], ""))
