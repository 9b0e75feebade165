"""The level above's overview of a year: each commune judged again by the criteria set, beside what it
judged itself, where its year stands (checked, returned, approved), and the criteria of the level above;
out to Excel and PDF (its number, date and signer asked first)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from thidua_desktop import domain
from thidua_desktop.documents import upper_report
from thidua_desktop.evaluation import criteria, evaluator
from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent

from ..common.messages import confirm, exec_dialog, run_guarded, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import button_row, wrapped, year_bar
from ..common.worker import Worker
from .report_dialog import UpperReportDialog
from .talk_back import YEAR_STATE_COLORS
from .year_page import sending_year

DIFFERS_COLOR = "#fff3cd"
INCOMPLETE_COLOR = "#ffe0b2"
COVERAGE_COLUMN, DIFFERS_COLUMN, STATE_COLUMN = 5, 9, 10


def coverage_cell(entry: dict | None) -> str:
    """Over how many households the commune's rate was computed: '240/300 ⚠' when the year is incomplete."""
    if not entry:
        return ""
    if entry["complete"]:
        return f"{entry['with_record']}"
    return f"⚠ {entry['with_record']}/{entry['households']}"


class OverviewPage(QWidget):
    # Two-line headers: the columns fit their numbers, not a long caption.
    HEADERS = [
        "Mã xã",
        "Tên xã",
        "Số hộ",
        "Tỷ lệ hộ nghèo\nnăm trước",
        "Tỷ lệ\nhộ nghèo",
        "Tỷ lệ tính trên\n(hộ có kết quả rà soát)",
        "Kết quả",
        "Hộ đủ\nđiều kiện",
        "Xã tự\nđánh giá",
        "Chênh lệch",
        "Kiểm tra,\nduyệt",
    ]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.year = year_bar(store, layout, year=sending_year())
        layout.addLayout(
            button_row(("Tổng &hợp", self.run), ("Xuất &Excel...", self.to_excel), ("Xuất &PDF...", self.to_pdf))
        )
        self.summary = wrapped("Chọn năm rồi bấm Tổng hợp: đánh giá lại từng xã theo bộ tiêu chí.")
        layout.addWidget(self.summary)
        self.table = ReadOnlyTable(self.HEADERS)
        self.table.opened.connect(self.show_row)
        self.rows: list[dict] = []
        layout.addWidget(self.table, 2)
        self.group = ReadOnlyTable(["Mã", "Tiêu chí đối với cấp trên", "Kết quả", "Lý do"])
        layout.addWidget(self.group, 1)

    def run(self) -> None:
        year = self.year.value()

        def work(store: Store, progress) -> upper_level.Overview:
            return upper_level.overview(store, year, criteria.load_chosen(store), progress)

        self.summary.setText("Đang tổng hợp...")
        Worker(self, self.store, work, self._on_progress, self._on_done, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self.summary.setText(f"{text} ({pct}%)")

    def _on_done(self, ov: upper_level.Overview) -> None:
        y, before = str(ov.year), str(ov.year - 1)
        self.rows = ov.rows
        differs = {(i, DIFFERS_COLUMN): DIFFERS_COLOR for i, r in enumerate(ov.rows) if r["differs"]}
        incomplete = [r for r in ov.rows if not (r.get("coverage") or {}).get(y, {}).get("complete", True)]
        colors = dict(differs)
        colors.update({(i, COVERAGE_COLUMN): INCOMPLETE_COLOR for i, r in enumerate(ov.rows) if r in incomplete})
        colors.update(
            {(i, STATE_COLUMN): YEAR_STATE_COLORS[r["state"]] for i, r in enumerate(ov.rows) if r.get("state")}
        )
        self.table.fill(
            [
                [
                    r["code"],
                    r["name"],
                    r["households"],
                    format_percent(r["poverty_rates"].get(before)),
                    format_percent(r["poverty_rates"].get(y)),
                    coverage_cell((r.get("coverage") or {}).get(y)),
                    domain.VERDICT_LABELS[r["verdict"]],
                    r["eligible"],
                    ""
                    if r["own"] is None
                    else f"{domain.VERDICT_LABELS.get(r['own'].get('commune_verdict'), '?')}, "
                    f"{r['own'].get('eligible')} hộ",
                    "KHÁC với xã tự đánh giá" if r["differs"] else "",
                    upper_level.YEAR_STATE_LABELS.get(r.get("state"), ""),
                ]
                for r in ov.rows
            ],
            colors,
            right=(3, 4, 5),
        )
        self.group.fill(
            [
                [k, domain.CRITERION_LABELS[k], domain.VERDICT_LABELS[c["verdict"]], c["reason"]]
                for k, c in ov.group["criteria"].items()
            ],
        )
        self.summary.setText(
            f"Năm {ov.year}: {len(ov.rows)} xã; tỷ lệ hộ nghèo toàn địa bàn "
            f"{format_percent(ov.totals.get(y))} (năm trước {format_percent(ov.totals.get(before))}); "
            f"{len(differs)} xã có kết quả khác với xã tự đánh giá; "
            f"{sum(1 for r in ov.rows if r.get('state') == 'approved')} xã đã duyệt, "
            f"{sum(1 for r in ov.rows if r.get('state') == 'returned')} xã bị trả lại"
            + (
                f"; ⚠ {len(incomplete)} xã có năm {y} chưa đầy đủ (còn hộ chưa có kết quả rà soát): "
                + ", ".join(r["name"] for r in incomplete)
                + "."
                if incomplete
                else "."
            )
        )

    def _on_failed(self, message: str) -> None:
        show_error(self, message)

    def reload(self) -> None:
        """The communes' data changed (an import, a restore): the overview on screen is of before."""
        if self.rows:
            self.summary.setText(
                self.summary.text().split(" (Dữ liệu")[0] + " (Dữ liệu đã thay đổi: bấm Tổng hợp để cập nhật.)"
            )

    def show_row(self, row: int) -> None:
        """Enter on a commune: its row whole, and what its year's coverage says."""
        if not 0 <= row < len(self.rows):
            return
        values = [self.table.item(row, c).text() for c in range(self.table.columnCount())]
        lines = [f"{h.replace(chr(10), ' ')}: {v}" for h, v in zip(self.HEADERS, values) if v]
        note = evaluator.coverage_note((self.rows[row].get("coverage") or {}).get(str(self.year.value())))
        show_done(self, "\n".join(lines + ([note] if note else [])), self.rows[row]["name"])

    def _export(self, suffix: str, kind: str, **options) -> None:
        year = self.year.value()
        file, _ = QFileDialog.getSaveFileName(self, "Xuất báo cáo", f"bao-cao-{year}{suffix}", kind)
        if file and run_guarded(self, lambda: upper_report.write(self.store, year, file, **options)):
            self.summary.setText(f"Đã ghi báo cáo năm {year}: {file}")

    def to_excel(self) -> None:
        self._export(".xlsx", "Tệp Excel (*.xlsx)")

    def to_pdf(self) -> None:
        """The paper's number, date and signer first; what it will lack said before it is written."""
        dialog = UpperReportDialog(self.store, self.year.value(), self)
        if not exec_dialog(dialog):
            return
        chosen = dialog.options()
        warnings = upper_report.warnings(self.store)
        if warnings and not confirm(
            self,
            "Trước khi in báo cáo",
            "\n".join(f"- {w}" for w in warnings) + "\n\nVẫn in báo cáo?",
            yes="In báo cáo",
            no="Quay lại",
        ):
            return
        self._export(
            ".pdf",
            "Tệp PDF (*.pdf)",
            number=chosen.number,
            on=chosen.on,
            signer=chosen.signer,
            deputy=chosen.deputy,
            recipient=chosen.recipient,
        )
