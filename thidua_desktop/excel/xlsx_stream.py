"""A lean streaming writer of .xlsx workbooks (Office Open XML SpreadsheetML), for long lists.

openpyxl spends about 250 µs a row on a 23-column list, so 300,000 rows take over a minute; writing the
same XML straight into the zip takes a fraction of that, and memory stays flat whatever the length.
It writes only what the household lists need: text and numbers, a bold header (wrapped, or turned
upright over a narrow column) on a row tall enough for it, a few number formats (for a whole column too,
so a CCCD typed on any row stays text), wrapped cells on rows given their lines, column widths, a frozen
pane, an autofilter, drop-down lists (from a list, or from a range of a hidden sheet), and A4 print
setup: one page wide, the header repeated, a print area, page numbers in the footer. The result is read
back by openpyxl and LibreOffice in the tests.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from thidua_desktop.files import atomic_write

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# cellXfs of styles.xml (data cells at the top of their row): 0 plain, 1 header (bold, filled, wrapped), 2 "#,##0", 3 text "@", 4 header turned
# upright, 5 plain wrapped at the top, 6 text wrapped, 7 a title (bold, 13 pt), 8 bold
(
    STYLE_PLAIN,
    STYLE_HEADER,
    STYLE_THOUSANDS,
    STYLE_TEXT,
    STYLE_HEADER_UPRIGHT,
    STYLE_WRAP,
    STYLE_TEXT_WRAP,
    STYLE_TITLE,
    STYLE_BOLD,
) = range(9)
FORMAT_STYLES = {None: STYLE_PLAIN, "#,##0": STYLE_THOUSANDS, "@": STYLE_TEXT}
WRAPPED_STYLES = {STYLE_PLAIN: STYLE_WRAP, STYLE_TEXT: STYLE_TEXT_WRAP, STYLE_THOUSANDS: STYLE_THOUSANDS}
LINE_HEIGHT = 15.0  # points, one line of 11 pt text
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Text for XML content and attributes (xml.sax.saxutils would pull in urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class TextCell:
    """An empty cell formatted as text, so what an officer types there (a CCCD) keeps its zeros."""


TEXT_CELL = TextCell()


@dataclass
class Validation:
    """A drop-down on a column: its choices, or a range holding them (another sheet's, e.g.
    "'Danh mục'!$A$2:$A$7"); strict refuses anything else, otherwise Excel warns and lets it be."""

    column: int
    choices: tuple[str, ...] = ()
    source: str | None = None
    error: str = ""
    strict: bool = True


class Title:
    """A cell written in the title style (a sheet of instructions)."""

    def __init__(self, text: str, bold_only: bool = False):
        self.text, self.style = text, STYLE_BOLD if bold_only else STYLE_TITLE


@dataclass
class SheetSpec:
    name: str
    widths: list[float]
    rows: Iterable[list]  # the first row is the header when header=True
    formats: list[str | None] = field(default_factory=list)  # per column, for data rows
    header: bool = True
    freeze: str | None = None  # e.g. "C2"
    validations: list[Validation] = field(default_factory=list)
    landscape: bool = True
    header_height: float | None = None  # points; None: as many lines as the widest wrapped header needs
    upright: frozenset[int] = frozenset()  # columns whose header reads bottom to top (narrow ones)
    wrap: frozenset[int] = frozenset()  # columns whose cells wrap; their rows get the lines they need
    column_formats: dict[int, str] = field(default_factory=dict)  # a format for the whole column ("@")
    print_columns: int | None = None  # print only the first N columns (leave out technical ones)
    hidden: bool = False
    footer: str | None = "Trang &P/&N"
    pages_tall: int = 0  # 0: as many pages as the rows need; 1: the whole sheet on one page


@cache
def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, TextCell):
        return f'<c r="{ref}" s="{STYLE_TEXT}"/>'
    if isinstance(value, Title):
        value, s = value.text, f' s="{value.style}"'
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value))).replace("\r", "&#13;")  # a bare CR would read back as LF
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def header_lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (a generous estimate:
    Vietnamese diacritics make letters no narrower)."""
    per_line = max(int(width * 1.2) - 1, 1)
    lines, current = 1, 0
    for word in str(text).split():
        if current and current + 1 + len(word) > per_line:
            lines, current = lines + 1, len(word)
        else:
            current += (1 if current else 0) + len(word)
        while current > per_line:
            lines, current = lines + 1, current - per_line
    return lines


def _header_height(spec: SheetSpec, header: list) -> float:
    if spec.header_height is not None:
        return spec.header_height
    lines = [header_lines(h, w) for i, (h, w) in enumerate(zip(header, spec.widths)) if i not in spec.upright]
    upright = [
        # turned upright, a header wraps into as many lines as the column is wide
        len(str(h)) * 6.2 / max(int(w / 2.6), 1) + 8
        for i, (h, w) in enumerate(zip(header, spec.widths))
        if i in spec.upright
    ]
    return max([LINE_HEIGHT * max(lines or [1]) + 4, *upright])


def _sheet_rows(spec: SheetSpec, counter: list[int]) -> Iterator[str]:
    styles = [FORMAT_STYLES[f] for f in spec.formats]
    wrap = sorted(spec.wrap)
    for number, row in enumerate(spec.rows, start=1):
        counter[0] = number
        header = spec.header and number == 1
        cells = "".join(
            _cell(
                f"{column_letter(i)}{number}",
                value,
                (STYLE_HEADER_UPRIGHT if i in spec.upright else STYLE_HEADER)
                if header
                else _data_style(styles[i] if i < len(styles) else STYLE_PLAIN, i in spec.wrap),
            )
            for i, value in enumerate(row)
        )
        height = ""
        if header:
            height = f' ht="{_header_height(spec, row):.1f}" customHeight="1"'
        elif wrap:
            lines = max(
                (header_lines(row[i], spec.widths[i]) for i in wrap if i < len(row) and isinstance(row[i], str)),
                default=1,
            )
            if lines > 1:
                height = f' ht="{LINE_HEIGHT * lines:.1f}" customHeight="1"'
        yield f'<row r="{number}"{height}>{cells}</row>'


def _data_style(style: int, wrapped: bool) -> int:
    return WRAPPED_STYLES.get(style, style) if wrapped else style


def _sheet_xml(spec: SheetSpec, out, counter: list[int]) -> None:
    letters = [column_letter(i) for i in range(max(len(spec.widths), 1))]
    out.write(
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'.encode()
    )
    view = '<sheetView workbookViewId="0"'
    if spec.freeze:
        found = re.fullmatch(r"([A-Z]+)(\d+)", spec.freeze)
        assert found is not None, f"not a cell reference: {spec.freeze}"
        col, row = found.groups()
        x_split = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col))) - 1
        y_split = int(row) - 1
        view += (
            f'><pane xSplit="{x_split}" ySplit="{y_split}" topLeftCell="{spec.freeze}" activePane="bottomRight" '
            f'state="frozen"/><selection pane="bottomRight" activeCell="{spec.freeze}" sqref="{spec.freeze}"/>'
            "</sheetView>"
        )
    else:
        view += "/>"
    column_styles = {i: FORMAT_STYLES[f] for i, f in spec.column_formats.items()}
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"'
        + (f' style="{column_styles[i]}"' if i in column_styles else "")
        + "/>"
        for i, w in enumerate(spec.widths)
    )
    out.write(
        f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'.encode()
    )
    batch = []
    for row_xml in _sheet_rows(spec, counter):
        batch.append(row_xml)
        if len(batch) >= 2000:
            out.write("".join(batch).encode())
            batch.clear()
    out.write(("".join(batch) + "</sheetData>").encode())
    last_row = max(counter[0], 1)
    if spec.header:
        out.write(f'<autoFilter ref="A1:{letters[-1]}{last_row}"/>'.encode())
    if spec.validations:
        parts = []
        for v in spec.validations:
            letter = letters[v.column]
            formula = escape(v.source if v.source else '"' + ",".join(v.choices) + '"')
            style = "" if v.strict else ' errorStyle="warning"'
            parts.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1"{style} '
                f'errorTitle="Giá trị không hợp lệ" error="{escape(v.error)}" '
                f'sqref="{letter}2:{letter}1048576"><formula1>{formula}</formula1></dataValidation>'
            )
        out.write(f'<dataValidations count="{len(parts)}">{"".join(parts)}</dataValidations>'.encode())
    orientation = "landscape" if spec.landscape else "portrait"
    footer = f"<headerFooter><oddFooter>&amp;C{escape(spec.footer)}</oddFooter></headerFooter>" if spec.footer else ""
    out.write(
        '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="{spec.pages_tall}"/>'
        f"{footer}</worksheet>".encode()
    )


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color rgb="FF999999"/></left><right style="thin"><color rgb="FF999999"/></right><top style="thin"><color rgb="FF999999"/></top><bottom style="thin"><color rgb="FF999999"/></bottom><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1"><alignment vertical="top"/></xf></cellStyleXfs><cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" textRotation="90" wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def write(path: Path | str, sheets: list[SheetSpec]) -> list[int]:
    """Write the workbook beside `path`, then rename: a crash never leaves half a file. Returns row counts."""
    counts: list[int] = []
    atomic_write(path, lambda tmp: _write_workbook(tmp, sheets, counts))
    return counts


def _write_workbook(tmp: Path, sheets: list[SheetSpec], counts: list[int]) -> None:
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for i, spec in enumerate(sheets, start=1):
            counter = [0]
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                _sheet_xml(spec, out, counter)
            counts.append(counter[0])
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL}">{rels}<Relationship Id="rId{len(sheets) + 1}" '
            f'Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        )
        sheet_tags = "".join(
            f'<sheet name="{escape(s.name)}" sheetId="{i}"'
            + (' state="hidden"' if s.hidden else "")
            + f' r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        names = []
        for i, (spec, count) in enumerate(zip(sheets, counts)):
            quoted = "'" + spec.name.replace("'", "''") + "'"
            if spec.header:
                last = column_letter(len(spec.widths) - 1)
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{escape(quoted)}!$A$1:${last}${max(count, 1)}</definedName>"
                )
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{escape(quoted)}!$1:$1</definedName>'
                )
            if spec.print_columns:
                last = column_letter(spec.print_columns - 1)
                names.append(
                    f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
                    f"{escape(quoted)}!$A$1:${last}${max(count, 1)}</definedName>"
                )
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
            f'xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheet_tags}</sheets>{defined}</workbook>",
        )
        zf.writestr("xl/styles.xml", STYLES)


def for_print(
    sheet, header_row: int, widths: Sequence[float] = (), first_row: int | None = None, last_row: int | None = None
) -> None:
    """An openpyxl sheet that prints: A4 landscape one page wide with its header row repeated and page
    numbers. With `first_row`, the rows from there get the height their wrapped text needs in columns of
    `widths` characters (spreadsheet programs do not grow a row for text a library wrote)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    if first_row is not None:
        for r in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=len(widths)):
            lines = max(-(-len(str(c.value or "")) // max(int(w * 1.1), 1)) for c, w in zip(r, widths))
            sheet.row_dimensions[r[0].row].height = 15 * max(1, lines)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = "Trang &P/&N"


def save_workbook(workbook, path: Path | str) -> Path:
    """An openpyxl workbook written as every file is (atomic_write), with no formula in it: openpyxl
    stores a string that begins with '=' as one, and a commune's name from a package could be
    '=HYPERLINK(...)'. (This module's own writer stores every string as an inline string already.)"""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return atomic_write(path, workbook.save)
