"""The poverty and near-poor rates by year, drawn with QPainter (Qt Charts is not in the Essentials wheel).

Under each year: over how many households its rates were computed, marked when the year is incomplete
(some households there have no review record that year), and the reduction against the target."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from thidua_desktop.text import format_decimal

POOR_COLOR = QColor("#c62828")
NEAR_COLOR = QColor("#ef6c00")
TARGET_OK = QColor("#2e7d32")
TARGET_MISS = QColor("#c62828")
INCOMPLETE = QColor("#b35c00")


class RateChart(QWidget):
    """Two lines (poor, near-poor) over the years, and under each year its reduction against the target."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.poor: dict[int, float | None] = {}
        self.near: dict[int, float | None] = {}
        self.target: float | None = None
        self.coverage: dict[int, dict] = {}
        self.setMinimumSize(520, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(
        self,
        title: str,
        poor: dict[str, float | None],
        near: dict[str, float | None],
        target: float | None,
        coverage: dict[str, dict] | None = None,
    ) -> None:
        """`coverage` (the commune's, by year) says over how many households each year's rates were
        computed; a village's chart has none."""
        self.title = title
        self.poor = {int(y): v for y, v in poor.items()}
        self.near = {int(y): v for y, v in near.items()}
        self.target = target
        self.coverage = {int(y): c for y, c in (coverage or {}).items()}
        self.update()

    def incomplete_years(self) -> list[int]:
        return sorted(y for y, c in self.coverage.items() if not c["complete"] and (y in self.poor or y in self.near))

    def paintEvent(self, event):
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), Qt.GlobalColor.white)
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(0, 4, self.width(), 22), Qt.AlignmentFlag.AlignCenter, self.title)
        p.setFont(self.font())
        years = sorted(set(self.poor) | set(self.near))
        if not years:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Chưa có kết quả rà soát để vẽ biểu đồ.")
            return
        values = [v for v in list(self.poor.values()) + list(self.near.values()) if v is not None]
        top = max(10.0, (int(max(values or [10]) / 10) + 1) * 10)
        left, right, upper, lower = 56, self.width() - 56, 56, self.height() - 130
        plot = QRectF(left, upper, right - left, lower - upper)
        # grid and axis labels
        p.setPen(QPen(QColor("#dddddd")))
        for i in range(6):
            y = plot.bottom() - plot.height() * i / 5
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor("#555555"))
            p.drawText(
                QRectF(0, y - 9, left - 6, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{format_decimal(top * i / 5)}%",
            )
            p.setPen(QPen(QColor("#dddddd")))
        step = plot.width() / max(1, len(years) - 1) if len(years) > 1 else 0

        def x_of(i: int) -> float:
            return plot.left() + (step * i if len(years) > 1 else plot.width() / 2)

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * v / top

        for series, color in ((self.poor, POOR_COLOR), (self.near, NEAR_COLOR)):
            p.setPen(QPen(color, 2.5))
            points = [(i, series.get(y)) for i, y in enumerate(years)]
            for (i0, v0), (i1, v1) in zip(points, points[1:]):
                if v0 is not None and v1 is not None:
                    p.drawLine(QPointF(x_of(i0), y_of(v0)), QPointF(x_of(i1), y_of(v1)))
            for i, v in points:
                if v is not None:
                    p.setBrush(color)
                    p.drawEllipse(QPointF(x_of(i), y_of(v)), 3.5, 3.5)
                    # the first year's figure leans right, off the axis's own figures
                    shift = 24 if i == 0 and len(years) > 1 else 0
                    p.drawText(
                        QRectF(x_of(i) - 30 + shift, y_of(v) - 22, 60, 16),
                        Qt.AlignmentFlag.AlignCenter,
                        format_decimal(v),
                    )
        # years, the households their rates were computed over, and reductions against the target
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        for i, y in enumerate(years):
            p.setPen(QColor("#222222"))
            p.setFont(self.font())
            p.drawText(QRectF(x_of(i) - 30, plot.bottom() + 4, 60, 18), Qt.AlignmentFlag.AlignCenter, str(y))
            cover = self.coverage.get(y)
            if cover:
                whole = cover["complete"]
                p.setPen(QColor("#555555") if whole else INCOMPLETE)
                p.setFont(small)
                base = f"{cover['with_record']} hộ" if whole else f"⚠ {cover['with_record']}/{cover['households']} hộ"
                p.drawText(QRectF(x_of(i) - 45, plot.bottom() + 20, 90, 16), Qt.AlignmentFlag.AlignCenter, base)
                p.setFont(self.font())
            before, now = self.poor.get(y - 1), self.poor.get(y)
            if before is None or now is None:
                continue
            cut = before - now
            ok = self.target is None or cut >= self.target
            p.setPen(TARGET_OK if ok else TARGET_MISS)
            mark = "✔" if ok else "✘"
            text = f"{mark} {'giảm' if cut >= 0 else 'tăng'} {format_decimal(abs(cut))}"
            p.drawText(QRectF(x_of(i) - 45, plot.bottom() + 38, 90, 18), Qt.AlignmentFlag.AlignCenter, text)
        # legend
        legend_y = self.height() - 44
        incomplete = self.incomplete_years()
        if self.coverage:
            p.setPen(INCOMPLETE if incomplete else QColor("#555555"))
            p.drawText(
                QRectF(left, legend_y - 20, self.width() - left - 8, 18),
                Qt.AlignmentFlag.AlignVCenter,
                "Dưới mỗi năm: số hộ có kết quả rà soát mà tỷ lệ được tính trên đó"
                + (
                    f"; ⚠ năm chưa đầy đủ ({', '.join(map(str, incomplete))}): còn hộ chưa có kết quả rà soát"
                    if incomplete
                    else "."
                ),
            )
        for j, (label, color) in enumerate(
            (("Tỷ lệ hộ nghèo (%)", POOR_COLOR), ("Tỷ lệ hộ cận nghèo (%)", NEAR_COLOR))
        ):
            x = left + j * 200
            p.setPen(QPen(color, 3))
            p.drawLine(QPointF(x, legend_y + 8), QPointF(x + 24, legend_y + 8))
            p.setPen(QColor("#222222"))
            p.drawText(QRectF(x + 30, legend_y, 170, 18), Qt.AlignmentFlag.AlignVCenter, label)
        if self.target is not None:
            p.drawText(
                QRectF(left, legend_y + 20, self.width() - left, 18),
                Qt.AlignmentFlag.AlignVCenter,
                f"Dưới mỗi năm: tỷ lệ hộ nghèo giảm bao nhiêu điểm % so với năm trước "
                f"(✔ đạt chỉ tiêu giảm ≥ {format_decimal(self.target)} điểm %/năm, ✘ chưa đạt)",
            )
        p.end()
