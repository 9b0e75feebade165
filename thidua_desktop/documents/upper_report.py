"""The level above's report of a year, as Excel or PDF: who has sent, the poverty rates of every
commune and in total, each commune judged again (flagged where its own verdict differs), the
upper-level criteria, and the nominations received with their decisions.

The PDF is a báo cáo of the level above in the layout of NĐ 30/2020 ("Số: …/BC-UBND", place and date,
a sentence where a table would be empty, "TM." or "KT." with the signer's name, Nơi nhận). The workbook
keeps numbers as numbers (rates in a percent format, times as dates), prints landscape one page wide
with each table's header repeated, and names its sheets within Excel's 31 characters.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from thidua_desktop import domain, settings
from thidua_desktop.documents.wording import local_time, movement, percent, percents_in
from thidua_desktop.evaluation import criteria
from thidua_desktop.excel.xlsx_stream import for_print, save_workbook
from thidua_desktop.exchange import upper_level
from thidua_desktop.store import Store
from thidua_desktop.text import fold

TEXT, INT, PERCENT, TIME = "text", "int", "percent", "time"
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names


@dataclass
class Part:
    """One table of the report, shared by the workbook and the PDF."""

    title: str
    sheet: str  # at most SHEET_NAME_MAX characters
    header: list[str]
    widths: list[int]  # mm on the page; the workbook scales them
    kinds: list[str]  # per column: TEXT, INT, PERCENT (a percentage, 28.47), TIME (ISO)
    rows: list[list]
    empty: str  # said instead of a table without rows

    def __post_init__(self) -> None:
        assert len(self.sheet) <= SHEET_NAME_MAX and "/" not in self.sheet, self.sheet


def tables(store: Store, year: int) -> list[Part]:
    """The report's tables, each with what it holds and how to say it has nothing."""
    chosen = criteria.load_chosen(store)
    sent = upper_level.completeness(store, year)
    ov = upper_level.overview(store, year, chosen)
    years = sorted({y for r in ov.rows for y in r["poverty_rates"]})[-6:]
    rates = [[r["code"], r["name"], *[r["poverty_rates"].get(y) for y in years]] for r in ov.rows]
    if rates:
        rates.append(["", "Toàn địa bàn", *[ov.totals.get(y) for y in years]])
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
            "Khác" if r["differs"] else "",
        ]
        for r in ov.rows
    ]
    group_rows = [
        [key, domain.CRITERION_LABELS[key], domain.VERDICT_LABELS[c["verdict"]], percents_in(c["reason"])]
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
        Part(
            f"Tiến độ gửi dữ liệu năm {year}",
            f"Tiến độ gửi dữ liệu {year}",
            ["Mã xã", "Tên xã", "Tình hình", "Gói cuối", "Thời điểm gửi"],
            [18, 50, 35, 20, 42],
            [TEXT, TEXT, TEXT, INT, TIME],
            [[c.code, c.name, upper_level.COMPLETENESS_LABELS[s], c.last_sequence, c.last_package_at] for c, s in sent],
            f"Chưa có xã nào trên địa bàn gửi dữ liệu năm {year}.",
        ),
        Part(
            "Tỷ lệ hộ nghèo theo năm",
            "Tỷ lệ hộ nghèo",
            ["Mã xã", "Tên xã", *[f"Năm {y}" for y in years]],
            [18, 42] + [18] * len(years),
            [TEXT, TEXT] + [PERCENT] * len(years),
            rates,
            "Chưa có số liệu tỷ lệ hộ nghèo của xã nào.",
        ),
        Part(
            f"Đánh giá lại năm {year} (bộ tiêu chí {chosen.name})",
            f"Đánh giá lại {year}",
            ["Mã xã", "Tên xã", "Số hộ", "Kết quả", "Hộ đủ điều kiện", "Xã tự đánh giá", "Chênh lệch"],
            [16, 35, 15, 24, 20, 35, 20],
            [TEXT, TEXT, INT, TEXT, INT, TEXT, TEXT],
            judged,
            f"Chưa có xã nào có dữ liệu năm {year} để đánh giá lại.",
        ),
        Part(
            "Tiêu chí đối với cấp trên",
            "Tiêu chí cấp trên",
            ["Mã", "Tiêu chí", "Kết quả", "Lý do"],
            [12, 45, 24, 84],
            [TEXT] * 4,
            group_rows,
            "Chưa có số liệu để đánh giá các tiêu chí đối với cấp trên.",
        ),
        Part(
            "Đề nghị khen thưởng nhận được",
            "Đề nghị khen thưởng",
            ["Xã", "Người được đề nghị", "Hình thức", "Trạng thái", "Cấp trên"],
            [30, 40, 35, 25, 35],
            [TEXT] * 5,
            noms,
            f"Chưa nhận được đề nghị khen thưởng nào của năm {year}.",
        ),
    ]


# --- who the level above is, on paper -------------------------------------------------------------

_COMMITTEE = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")
_UNITS = ("tỉnh ", "thành phố ", "huyện ", "quận ", "thị xã ")


def _split(name: str) -> tuple[bool, str]:
    """('UBND tỉnh Tuyên Quang') -> (True, 'tỉnh Tuyên Quang'): whether it is a people's committee, and
    the unit it governs."""
    low = name.lower()
    for prefix in _COMMITTEE:
        if low.startswith(prefix):
            return True, name[len(prefix) :].strip()
    return False, name.strip()


def agency_lines(name: str) -> list[str]:
    committee, unit = _split(name)
    return ["Ủy ban nhân dân", unit] if committee else [name]


def place_of(name: str) -> str:
    """'UBND tỉnh Tuyên Quang' -> 'Tuyên Quang', the place before the date."""
    unit = _split(name)[1]
    for word in _UNITS:
        if unit.lower().startswith(word):
            return unit[len(word) :]
    return unit


def number_code(name: str) -> str:
    """'BC-UBND' for a people's committee; else the initials of the agency ('Sở Nội vụ' -> 'BC-SNV')."""
    committee, unit = _split(name)
    if committee:
        return "BC-UBND"
    words = []
    for word in unit.split():
        if fold(word) in ("tinh", "huyen", "thanh"):
            break
        words.append(fold(word)[:1].upper())
    return "BC-" + ("".join(words) or "UBND")


def warnings(store: Store) -> list[str]:
    """What to tell the officer before the PDF is printed."""
    if (settings.SIGNER.get(store) or "").strip():
        return []
    return ["Chưa có họ tên người ký báo cáo: báo cáo sẽ in chỗ trống để ký và ghi họ tên bằng tay."]


def write(
    store: Store,
    year: int,
    out: Path | str,
    number: int | None = None,
    on: _dt.date | None = None,
    signer: str | None = None,
    deputy: bool | None = None,
    recipient: str | None = None,
) -> Path:
    out = Path(out)
    parts = tables(store, year)
    if out.suffix.lower() == ".pdf":
        return _pdf(store, year, parts, out, number, on or _dt.date.today(), signer, deputy, recipient)
    return _xlsx(store, year, parts, out)


# --- the workbook -----------------------------------------------------------------------------------


def _cell_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == PERCENT:
        return float(value) / 100  # Excel keeps 28.47% as 0.2847
    if kind == TIME:
        moment = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return (moment.astimezone() if moment.tzinfo else moment).replace(tzinfo=None)
    return value


def _xlsx(store: Store, year: int, parts: Sequence[Part], out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    me = upper_level.upper_only(store)
    chosen = criteria.load_chosen(store)
    formats = {PERCENT: "0.00%", TIME: "dd/mm/yyyy hh:mm", INT: "#,##0"}
    thin = Side(style="thin", color="999999")
    # One object a style, given to every cell that has it: openpyxl finds a style it has seen by comparing
    # it field by field, and a new object for each of thousands of cells takes a second of the report.
    title_font, head_font, head_fill = Font(bold=True, size=13), Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    edge, body = Border(top=thin, bottom=thin, left=thin, right=thin), Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    wb.remove(wb.active)
    for part in parts:
        ws = wb.create_sheet(part.sheet)
        ws.append([f"{part.title.upper()}"])
        ws["A1"].font = title_font
        ws.append([f"{me['name']}: Phong trào thi đua {movement(chosen)} năm {year}"])
        ws.append(part.header)
        header_row = 3
        for cell in ws[header_row]:
            cell.font, cell.fill, cell.alignment = head_font, head_fill, head_align
        for row in part.rows:
            ws.append([_cell_value(v, k) for v, k in zip(row, part.kinds)])
        if not part.rows:
            ws.append([part.empty])
        last = ws.max_row
        for r in ws.iter_rows(min_row=header_row, max_row=last, max_col=len(part.header)):
            for cell, kind in zip(r, part.kinds):
                cell.border = edge
                if cell.row > header_row:
                    cell.alignment = body
                    if kind in formats:
                        cell.number_format = formats[kind]
        chars = [round(width * 0.6, 1) for width in part.widths]
        for i, width in enumerate(chars, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for_print(ws, header_row, chars, first_row=header_row + 1, last_row=last)
        ws.row_dimensions[header_row].height = 32
        ws.freeze_panes = f"A{header_row + 1}"
    return save_workbook(wb, out)


# --- the PDF ----------------------------------------------------------------------------------------


def _pdf(
    store: Store,
    year: int,
    parts: Sequence[Part],
    out: Path,
    number: int | None,
    on: _dt.date,
    signer: str | None,
    deputy: bool | None,
    recipient: str | None,
) -> Path:
    from thidua_desktop.documents import pdf

    me = upper_level.upper_only(store)
    chosen = criteria.load_chosen(store)
    name = me["name"]
    committee, unit = _split(name)
    story = pdf.letterhead(
        pdf.Letterhead(
            None, agency_lines(name), pdf.doc_number(number, number_code(name)), pdf.vn_date(on, place_of(name))
        )
    )
    story += pdf.title("Báo cáo", [f"Kết quả thực hiện Phong trào thi đua {movement(chosen)} năm {year}"])
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    for i, part in enumerate(parts):
        story.append(pdf.p(f"{numerals[i]}. {part.title.upper()}", pdf.HEADING))
        if not part.rows:
            story.append(pdf.p(part.empty, pdf.BODY))
            continue
        rows = [[_pdf_value(v, k) for v, k in zip(row, part.kinds)] for row in part.rows]
        styles = [pdf.CELL_RIGHT if k in (INT, PERCENT) else pdf.CELL for k in part.kinds]
        story.append(pdf.grid(part.header, rows, part.widths, styles))
        story.append(pdf.Spacer(1, 4))
    whose = f"Ủy ban nhân dân {unit}" if committee else name
    last = pdf.p(
        f"Trên đây là báo cáo kết quả thực hiện Phong trào thi đua {movement(chosen)} năm {year} của {whose}./.",
        pdf.BODY,
    )
    signer = (signer or settings.SIGNER.get(store) or "").strip() or None
    deputy = deputy if deputy is not None else settings.SIGNER_DEPUTY.get(store)
    chair = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if deputy else ["CHỦ TỊCH"]
    titles = ["TM. ỦY BAN NHÂN DÂN", *chair] if committee else ["THỦ TRƯỞNG CƠ QUAN"]
    recipients = [f"- {recipient};" if recipient else f"- {pdf.DOTS * 2};", "- UBND các xã trên địa bàn;", "- Lưu: VT."]
    story.append(pdf.closing([last], [[pdf.Block(titles, signer)]], recipients=recipients))
    return pdf.write(out, story, f"Báo cáo năm {year} của {name}", store.actor)


def _pdf_value(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == PERCENT:
        return percent(value)
    if kind == TIME:
        return local_time(str(value))
    return str(value)
