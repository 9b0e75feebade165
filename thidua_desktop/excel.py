"""Household lists in Excel: the import template, reading real officers' sheets, writing lists out.

One row per household and review year (a household with no record has one row with the year empty).
The same layout goes out (export-households) and comes back (import-excel), so a list makes the round
trip unchanged. Reading copes with what Excel really holds: numbers typed as text, dates as serial
numbers, a CCCD that lost its leading zero, merged or decorated header rows, empty rows at the end,
hidden sheets.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import dataset, domain, rules, xlsx_stream
from .dataset import DatasetRefused
from .text import clean, fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple[str, ...] = ()   # other headers officers use for it, compared folded
    choices: tuple[str, ...] = ()   # the drop-down of the template
    number_format: str | None = None  # đồng get thousands separators; the rest reads right as General


YES_NO = ("Có", "Không")
COLUMNS = (
    Column("code", "Mã hộ", 12, ("ma ho", "ma so ho", "ma ho gia dinh")),
    Column("name", "Họ và tên chủ hộ", 26, ("ho va ten chu ho", "ho ten chu ho", "chu ho", "ho va ten", "ho ten")),
    Column("gender", "Giới tính", 10, ("gioi tinh", "gioi"), ("Nam", "Nữ")),
    Column("birth_year", "Năm sinh", 10, ("nam sinh", "sinh nam")),
    Column("ethnicity", "Dân tộc", 12, ("dan toc",)),
    Column("id_number", "Số CCCD/CMND", 16, ("so cccd/cmnd", "so cccd", "cccd", "so cmnd", "cmnd", "so dinh danh",
                                             "so cccd/cmnd/dinh danh")),
    Column("single", "Đơn thân", 10, ("don than", "nguoi don than"), YES_NO),
    Column("village", "Thôn, bản, tổ dân phố", 20, ("thon", "thon, ban", "thon/ban", "thon ban", "ban", "to dan pho",
                                                    "thon, ban, to dan pho", "dia chi")),
    Column("members", "Số nhân khẩu", 12, ("so nhan khau", "nhan khau", "so khau", "so thanh vien")),
    Column("policy", "Hộ chính sách, người có công", 16, ("ho chinh sach", "ho chinh sach, nguoi co cong", "chinh sach"),
           YES_NO),
    Column("left_in", "Năm rời khỏi xã", 12, ("nam roi khoi xa", "nam roi xa", "nam chuyen di")),
    Column("year", "Năm rà soát", 11, ("nam ra soat", "nam")),
    Column("status", "Phân loại hộ", 16, ("phan loai ho", "phan loai", "ket qua ra soat", "loai ho"),
           tuple(domain.STATUS_LABELS.values())),
    Column("income", "Thu nhập bình quân (đồng/người/tháng)", 20,
           ("thu nhap binh quan (dong/nguoi/thang)", "thu nhap binh quan", "thu nhap", "thu nhap bq"),
           number_format="#,##0"),
    Column("deprivations", "Chỉ số thiếu hụt (cách nhau bởi dấu ;)", 40,
           ("chi so thieu hut (cach nhau boi dau ;)", "chi so thieu hut", "thieu hut")),
    Column("cultural_family", "Gia đình văn hóa", 12, ("gia dinh van hoa", "gdvh"), YES_NO),
    Column("registered_to_exit", "Đăng ký thoát nghèo", 12, ("dang ky thoat ngheo",), YES_NO),
    Column("effort", "Nỗ lực, tăng thu nhập", 12, ("no luc, tang thu nhap", "no luc"), YES_NO),
    Column("initiative", "Sáng kiến, cách làm hay", 12, ("sang kien, cach lam hay", "sang kien"), YES_NO),
    Column("supports_others", "Hỗ trợ hộ nghèo khác", 12, ("ho tro ho ngheo khac", "ho tro ho khac"), YES_NO),
    Column("role_model", "Là điển hình", 12, ("la dien hinh", "dien hinh"), YES_NO),
    Column("note", "Ghi chú", 24, ("ghi chu",)),
    Column("household_id", "Mã định danh (không sửa)", 38, ("ma dinh danh (khong sua)", "ma dinh danh", "uuid")),
)
BY_KEY = {c.key: c for c in COLUMNS}
STATUS_BY_LABEL = {fold(label): key for key, label in domain.STATUS_LABELS.items()} | {
    "ngheo": "poor", "can ngheo": "near_poor", "khong ngheo": "non_poor", "thoat ngheo": "non_poor"}
GENDER_BY_LABEL = {"nam": "male", "nu": "female"}
YES = {"co", "x", "dat", "1", "yes", "true"}
NO = {"khong", "0", "chua dat", "no", "false"}


def guess_columns(headers: Iterable[Any]) -> dict[int, str]:
    """Sheet column index -> our column key, from the header text (diacritics, case, spacing ignored)."""
    known: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            known.setdefault(fold(text), column.key)
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = known.get(fold(str(header))) if header is not None else None
        if key and key not in found.values():
            found[index] = key
    return found


# --- reading values as Excel holds them --------------------------------------------------------------

class CellError(ValueError):
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
        raise CellError(f"Số CCCD/CMND '{text}' có {len(text)} chữ số; CCCD có 12, CMND có 9. "
                        "Hãy định dạng cột là văn bản (Text) để giữ số 0 ở đầu.")
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


# --- writing -----------------------------------------------------------------------------------------

def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Có" if value else "Không")


def household_rows(households: Iterable[dict], village_names: dict[str, str]) -> Iterator[list]:
    """The sheet's rows for households in the dataset's shape, one per review year."""
    labels = domain.indicator_labels()
    for hh in households:
        head = hh["head"]
        base = [hh.get("code"), head["name"], domain.GENDER_LABELS[head["gender"]], head.get("birth_year"),
                head.get("ethnicity"), head.get("id_number"), "Có" if head.get("single") else "Không",
                village_names.get(hh["village_id"], ""), hh["members"],
                "Có" if hh.get("policy_household") else "Không", hh.get("left_in")]
        records = hh["years"] or [None]
        for rec in records:
            if rec is None:
                yield base + [None] * 11 + [hh["id"]]
                continue
            a = rec.get("assessments") or {}
            deps = rec.get("deprivations")
            yield base + [
                rec["year"], domain.STATUS_LABELS[rec["status"]], rec.get("income_per_capita"),
                None if deps is None else ("Không" if not deps else "; ".join(labels[k] for k in deps)),
                _yes_no(rec.get("cultural_family")), _yes_no(rec.get("registered_to_exit")),
                *(_yes_no(a.get(k)) for k in ("effort", "initiative", "supports_others", "role_model")),
                rec.get("note"), hh["id"]]


def write_households(path: Path | str, rows: Iterable[list], total: int | None = None,
                     progress: Callable[[int, str], None] | None = None, instructions: bool = False) -> int:
    """Stream rows into a native .xlsx in the template's layout: memory stays flat at any length."""
    def counted() -> Iterator[list]:
        yield [c.header for c in COLUMNS]
        for count, row in enumerate(rows, start=1):
            yield row
            if progress and total and count % 5000 == 0:
                progress(min(99, count * 100 // total), f"Đã ghi {count:,} / {total:,} dòng".replace(",", "."))

    sheets = [xlsx_stream.SheetSpec(
        "Danh sách hộ", [c.width for c in COLUMNS], counted(), [c.number_format for c in COLUMNS],
        freeze="C2",
        validations=[(i, c.choices, f"Chỉ chọn: {', '.join(c.choices)}") for i, c in enumerate(COLUMNS) if c.choices])]
    if instructions:
        sheets.append(xlsx_stream.SheetSpec("Hướng dẫn", [34, 90], _instructions(), header=False, landscape=False))
    return xlsx_stream.write(path, sheets)[0] - 1


def _instructions() -> list[list]:
    explain = {
        "code": "Mã hộ trong danh sách rà soát của xã (không bắt buộc).",
        "name": "Họ và tên chủ hộ, có dấu. Bắt buộc.",
        "gender": "Nam hoặc Nữ. Bắt buộc.",
        "birth_year": "Năm sinh của chủ hộ, 4 chữ số.",
        "id_number": "Số CCCD 12 chữ số (hoặc CMND 9 chữ số). Cột đã định dạng văn bản để giữ số 0 ở đầu.",
        "village": "Tên thôn, bản, tổ dân phố đúng như trong chương trình. Bắt buộc.",
        "members": "Số nhân khẩu của hộ (1 đến 60). Bắt buộc.",
        "year": "Năm rà soát. Để trống nếu hộ chưa có kết quả rà soát.",
        "status": "Hộ nghèo, Hộ cận nghèo hoặc Không nghèo.",
        "income": "Số đồng mỗi người mỗi tháng, ví dụ 1.500.000. Không ghi '1,5 triệu'.",
        "deprivations": "Tên các chỉ số thiếu hụt, cách nhau bởi dấu ; (Không = không thiếu hụt chỉ số nào).",
        "household_id": "Chương trình tự điền khi xuất danh sách; không sửa, không xóa.",
    }
    rows = [["HƯỚNG DẪN NHẬP DANH SÁCH HỘ"], [],
            ["Mỗi dòng là một hộ trong một năm rà soát. Hộ có nhiều năm thì ghi nhiều dòng, "
             "phần thông tin chủ hộ giống nhau."],
            ["Cột", "Cách ghi"]]
    rows += [[c.header, explain.get(c.key, "Có, Không, hoặc để trống nếu chưa đánh giá." if c.choices == YES_NO else "")]
             for c in COLUMNS]
    rows += [[], ["Ví dụ một dòng:"], [c.header for c in COLUMNS],
             ["H00001", "Nguyễn Văn An", "Nam", 1975, "Tày", "008075001234", "Không", "Thôn Nà Khà", 5, "Không",
              None, 2020, "Hộ cận nghèo", 1200000, "Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh", "Có", "Có",
              "Có", "Không", None, None, None, None]]
    return rows


def export_store(store, path: Path | str, progress: Callable[[int, str], None] | None = None,
                 pks: list[int] | None = None) -> int:
    """Households with their review records (all, or those of a list on screen), streamed: memory stays
    flat at 300,000 rows."""
    names = {v["id"]: v["name"] for v in store.villages(include_deleted=True)}
    total = store.query("SELECT count(*) FROM review_record r JOIN household h ON h.id = r.household_id "
                        "WHERE h.deleted_at IS NULL")[0][0] if pks is None else len(pks) * 6
    return write_households(path, household_rows(store.iter_households(pks), names), total, progress)


TEMPLATE_ROWS = 1000


def write_template(path: Path | str) -> None:
    """The import template. Its CCCD cells are text already, so a typed 008... keeps its leading zeros."""
    blank = [None] * len(COLUMNS)
    cccd = [c.key for c in COLUMNS].index("id_number")
    write_households(path, ([*blank[:cccd], xlsx_stream.TEXT_CELL, *blank[cccd + 1:]] for _ in range(TEMPLATE_ROWS)),
                     instructions=True)




# --- reading a sheet ---------------------------------------------------------------------------------

@dataclass
class Sheet:
    name: str
    header_row: int                 # 1-based, as Excel numbers rows
    headers: list[str]
    mapping: dict[int, str]         # sheet column index -> column key
    rows: list[tuple[int, list]]    # (Excel row number, values), empty rows left out


def read_sheet(path: Path | str) -> Sheet:
    """The first visible sheet with a recognisable header row (title rows above it are skipped)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CellError(f"Không mở được tệp Excel {Path(path).name}: hãy lưu tệp dạng .xlsx ({exc}).") from None
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            rows = ws.iter_rows(values_only=True)
            head: list[tuple[int, tuple]] = []
            for number, values in enumerate(rows, start=1):
                head.append((number, values))
                mapping = guess_columns(values)
                if len(mapping) >= 3:
                    body = [(n, list(v)) for n, v in enumerate(rows, start=number + 1)
                            if any(_text(x) for x in v)]
                    return Sheet(ws.title, number, [_text(v) for v in values], mapping, body)
                if number >= 15:
                    break
        raise CellError("Không tìm thấy dòng tiêu đề có các cột như 'Họ và tên chủ hộ', 'Giới tính', 'Thôn'. "
                        "Hãy dùng mẫu của chương trình (lệnh excel-template) hoặc ghép cột trong cửa sổ nhập.")
    finally:
        wb.close()


# --- importing ---------------------------------------------------------------------------------------

@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}" + (f", cột '{self.column}'" if self.column else "") + f": {self.message}"


class ExcelRefused(DatasetRefused):
    """The sheet was refused whole; nothing was written. Every problem names its row and column."""


@dataclass
class ExcelPlan:
    """What an import would do, checked, before anything is written."""

    data: dict                      # the dataset to store (households merged with what is stored)
    added: int
    updated: int
    records: int
    new_villages: list[str]

    def summary(self) -> str:
        text = (f"Đã nhập {self.added + self.updated} hộ ({self.added} hộ mới, {self.updated} hộ cập nhật), "
                f"{self.records} kết quả rà soát.")
        if self.new_villages:
            text += f" Đã tạo {len(self.new_villages)} thôn mới: {', '.join(self.new_villages)}."
        return text


def _village_key(name: str) -> str:
    folded = fold(name)
    for prefix in ("thon ", "ban ", "to dan pho ", "to ", "khu pho ", "xom "):
        if folded.startswith(prefix):
            return folded[len(prefix):]
    return folded


def plan(store, sheet: Sheet, source: str, create_villages: bool = False) -> ExcelPlan:
    """Read every row, match households to the store, and check the result with the register's rules."""
    from .store import new_id, sort_name

    problems: list[RowProblem] = []
    header_of = {key: sheet.headers[i] for i, key in sheet.mapping.items()}
    missing = [BY_KEY[k].header for k in ("name", "gender", "village", "members") if k not in header_of]
    if missing:
        raise ExcelRefused(source, [RowProblem(sheet.header_row, "", f"thiếu cột {', '.join(missing)}")])
    villages = store.villages()
    village_by_key = {_village_key(v["name"]): v for v in villages}
    new_villages: dict[str, dict] = {}
    stored = store.query("SELECT id, code, head_id_number, sort_name, head_birth_year, village_id FROM household "
                         "WHERE deleted_at IS NULL")
    by_id = {r[0] for r in stored}
    by_code: dict[str, list] = {}
    by_number, by_person = {}, {}
    for hid, code, number, sname, birth, vid in stored:
        if code:
            by_code.setdefault(fold(code), []).append(hid)
        if number:
            by_number[number] = hid
        by_person[(sname, birth, vid)] = hid

    groups: dict[tuple, dict] = {}
    for number, values in sheet.rows:
        cells = {key: values[i] if i < len(values) else None for i, key in sheet.mapping.items()}

        def cell(key, reader, *args):
            try:
                return reader(cells.get(key), *args)
            except CellError as exc:
                problems.append(RowProblem(number, header_of.get(key, BY_KEY[key].header), str(exc)))
                return None

        name = _text(cells.get("name"))
        if not name:
            problems.append(RowProblem(number, header_of["name"], "họ và tên chủ hộ không được để trống"))
            continue
        gender = cell("gender", read_choice, GENDER_BY_LABEL, "Giới tính", ("Nam", "Nữ"))
        if gender is None and not any(p.row == number for p in problems):
            problems.append(RowProblem(number, header_of["gender"], "hãy ghi Nam hoặc Nữ"))
        village_name = _text(cells.get("village"))
        village = village_by_key.get(_village_key(village_name)) if village_name else None
        if village is None and village_name:
            if create_villages:
                key = _village_key(village_name)
                village = new_villages.setdefault(key, {"id": new_id(), "name": village_name,
                                                        "kind": "ban" if fold(village_name).startswith("ban ")
                                                        else "to_dan_pho" if fold(village_name).startswith("to ")
                                                        else "thon", "years": []})
            else:
                problems.append(RowProblem(number, header_of["village"],
                                           f"chưa có thôn '{village_name}' trong chương trình; hãy tạo thôn "
                                           "trước hoặc chọn tạo thôn mới khi nhập"))
        elif village is None:
            problems.append(RowProblem(number, header_of["village"], "hãy ghi tên thôn, bản, tổ dân phố"))
        birth = cell("birth_year", read_year, "Năm sinh")
        members = cell("members", read_int, "Số nhân khẩu")
        id_number = cell("id_number", read_id_number)
        year = cell("year", read_year, "Năm rà soát")
        head = {"name": name, "gender": gender or "male", "birth_year": birth,
                "ethnicity": _text(cells.get("ethnicity")) or None, "id_number": id_number,
                "single": bool(cell("single", read_judgement, "Đơn thân"))}
        household_id = _text(cells.get("household_id")) or None
        code = _text(cells.get("code")) or None
        identity = (("id", household_id) if household_id else ("code", fold(code)) if code
                    else ("cccd", id_number) if id_number else
                    ("person", fold(name), birth, village["id"] if village else village_name))
        group = groups.get(identity)
        if group is None:
            vid = village["id"] if village else None
            match = (household_id if household_id in by_id else
                     (by_code.get(fold(code)) or [None])[0] if code and len(by_code.get(fold(code), [])) == 1 else
                     by_number.get(id_number) if id_number else
                     by_person.get((sort_name(name), birth, vid)))
            group = groups[identity] = {
                "row": number, "match": match,
                "household": {"id": match or household_id or new_id(), "village_id": vid, "code": code,
                              "head": head, "members": members or 0,
                              "policy_household": bool(cell("policy", read_judgement, "Hộ chính sách")),
                              "left_in": cell("left_in", read_year, "Năm rời khỏi xã")},
                "years": {}, "rows": {}}
        if year is not None:
            if year in group["years"]:
                problems.append(RowProblem(number, header_of.get("year", ""),
                                           f"hộ {name} đã có một dòng năm {year} (dòng {group['rows'][year]})"))
                continue
            status = cell("status", read_choice, STATUS_BY_LABEL, "Phân loại hộ", domain.STATUS_LABELS.values())
            if status is None and not any(p.row == number for p in problems):
                problems.append(RowProblem(number, header_of.get("status", BY_KEY["status"].header),
                                           "hãy ghi phân loại hộ của năm rà soát"))
            group["years"][year] = {
                "year": year, "status": status or "non_poor",
                "income_per_capita": cell("income", read_money, "Thu nhập bình quân"),
                "deprivations": cell("deprivations", read_deprivations, year),
                "cultural_family": cell("cultural_family", read_judgement, "Gia đình văn hóa"),
                "registered_to_exit": cell("registered_to_exit", read_judgement, "Đăng ký thoát nghèo"),
                "assessments": {k: cell(k, read_judgement, BY_KEY[k].header)
                                for k in ("effort", "initiative", "supports_others", "role_model")},
                "note": _text(cells.get("note")) or None}
            group["rows"][year] = number
    if not groups and not problems:
        problems.append(RowProblem(sheet.header_row + 1, "", "tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))
    if problems:
        raise ExcelRefused(source, problems)

    households, rows_of = [], []
    added = updated = 0
    for group in groups.values():
        hh = group["household"]
        if group["match"]:
            stored_hh = store.household(group["match"], with_evidence=False)
            stored_hh.pop("deleted", None)
            years = {r["year"]: r for r in stored_hh["years"]}
            years.update(group["years"])
            stored_hh.update({k: v for k, v in hh.items() if k != "id"})
            stored_hh["code"] = hh["code"] or stored_hh["code"]
            stored_hh["years"] = [years[y] for y in sorted(years)]
            group["final_years"] = sorted(years)
            households.append(stored_hh)
            updated += 1
        else:
            hh["years"] = [group["years"][y] for y in sorted(group["years"])]
            group["final_years"] = sorted(group["years"])
            hh["loans"] = []
            households.append(hh)
            added += 1
        rows_of.append(group)
    data = {"format": "thidua-dataset", "version": 1, "commune": store.commune(),
            "villages": villages + list(new_villages.values()), "households": households, "meetings": [],
            "nominations": []}
    checked = dataset.check(data, store)
    if checked:
        raise ExcelRefused(source, [_row_problem(p, rows_of) for p in checked])
    return ExcelPlan(data, added, updated, sum(len(g["years"]) for g in groups.values()),
                     [v["name"] for v in new_villages.values()])


# Where a field of the dataset stands in the sheet, to name the column of a problem found there.
FIELD_COLUMNS = {"code": "code", "head.name": "name", "head.gender": "gender", "head.birth_year": "birth_year",
                 "head.ethnicity": "ethnicity", "head.id_number": "id_number", "village_id": "village",
                 "members": "members", "left_in": "left_in", "year": "year", "status": "status",
                 "income_per_capita": "income", "deprivations": "deprivations", "note": "note"}


def _row_problem(problem, rows_of: list[dict]) -> RowProblem:
    """A dataset problem ('households[3] (Tên).years[1].status') told as the sheet's row and column."""
    import re
    match = re.match(r"households\[(\d+)\][^.]*\.?(years\[(\d+)\]\.?)?(.*)", problem.path)
    if not match:
        return RowProblem(0, "", f"{problem.path}: {problem.message}")
    group = rows_of[int(match.group(1))]
    row = group["row"]
    if match.group(3) is not None:
        years = group["final_years"]
        index = int(match.group(3))
        if index < len(years):
            row = group["rows"].get(years[index], row)
    key = FIELD_COLUMNS.get(match.group(4))
    return RowProblem(row, BY_KEY[key].header if key else "", problem.message)


def apply(store, checked: ExcelPlan, source: str, progress=None) -> None:
    """Store a checked plan in one transaction (after a backup of what is there).

    import_data checks the data once more: in the window the file may have changed between the
    preview and the import, and a stale plan must be refused, not written.
    """
    say = progress or (lambda pct, text: None)
    dataset.import_data(store, checked.data, source, progress=lambda pct, text: say(40 + pct * 6 // 10, text))


def import_file(store, path: Path | str, create_villages: bool = False, progress=None) -> ExcelPlan:
    """Check the whole sheet, then store it in one transaction, or refuse it whole."""
    say = progress or (lambda pct, text: None)
    say(5, "Đang đọc tệp Excel...")
    sheet = read_sheet(path)
    say(30, "Đang kiểm tra từng dòng...")
    result = plan(store, sheet, Path(path).name, create_villages)
    apply(store, result, str(path), progress)
    return result
