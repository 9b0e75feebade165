"""The annual report of the movement as an Excel workbook, for the level above.

For each village and the commune: households, poor and near-poor with their rates, the reduction from
last year against the target, eligible households and nominees; then the commune's criteria with their
verdicts and reasons. Every figure comes from the evaluator, so it agrees with `evaluate`.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from thidua_desktop import domain
from thidua_desktop.documents.wording import percents_in
from thidua_desktop.evaluation import evaluator
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.excel.xlsx_stream import for_print, save_workbook
from thidua_desktop.register import dataset

HEADERS = [
    "STT",
    "Đơn vị",
    "Số hộ",
    "Hộ nghèo",
    "Tỷ lệ hộ nghèo",
    "Hộ cận nghèo",
    "Tỷ lệ hộ cận nghèo",
    "Tỷ lệ hộ nghèo năm trước",
    "Giảm so với năm trước (điểm %)",
    "Chỉ tiêu giảm (điểm %)",
    "Đạt chỉ tiêu",
    "Hộ đủ điều kiện khen thưởng",
    "Hộ được đề nghị khen thưởng",
    "Kết quả đánh giá",
]
WIDTHS = [6, 26, 10, 10, 12, 12, 12, 14, 16, 14, 10, 16, 16, 18]


def _line(number, name, counts_now, counts_before, target, eligible, nominated, verdict) -> list:
    now = counts_now or evaluator.Counts()
    rate = now.poverty_rate
    near = now.near_poor_rate
    before = counts_before.poverty_rate if counts_before else None
    cut = (before - rate) if before is not None and rate is not None else None
    return [
        number,
        name,
        now.households,
        now.poor,
        _share(rate),
        now.near_poor,
        _share(near),
        _share(before),
        None if cut is None else float(cut),
        float(target),
        None if cut is None else ("Đạt" if cut >= target else "Chưa đạt"),
        eligible,
        nominated,
        domain.VERDICT_LABELS[verdict],
    ]


def _share(rate: Fraction | None) -> float | None:
    """A percentage as Excel keeps percentages: 12.5% is 0.125 shown with the % format."""
    return None if rate is None else float(rate / 100)


def write(store, year: int, criteria: CriteriaSet, path: Path | str) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    data = dataset.export_data(store)
    report = evaluator.evaluate(data, year, criteria)
    verdict_of = {h["id"]: h["verdict"] for h in report["households"]}
    nominated = {n.get("household_id") for n in data.get("nominations") or () if n["year"] == year}
    views: dict[str, list] = {}
    for hh in data["households"]:
        views.setdefault(hh["village_id"], []).append(evaluator.HouseholdView.of(hh))
    target = criteria.commune_reduction
    lines = []
    for number, (village, judged) in enumerate(zip(data["villages"], report["villages"]), start=1):
        counts = evaluator.counts_by_year(views.get(village["id"], []))
        ids = [v.data["id"] for v in views.get(village["id"], [])]
        lines.append(
            _line(
                number,
                village["name"],
                counts.get(year),
                counts.get(year - 1),
                target,
                sum(1 for i in ids if verdict_of.get(i) == "eligible"),
                sum(1 for i in ids if i in nominated),
                judged["verdict"],
            )
        )
    everyone = [v for vs in views.values() for v in vs]
    counts = evaluator.counts_by_year(everyone)
    total = _line(
        None,
        f"Toàn {data['commune']['name']}",
        counts.get(year),
        counts.get(year - 1),
        target,
        sum(1 for v in verdict_of.values() if v == "eligible"),
        sum(1 for v in everyone if v.data["id"] in nominated),
        report["commune"]["verdict"],
    )

    wb = Workbook()
    ws = wb.active
    ws.title = f"Báo cáo năm {year}"
    commune = data["commune"]
    ws.append([f"BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA “{criteria.movement.name.upper()}” NĂM {year}"])
    ws.append(
        [f"{commune['name']}, {commune['province_name']} — bộ tiêu chí {criteria.name} (phiên bản {criteria.version})"]
    )
    ws.append([])
    ws.append(HEADERS)
    for line in lines + [total]:
        ws.append(line)
    bold = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=13)
    header_row, first, last = 4, 5, 4 + len(lines) + 1
    thin = Side(style="thin", color="999999")
    for cell in ws[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[header_row].height = 48
    for row in ws.iter_rows(min_row=header_row, max_row=last):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in ws.iter_rows(min_row=first, max_row=last):
        row[2].number_format = row[3].number_format = row[5].number_format = "#,##0"
        for i in (4, 6, 7):
            row[i].number_format = "0.00%"
        row[8].number_format = row[9].number_format = "0.00"
        row[11].number_format = row[12].number_format = "#,##0"
    for cell in ws[last]:
        cell.font = bold
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = f"C{first}"
    ws.auto_filter.ref = f"A{header_row}:N{last - 1}"
    for_print(ws, header_row)

    crit = wb.create_sheet("Tiêu chí của xã")
    crit.append([f"ĐÁNH GIÁ {commune['name'].upper()} NĂM {year} THEO TIÊU CHÍ"])
    crit["A1"].font = Font(bold=True, size=13)
    crit.append([])
    crit.append(["Mã", "Tiêu chí", "Kết quả", "Lý do (số liệu đã dùng)"])
    for cell in crit[3]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for key, c in report["commune"]["criteria"].items():
        crit.append([key, domain.CRITERION_LABELS[key], domain.VERDICT_LABELS[c["verdict"]], percents_in(c["reason"])])
    crit.append(["", "Kết quả chung của xã", domain.VERDICT_LABELS[report["commune"]["verdict"]], ""])
    widths = (6, 40, 16, 90)
    for letter, width in zip("ABCD", widths):
        crit.column_dimensions[letter].width = width
    for row in crit.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    crit.freeze_panes = "A4"
    for_print(crit, 3, widths, first_row=4)
    save_workbook(wb, path)
    return report
