"""Printed documents as PDF (reportlab), in the layout of Nghị định 30/2020/NĐ-CP.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif (Times New
Roman's metrics, every Vietnamese letter) embedded; body 13 pt justified; page numbers centred in the
top margin from each document's second page on. One file may hold several documents (the achievement
reports, the minutes): each starts on a new page and numbers its own pages.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from thidua_desktop import paths
from thidua_desktop.files import atomic_write

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FONT = "LiberationSerif"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOVEMENT = "“Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau”"
DOTS = "…………"
NBSP = "\u00a0"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    faces = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}
    for suffix, face in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(paths.resource("fonts", f"LiberationSerif-{face}.ttf"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Italic", boldItalic=FONT + "-BoldItalic"
    )


def _style(
    name: str,
    size: float = 13,
    align: int = TA_JUSTIFY,
    bold: bool = False,
    italic: bool = False,
    space_after: float = 6,
    indent: float = 0,
    leading: float | None = None,
) -> ParagraphStyle:
    font = FONT + ("-Bold" if bold else "") + ("Italic" if italic and bold else "-Italic" if italic else "")
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.25,
        alignment=align,
        spaceAfter=space_after,
        firstLineIndent=indent,
    )


_register_fonts()
BODY = _style("body", indent=10 * mm)
BODY_FLUSH = _style("body-flush")
ITEM = _style("item", 12, space_after=2, leading=14.5, indent=10 * mm)
TITLE = _style("title", 14, TA_CENTER, bold=True, space_after=0)
SUBJECT = _style("subject", 13, TA_CENTER, bold=True, space_after=6)
CENTER = _style("center", 13, TA_CENTER, space_after=6)
CENTER_ITALIC = _style("center-italic", 13, TA_CENTER, italic=True, space_after=6)
HEADING = _style("heading", 13, TA_LEFT, bold=True, space_after=4)
CELL = _style("cell", 11, TA_LEFT, space_after=0)
CELL_CENTER = _style("cell-center", 11, TA_CENTER, space_after=0)
CELL_RIGHT = _style("cell-right", 11, TA_RIGHT, space_after=0)
CELL_HEAD = _style("cell-head", 11, TA_CENTER, bold=True, space_after=0)
HEAD_LEFT = _style("head-left", 13, TA_CENTER, space_after=0, leading=15)
HEAD_LEFT_BOLD = _style("head-left-bold", 13, TA_CENTER, bold=True, space_after=0, leading=15)
NATION_STYLE = _style("nation", 12.5, TA_CENTER, bold=True, space_after=0, leading=15)
MOTTO_STYLE = _style("motto", 13.5, TA_CENTER, bold=True, space_after=0, leading=16)
PLACE_DATE = _style("place-date", 13, TA_CENTER, italic=True, space_after=0)
SIGN_TITLE = _style("sign-title", 13, TA_CENTER, bold=True, space_after=0, leading=16)
SIGN_NOTE = _style("sign-note", 12, TA_CENTER, italic=True, space_after=0)
RECIPIENTS_HEAD = _style("recipients-head", 12, TA_LEFT, bold=True, italic=True, space_after=0)
RECIPIENTS = _style("recipients", 11, TA_LEFT, space_after=0, leading=13)


def p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: a name with '<' or '&' prints as typed)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def vn_date(day: _dt.date | None, place: str) -> str:
    """'Hồng Thái, ngày 05 tháng 01 năm 2020': days below 10 and months 1-2 with a leading zero (NĐ 30)."""
    if day is None:
        return f"{place}, ngày {DOTS[:6]} tháng {DOTS[:6]} năm {DOTS[:8]}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def doc_number(number: int | None, code: str) -> str:
    """'Số: 05/TTr-UBND'; without a number, a space to write it by hand."""
    return f"Số: {number:02d}/{code}" if number else f"Số:{NBSP * 10}/{code}"


def place_name(unit_name: str) -> str:
    """'Xã Hồng Thái' -> 'Hồng Thái', as the place before a document's date."""
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


class _Line(Flowable):
    """A centred rule drawn under the agency name and the motto."""

    def __init__(self, width: float):
        super().__init__()
        self.line_width = width
        self.width, self.height = 0.0, 6.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        x = (self.width - self.line_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, 2, x + self.line_width, 2)


class _DocumentStart(Flowable):
    """Marks where a document begins in a file of several, so each numbers its own pages."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._thidua_first_page = self.canv.getPageNumber()


def _number_page(canvas, doc) -> None:
    first = getattr(canvas, "_thidua_first_page", 1)
    page = canvas.getPageNumber()
    if page > first:
        canvas.saveState()
        canvas.setFont(FONT, 13)
        canvas.drawCentredString(MARGIN_LEFT + TEXT_WIDTH / 2, PAGE_HEIGHT - MARGIN_TOP / 2 - 4, str(page - first + 1))
        canvas.restoreState()


@dataclass
class Letterhead:
    parent: str | None  # the agency above the issuer, e.g. "UBND XÃ HỒNG THÁI" over a village
    agency: str  # the issuer, e.g. "ỦY BAN NHÂN DÂN XÃ HỒNG THÁI" is written in two lines
    number: str | None  # "Số: 05/TTr-UBND"
    place_date: str


def letterhead(head: Letterhead) -> list[Flowable]:
    """Agency top left with a short line under it; the nation and motto top right with a full line."""
    left_w, right_w = 62 * mm, TEXT_WIDTH - 62 * mm
    left: list[Flowable] = []
    if head.parent:
        left.append(p(head.parent.upper(), HEAD_LEFT))
    left.append(p(head.agency.upper(), HEAD_LEFT_BOLD))
    left.append(_Line(22 * mm))
    motto_w = pdfmetrics.stringWidth(MOTTO, FONT + "-Bold", MOTTO_STYLE.fontSize)
    right = [p(NATION, NATION_STYLE), p(MOTTO, MOTTO_STYLE), _Line(motto_w)]
    rows: list[list[Any]] = [[left, right]]
    if head.number is not None:
        rows.append([p(head.number, CENTER), p(head.place_date, PLACE_DATE)])
    else:
        rows.append(["", p(head.place_date, PLACE_DATE)])
    table = Table(rows, colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 11),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return [_DocumentStart(), table, Spacer(1, 8 * mm)]


def nation_only(place_date: str) -> list[Flowable]:
    """The heading of a report written by a nominee: nation and motto centred, then place and date."""
    motto_w = pdfmetrics.stringWidth(MOTTO, FONT + "-Bold", MOTTO_STYLE.fontSize)
    return [
        _DocumentStart(),
        p(NATION, NATION_STYLE),
        p(MOTTO, MOTTO_STYLE),
        _Line(motto_w),
        Spacer(1, 4 * mm),
        p(place_date, _style("pd-right", 13, TA_RIGHT, italic=True)),
        Spacer(1, 4 * mm),
    ]


def title(kind: str, subject: Iterable[str] = ()) -> list[Flowable]:
    out: list[Flowable] = [p(kind.upper(), TITLE)]
    out += [p(line, SUBJECT) for line in subject]
    return out + [Spacer(1, 3 * mm)]


def signatures(
    blocks: Sequence[Sequence[str]], recipients: Sequence[str] | None = None, name_space: float = 20 * mm
) -> Flowable:
    """Signature blocks side by side (titles in bold, then space to sign, then the name), with
    'Nơi nhận' in the left column when given."""
    cells = []
    for lines in blocks:
        *titles, name = lines
        cell: list[Flowable] = [p(t, SIGN_TITLE) for t in titles]
        cell.append(Spacer(1, name_space))
        cell.append(p(name or "", SIGN_TITLE))
        cells.append(cell)
    if recipients is not None:
        left: list[Flowable] = [p("Nơi nhận:", RECIPIENTS_HEAD)] + [p(r, RECIPIENTS) for r in recipients]
        cells.insert(0, left)
    width = TEXT_WIDTH / len(cells)
    table = Table([cells], colWidths=[width] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 11),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 4 * mm), table])


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence],
    widths_mm: Sequence[float],
    styles: Sequence[ParagraphStyle] | None = None,
    extra: Sequence[tuple] = (),
) -> Table:
    """A bordered table whose header repeats on every page and whose cells wrap."""
    scale = TEXT_WIDTH / (sum(widths_mm) * mm)
    widths = [w * mm * scale for w in widths_mm]
    styles = styles or [CELL] * len(header)
    body = [[p(h, CELL_HEAD) for h in header]]
    for row in rows:
        body.append([v if isinstance(v, Flowable) else p("" if v is None else str(v), s) for v, s in zip(row, styles)])
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 11),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return table


def write(path: Path | str, story: list[Flowable], doc_title: str, author: str = "") -> Path:
    """Lay out and write a PDF beside the target, then rename: a crash never leaves half a file."""
    return atomic_write(path, lambda tmp: _build(tmp, story, doc_title, author))


def _build(tmp: Path, story: list[Flowable], doc_title: str, author: str) -> None:
    doc = BaseDocTemplate(
        str(tmp),
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=doc_title,
        author=author,
        creator="ThiDua Desktop",
        lang="vi",
        initialFontName=FONT,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        TEXT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_number_page)])
    doc.build(story)


def new_document() -> PageBreak:
    """Between two documents of one file."""
    return PageBreak()
