"""The level above's report of a year, as Excel or PDF: who has sent, the poverty rates of every
commune and in total, each commune judged again (flagged where its own verdict differs), the
upper-level criteria, and the nominations received with their decisions."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from thidua_desktop import domain
from thidua_desktop.evaluation import criteria
from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent


def tables(store: Store, year: int) -> list[tuple[str, list[str], list[int], list[list]]]:
    """The report as (title, header, column widths in mm, rows) tables, shared by the Excel and the PDF."""
    chosen = criteria.load_chosen(store)
    sent = upper_level.completeness(store, year)
    ov = upper_level.overview(store, year, chosen)
    years = sorted({y for r in ov.rows for y in r["poverty_rates"]})[-6:]
    rates = [
        [
            r["code"],
            r["name"],
            *[format_percent(r["poverty_rates"].get(y)) if y in r["poverty_rates"] else "" for y in years],
        ]
        for r in ov.rows
    ]
    rates.append(["", "Toàn địa bàn", *[format_percent(ov.totals.get(y)) if y in ov.totals else "" for y in years]])
    judged = [
        [
            r["code"],
            r["name"],
            r["households"],
            domain.VERDICT_LABELS[r["verdict"]],
            r["eligible"],
            ""
            if r["own"] is None
            else f"{domain.VERDICT_LABELS.get(r['own'].get('commune_verdict'), '?')}, {r['own'].get('eligible')} hộ",
            "KHÁC" if r["differs"] else "",
        ]
        for r in ov.rows
    ]
    group_rows = [
        [key, domain.CRITERION_LABELS[key], domain.VERDICT_LABELS[c["verdict"]], c["reason"]]
        for key, c in ov.group["criteria"].items()
    ]
    noms = [
        [
            n["commune_name"],
            n["nominee"],
            n["award"],
            domain.NOMINATION_STATUS_LABELS[n["status"]],
            ""
            if not n["upper"]
            else (
                "Quyết định " + (n["upper"]["decision_number"] or "")
                if n["upper"]["status"] == "decided"
                else "Trả lại: " + (n["upper"]["comment"] or "")
            ),
        ]
        for n in upper_level.received_nominations(store, year)
    ]
    return [
        (
            f"Tiến độ gửi dữ liệu năm {year}",
            ["Mã xã", "Tên xã", "Tình hình", "Gói cuối", "Thời điểm"],
            [15, 50, 35, 20, 40],
            [
                [
                    c.code,
                    c.name,
                    upper_level.COMPLETENESS_LABELS[s],
                    c.last_sequence or "",
                    (c.last_package_at or "")[:16],
                ]
                for c, s in sent
            ],
        ),
        ("Tỷ lệ hộ nghèo theo năm", ["Mã xã", "Tên xã", *years], [15, 40] + [18] * len(years), rates),
        (
            f"Đánh giá lại năm {year} (bộ tiêu chí {chosen.name})",
            ["Mã xã", "Tên xã", "Số hộ", "Kết quả", "Hộ đủ điều kiện", "Xã tự đánh giá", "Chênh lệch"],
            [15, 35, 15, 22, 20, 35, 18],
            judged,
        ),
        ("Tiêu chí đối với cấp trên", ["Mã", "Tiêu chí", "Kết quả", "Lý do"], [12, 45, 22, 86], group_rows),
        (
            "Đề nghị khen thưởng nhận được",
            ["Xã", "Người được đề nghị", "Hình thức", "Trạng thái", "Cấp trên"],
            [30, 40, 35, 25, 35],
            noms,
        ),
    ]


def write(store: Store, year: int, out: Path | str) -> Path:
    out = Path(out)
    parts = tables(store, year)
    if out.suffix.lower() == ".pdf":
        return _pdf(store, year, parts, out)
    return _xlsx(parts, out)


def _xlsx(parts, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, _widths, rows in parts:
        ws = wb.create_sheet(title[:31].replace("/", "-"))
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A3"
        for col, width in zip("ABCDEFGHIJ", (10, 28, 16, 18, 16, 20, 12, 12, 12, 12)):
            ws.column_dimensions[col].width = width
    return atomic_write(out, wb.save)


def _pdf(store: Store, year: int, parts, out: Path) -> Path:
    from thidua_desktop.documents import pdf

    me = upper_level.upper_only(store)
    story = pdf.letterhead(pdf.Letterhead(None, me["name"], None, pdf.vn_date(_dt.date.today(), "")[2:]))
    story += pdf.title("Báo cáo", [f"Kết quả Phong trào thi đua {pdf.MOVEMENT} năm {year}"])
    for title, header, widths, rows in parts:
        story.append(pdf.p(title, pdf.HEADING))
        story.append(pdf.grid(header, rows, widths))
    return pdf.write(out, story, f"Báo cáo cấp trên năm {year}", store.actor)
