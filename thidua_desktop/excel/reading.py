"""Reading what Excel really holds: numbers typed as text, dates as serial numbers, a CCCD that
lost its leading zero, title rows above the header, empty rows at the end, hidden sheets."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thidua_desktop import domain
from thidua_desktop.errors import Refused
from thidua_desktop.excel.columns import NO, YES, guess_columns
from thidua_desktop.files import reason
from thidua_desktop.register import rules
from thidua_desktop.text import clean, fold


class CellError(Refused):
    """A value that cannot be read; the message is Vietnamese and says what to write instead."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def read_int(value: Any, what: str) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise CellError(f"{what} phải là số.")
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return int(value)
        raise CellError(f"{what} phải là số nguyên, không phải {value}.")
    try:
        return rules.parse_money(str(value))
    except ValueError:
        raise CellError(f"{what} phải là số, không phải '{_text(value)}'.") from None


def read_year(value: Any, what: str) -> int | None:
    """A year as a number, text, or a date (serial number or text such as 05/01/2019)."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.year
    if isinstance(value, str) and ("/" in value or "-" in value.strip()[1:]):
        return read_date(value, what).year
    year = read_int(value, what)
    if year is not None and 20000 <= year <= 80000:  # an Excel date serial number
        return (_dt.date(1899, 12, 30) + _dt.timedelta(days=year)).year
    return year


def read_date(value: Any, what: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, (int, float)):
        return _dt.date(1899, 12, 30) + _dt.timedelta(days=int(value))
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return _dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(f"{what} '{text}' không phải ngày; hãy ghi theo dạng 05/01/2019.")


def read_money(value: Any, what: str) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise CellError(f"{what} không được âm.")
        if not float(value).is_integer():
            raise CellError(f"{what} phải là số đồng, không có phần lẻ.")
        return int(value)
    try:
        return rules.parse_money(_text(value))
    except ValueError as exc:
        raise CellError(f"{what}: {exc}") from None


def read_id_number(value: Any) -> str | None:
    """A CCCD (12 digits) or CMND (9). Stored as a number it lost its leading zeros; they come back where
    only one reading is possible: a CCCD starts with its province code 001-096 (one or two zeros), so 10
    or 11 digits are a CCCD; 8 digits can only be a CMND."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("Số CCCD/CMND phải là dãy chữ số.")
        value = int(value)
    text = _text(value).replace(" ", "").replace(".", "")
    if not text.isdigit():
        raise CellError(f"Số CCCD/CMND '{text}' chỉ được gồm chữ số.")
    if isinstance(value, int) and len(text) in (10, 11):
        return text.zfill(12)
    if isinstance(value, int) and len(text) == 8:
        return text.zfill(9)
    if len(text) not in (9, 12):
        raise CellError(
            f"Số CCCD/CMND '{text}' có {len(text)} chữ số; CCCD có 12, CMND có 9. "
            "Hãy định dạng cột là văn bản (Text) để giữ số 0 ở đầu."
        )
    return text


def read_choice(value: Any, table: dict[str, Any], what: str, allowed: Iterable[str]) -> Any:
    text = fold(_text(value))
    if text == "":
        return None
    if text in table:
        return table[text]
    raise CellError(f"{what} '{_text(value)}' không hợp lệ; chỉ nhận: {', '.join(allowed)}.")


def read_judgement(value: Any, what: str) -> bool | None:
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if text == "" or text in ("chua danh gia", "chua ro"):
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"{what} '{_text(value)}' không hợp lệ; ghi Có, Không hoặc để trống (chưa đánh giá).")


def read_deprivations(value: Any, year: int | None) -> list[str] | None:
    text = _text(value)
    if text == "":
        return None
    if fold(text) in ("khong", "khong co", "0"):
        return []
    by_label = {fold(label): key for key, label in domain.indicator_labels().items()}
    keys = []
    for part in text.replace(",", ";").replace("\n", ";").split(";"):
        part = fold(part)
        if not part:
            continue
        key = by_label.get(part) or (part if part in domain.indicator_labels() else None)
        if key is None:
            raise CellError(f"Không biết chỉ số thiếu hụt '{part}'.")
        if key not in keys:
            keys.append(key)
    if year is not None:
        msg = rules.check_deprivations(year, keys)
        if msg:
            raise CellError(msg)
    return keys


# --- reading a sheet ---------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    header_row: int  # 1-based, as Excel numbers rows
    headers: list[str]
    mapping: dict[int, str]  # sheet column index -> column key
    rows: list[tuple[int, list]]  # (Excel row number, values), empty rows left out


def read_sheet(path: Path | str) -> Sheet:
    """The first visible sheet with a recognisable header row (title rows above it are skipped)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = Path(path).name
    _check_size(path, name)
    damaged: tuple[type[BaseException], ...] = (BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError)
    damaged += _xml_errors()
    try:
        fh = open(path, "rb")  # our own handle: closed whatever openpyxl does on a failure
    except OSError as exc:
        raise CellError(f"Không mở được tệp Excel {name}: {reason(exc)}.") from None
    with fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except (InvalidFileException, *damaged):
            raise CellError(
                f"Không mở được tệp Excel {name}: tệp hỏng hoặc không phải .xlsx; hãy lưu lại dạng .xlsx."
            ) from None
        try:
            return _first_sheet(wb, name)
        except damaged:
            # openpyxl reads the sheet's XML as the rows are asked for: a damaged or crafted sheet fails here
            raise CellError(
                f"Tệp Excel {name} bị hỏng (nội dung trang tính không đọc được); hãy mở và lưu lại tệp."
            ) from None
        finally:
            wb.close()


MAX_SHEET_BYTES = 200 * 1024 * 1024  # uncompressed: a 300,000-row list is about 150 MB of XML
MAX_SHEET_RATIO = 150  # a sheet's XML compresses 10-30x; far more is a decompression bomb


def _check_size(path: Path | str, name: str) -> None:
    """Refuse a workbook whose inflated size or ratio is out of bounds, before anything inflates it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise CellError(
            f"Không mở được tệp Excel {name}: tệp hỏng hoặc không phải .xlsx; hãy lưu lại dạng .xlsx."
        ) from None
    total = sum(i.file_size for i in infos)
    if (
        len(infos) > 5000
        or total > MAX_SHEET_BYTES
        or any(i.file_size > MAX_SHEET_RATIO * max(i.compress_size, 1) + 1_000_000 for i in infos)
    ):
        raise CellError(
            f"Tệp Excel {name} khi giải nén lớn bất thường ({total / 1e6:.0f} MB); không phải danh sách hộ. Không nhập."
        )


def _xml_errors() -> tuple[type[BaseException], ...]:
    """The XML parsers' errors (lxml when it is there, expat otherwise): an entity bomb, an external entity."""
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    found: list[type[BaseException]] = [ParseError, ExpatError]
    try:
        from lxml.etree import LxmlError

        found.append(LxmlError)
    except ImportError:
        pass
    return tuple(found)


def _first_sheet(wb, name: str) -> Sheet:
    """The first visible sheet with a header row among its first 15 rows."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = ws.iter_rows(values_only=True)
        head: list[tuple[int, tuple]] = []
        for number, values in enumerate(rows, start=1):
            head.append((number, values))
            mapping = guess_columns(values)
            if len(mapping) >= 3:
                body = [(n, list(v)) for n, v in enumerate(rows, start=number + 1) if any(_text(x) for x in v)]
                return Sheet(ws.title, number, [_text(v) for v in values], mapping, body)
            if number >= 15:
                break
    raise CellError(
        f"Tệp {name}: không tìm thấy dòng tiêu đề có các cột như 'Họ và tên chủ hộ', 'Giới tính', 'Thôn'. "
        "Hãy dùng mẫu của chương trình (lệnh excel-template) hoặc ghép cột trong cửa sổ nhập."
    )
