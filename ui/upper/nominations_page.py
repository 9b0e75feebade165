"""The nominations the communes sent up, and the level above's answer to each: an award decision or
sent back with a comment; the answer goes home in the commune's next receipt."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLabel, QWidget

from thidua_desktop import domain
from thidua_desktop.evaluation import nominations
from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store

from ..common.messages import exec_dialog, run_guarded
from ..nominations.nominations_page import DecisionDialog
from .year_page import YearTablePage


def answer_text(upper: dict | None) -> str:
    if not upper:
        return ""
    if upper["status"] == "decided":
        return f"Khen thưởng: QĐ {upper['decision_number']} ngày {upper['decision_date']}"
    return f"Trả lại: {upper['comment']}"


class ReceivedNominationsPage(YearTablePage):
    HEADERS = ["Xã", "Người được đề nghị", "Đối tượng", "Hình thức", "Trạng thái ở xã", "Quyết định của cấp trên"]
    NOT_CHOSEN = "Hãy chọn một đề nghị trong danh sách."
    rows: list[dict]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(
            store, [("&Quyết định khen thưởng...", self.decide), ("T&rả lại cho xã...", self.send_back)], parent
        )
        self.table.opened.connect(lambda _row: self.decide())
        self.layout_.addWidget(
            QLabel("Quyết định được gửi về xã trong biên nhận tiếp theo (hoặc 'Ghi biên nhận mới' ở trang Các xã).")
        )

    def load(self) -> None:
        self.rows = upper_level.received_nominations(self.store, self.year.value())
        self.table.fill(
            [
                [
                    n["commune_name"],
                    n["nominee"],
                    nominations.KIND_LABELS[n["nominee_kind"]],
                    n["award"],
                    domain.NOMINATION_STATUS_LABELS[n["status"]],
                    answer_text(n["upper"]),
                ]
                for n in self.rows
            ],
        )

    def decide(self) -> None:
        n = self.selected()
        if n is None:
            return
        dialog = DecisionDialog(self)
        if exec_dialog(dialog) and run_guarded(
            self,
            lambda: upper_level.decide(
                self.store,
                n["commune_code"],
                n["id"],
                "decided",
                dialog.number.text().strip() or None,
                dialog.date.date().toString("yyyy-MM-dd"),
            ),
        ):
            self.reload()

    def send_back(self) -> None:
        n = self.selected()
        if n is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, "Trả lại cho xã", "Ý kiến của cấp trên:")
        if ok and run_guarded(
            self, lambda: upper_level.decide(self.store, n["commune_code"], n["id"], "returned", comment=text.strip())
        ):
            self.reload()
