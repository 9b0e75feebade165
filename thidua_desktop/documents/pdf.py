"""Printed documents as PDF (reportlab), in the layout of Nghị định 30/2020/NĐ-CP.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif (Times New
Roman's metrics, every Vietnamese letter) embedded; body 13 pt justified; page numbers centred in the
top margin from each document's second page on. The issuing agency in bold capitals with a line of
RULE_SHARE of its text under it, the nation and motto with a line as long as the motto, a line under
the trích yếu; signature blocks ("TM.", "KT.", the title, the name) kept on one page with the last
paragraph. One file may hold several documents (the achievement reports, the minutes): each starts on a
new page and numbers its own pages.
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
DOTS = "…………"
NBSP = "\u00a0"
RULE_SHARE = 0.4  # the lines under an agency's name and a trích yếu: one third to one half of the text (NĐ 30)


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
LEGEND = _style("legend", 11, TA_JUSTIFY, italic=True, space_after=4, leading=13.5)


def p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: a name with '<' or '&' prints as typed)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def lead(prefix: str, text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph opening with a bold word: 'Điều 1. Tặng ...'."""
    return Paragraph(f"<b>{escape(prefix)}</b> {escape(text)}", style)


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


class Rule(Flowable):
    """A centred rule: of a fixed width, or RULE_SHARE of the widest line of the given paragraphs as they
    wrap in the space given (the agency's name, a trích yếu)."""

    def __init__(self, width: float = 0.0, under: Sequence[Paragraph] = (), share: float = RULE_SHARE):
        super().__init__()
        self.fixed, self.under, self.share = width, list(under), share
        self.line_width, self.width, self.height = width, 0.0, 6.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        if self.under:
            widest = 0.0
            for para in self.under:
                para.wrap(avail_width, 10_000)
                widest = max(widest, *para.getActualLineWidths0())
            self.line_width = min(avail_width, widest) * self.share
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
    parent: str | None  # the agency above the issuer, in regular capitals: "UBND XÃ HỒNG THÁI" over a village
    agency: Sequence[str]  # the issuer's lines in bold capitals: ("ỦY BAN NHÂN DÂN", "XÃ HỒNG THÁI")
    number: str | None  # "Số: 05/TTr-UBND"
    place_date: str


LEFT_WIDTH = 70 * mm


def letterhead(head: Letterhead) -> list[Flowable]:
    """The issuing agency top left, bold, with a short line under it (RULE_SHARE of its text); the
    nation and motto top right with a line as long as the motto; then the number and the place and date."""
    left: list[Flowable] = []
    if head.parent:
        left.append(p(head.parent.upper(), HEAD_LEFT))
    names = [p(line.upper(), HEAD_LEFT_BOLD) for line in head.agency]
    left += names
    left.append(Rule(under=names))
    motto_w = pdfmetrics.stringWidth(MOTTO, FONT + "-Bold", MOTTO_STYLE.fontSize)
    right = [p(NATION, NATION_STYLE), p(MOTTO, MOTTO_STYLE), Rule(motto_w)]
    rows: list[list[Any]] = [[left, right]]
    rows.append([p(head.number, CENTER) if head.number is not None else "", p(head.place_date, PLACE_DATE)])
    table = Table(rows, colWidths=[LEFT_WIDTH, TEXT_WIDTH - LEFT_WIDTH])
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
        Rule(motto_w),
        Spacer(1, 4 * mm),
        p(place_date, _style("pd-right", 13, TA_RIGHT, italic=True)),
        Spacer(1, 4 * mm),
    ]


def attachment_start() -> list[Flowable]:
    """Where an attached list (a phụ lục) begins inside its document's file: a page of its own, and its
    own page numbers."""
    return [PageBreak(), _DocumentStart()]


def title(
    kind: str, subject: Iterable[str] = (), authority: str | None = None, note: str | None = None
) -> list[Flowable]:
    """The kind of paper, its trích yếu with a line under it (an attached list's "Kèm theo ..." note
    above the line), and for a decision the authority that decides ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ...")."""
    out: list[Flowable] = [p(kind.upper(), TITLE)]
    lines = [p(line, SUBJECT) for line in subject]
    out += lines
    if note:
        out.append(p(note, CENTER_ITALIC))
    out.append(Rule(under=lines or out[:1]))
    if authority:
        out += [Spacer(1, 3 * mm), p(authority.upper(), TITLE)]
    return out + [Spacer(1, 4 * mm)]


@dataclass
class Block:
    """One signature block: its titles in bold capitals ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH"), a note in italics, room to sign, and the name (None: written by hand)."""

    titles: Sequence[str]
    name: str | None = None
    note: str | None = None


def _row_table(
    blocks: Sequence[Block], widths: list[float], name_space: float, left: list[Flowable] | None, gap: float
) -> Table:
    """One row of signature blocks: titles on top, room to sign, then the names on one line."""
    heads: list[Any] = [
        [p(t, SIGN_TITLE) for t in b.titles] + ([p(b.note, SIGN_NOTE)] if b.note else []) for b in blocks
    ]
    names: list[Any] = [p(b.name or "", SIGN_TITLE) for b in blocks]
    if left is not None:
        heads, names = [left, *heads], ["", *names]
    table = Table([heads, names], colWidths=widths)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 11),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), name_space),
        ("BOTTOMPADDING", (0, 1), (-1, 1), gap),
    ]
    if left is not None:
        style.append(("SPAN", (0, 0), (0, 1)))
    table.setStyle(TableStyle(style))
    return table


def closing(
    last: Sequence[Flowable],
    rows: Sequence[Sequence[Block]],
    recipients: Sequence[str] | None = None,
    name_space: float = 22 * mm,
) -> Flowable:
    """The end of a paper: its last paragraph(s) kept on one page with the signature blocks, so a
    signature never stands alone on a page. A lone block sits in the right half (with 'Nơi nhận' in the
    left half when given); several blocks of a row share it equally, their names on one line."""
    tables: list[Flowable] = []
    for i, row in enumerate(rows):
        gap = 8 * mm if i < len(rows) - 1 else 0
        if len(row) == 1 or (i == 0 and recipients is not None):
            left: list[Flowable] = []
            if i == 0 and recipients is not None:
                left = [p("Nơi nhận:", RECIPIENTS_HEAD)] + [p(r, RECIPIENTS) for r in recipients]
            widths = [TEXT_WIDTH * 0.45] + [TEXT_WIDTH * 0.55 / len(row)] * len(row)
            tables.append(_row_table(row, widths, name_space, left, gap))
        else:
            tables.append(_row_table(row, [TEXT_WIDTH / len(row)] * len(row), name_space, None, gap))
    return KeepTogether([*last, Spacer(1, 4 * mm), *tables])


_GRID_STYLE = [
    ("FONT", (0, 0), (-1, -1), FONT, 11),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
]
_HEAD_STYLE = [("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93))]


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence],
    widths_mm: Sequence[float],
    styles: Sequence[ParagraphStyle] | None = None,
    extra: Sequence[tuple] = (),
) -> Table:
    """A bordered table whose header repeats on every page and whose cells wrap. `extra` style commands
    count rows with the header as row 0."""
    return grid_with_tail(header, rows, widths_mm, styles, extra, tail=0)[0]


def grid_with_tail(
    header: Sequence[str],
    rows: Sequence[Sequence],
    widths_mm: Sequence[float],
    styles: Sequence[ParagraphStyle] | None = None,
    extra: Sequence[tuple] = (),
    tail: int = 1,
) -> tuple[Table, Table | None]:
    """A grid as two tables that print as one: the last `tail` rows apart, so that `closing` can keep
    them on the page of the signatures (a table never ends a page with the signatures on the next)."""
    scale = TEXT_WIDTH / (sum(widths_mm) * mm)
    widths = [w * mm * scale for w in widths_mm]
    styles = styles or [CELL] * len(header)
    cells = [
        [v if isinstance(v, Flowable) else p("" if v is None else str(v), s) for v, s in zip(row, styles)]
        for row in rows
    ]
    tail = min(tail, max(len(cells) - 1, 0))
    head_rows, tail_rows = cells[: len(cells) - tail], cells[len(cells) - tail :]
    table = Table([[p(h, CELL_HEAD) for h in header], *head_rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([*_GRID_STYLE, *_HEAD_STYLE, *extra]))
    if not tail_rows:
        return table, None
    shifted = [
        (cmd, (c0, r0 - 1 if r0 > 0 else r0), (c1, r1 - 1 if r1 > 0 else r1), *rest)
        for cmd, (c0, r0), (c1, r1), *rest in extra
        if r0 >= 1 or r0 < 0
    ]
    end = Table(tail_rows, colWidths=widths)
    end.setStyle(TableStyle([*_GRID_STYLE, *shifted]))
    return table, end


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


def words_width(text: str, style: ParagraphStyle) -> float:
    return pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
