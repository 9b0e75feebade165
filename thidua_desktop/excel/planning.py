"""Importing a household sheet: every row read and matched to the register, the result checked by
the register's rules, then stored all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from thidua_desktop import domain
from thidua_desktop.excel.columns import BY_KEY, GENDER_BY_LABEL, STATUS_BY_LABEL
from thidua_desktop.excel.reading import (
    CellError,
    Sheet,
    _text,
    read_choice,
    read_deprivations,
    read_id_number,
    read_int,
    read_judgement,
    read_money,
    read_sheet,
    read_year,
)
from thidua_desktop.register import dataset
from thidua_desktop.register.dataset import DatasetRefused
from thidua_desktop.store import new_id, sort_name
from thidua_desktop.text import fold


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

    data: dict  # the dataset to store (households merged with what is stored)
    added: int
    updated: int
    records: int
    new_villages: list[str]

    def summary(self) -> str:
        text = (
            f"Đã nhập {self.added + self.updated} hộ ({self.added} hộ mới, {self.updated} hộ cập nhật), "
            f"{self.records} kết quả rà soát."
        )
        if self.new_villages:
            text += f" Đã tạo {len(self.new_villages)} thôn mới: {', '.join(self.new_villages)}."
        return text


def _village_key(name: str) -> str:
    folded = fold(name)
    for prefix in ("thon ", "ban ", "to dan pho ", "to ", "khu pho ", "xom "):
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def plan(store, sheet: Sheet, source: str, create_villages: bool = False) -> ExcelPlan:
    """Read every row, match households to the store, and check the result with the register's rules."""
    problems: list[RowProblem] = []
    header_of = {key: sheet.headers[i] for i, key in sheet.mapping.items()}
    missing = [BY_KEY[k].header for k in ("name", "gender", "village", "members") if k not in header_of]
    if missing:
        raise ExcelRefused(source, [RowProblem(sheet.header_row, "", f"thiếu cột {', '.join(missing)}")])
    villages = store.register.villages()
    village_by_key = {_village_key(v["name"]): v for v in villages}
    new_villages: dict[str, dict] = {}
    stored = store.register.matching_keys()
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

        def cell(key, reader, *args, cells=cells, number=number):
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
                village = new_villages.setdefault(
                    key,
                    {
                        "id": new_id(),
                        "name": village_name,
                        "kind": "ban"
                        if fold(village_name).startswith("ban ")
                        else "to_dan_pho"
                        if fold(village_name).startswith("to ")
                        else "thon",
                        "years": [],
                    },
                )
            else:
                problems.append(
                    RowProblem(
                        number,
                        header_of["village"],
                        f"chưa có thôn '{village_name}' trong chương trình; hãy tạo thôn "
                        "trước hoặc chọn tạo thôn mới khi nhập",
                    )
                )
        elif village is None:
            problems.append(RowProblem(number, header_of["village"], "hãy ghi tên thôn, bản, tổ dân phố"))
        birth = cell("birth_year", read_year, "Năm sinh")
        members = cell("members", read_int, "Số nhân khẩu")
        id_number = cell("id_number", read_id_number)
        year = cell("year", read_year, "Năm rà soát")
        head = {
            "name": name,
            "gender": gender or "male",
            "birth_year": birth,
            "ethnicity": _text(cells.get("ethnicity")) or None,
            "id_number": id_number,
            "single": bool(cell("single", read_judgement, "Đơn thân")),
        }
        household_id = _text(cells.get("household_id")) or None
        code = _text(cells.get("code")) or None
        identity = (
            ("id", household_id)
            if household_id
            else ("code", fold(code))
            if code
            else ("cccd", id_number)
            if id_number
            else ("person", fold(name), birth, village["id"] if village else village_name)
        )
        group = groups.get(identity)
        if group is None:
            vid = village["id"] if village else None
            alike = (
                (by_code.get(fold(code)) or [None])[0]
                if code and len(by_code.get(fold(code), [])) == 1
                else by_number.get(id_number)
                if id_number
                else by_person.get((sort_name(name), birth, vid))
            )
            if household_id and household_id not in by_id and alike:
                # An id the register does not know on a row that looks like another household: never merged.
                other = store.register.household_names(ids=[alike]).get(alike)
                problems.append(
                    RowProblem(
                        number,
                        header_of.get("household_id", BY_KEY["household_id"].header),
                        f"mã định danh {household_id[:40]} không có trong chương trình, nhưng dòng này trùng mã hộ, "
                        f"CCCD hoặc họ tên và năm sinh với hộ {other.label if other else alike}. Không nhập để khỏi "
                        "ghi đè hộ đó: xóa mã định danh ở dòng này nếu đúng là hộ đó, hoặc sửa lại thông tin.",
                    )
                )
                continue
            match = household_id if household_id in by_id else alike
            group = groups[identity] = {
                "row": number,
                "match": match,
                "household": {
                    "id": match or household_id or new_id(),
                    "village_id": vid,
                    "code": code,
                    "head": head,
                    "members": members or 0,
                    "policy_household": bool(cell("policy", read_judgement, "Hộ chính sách")),
                    "left_in": cell("left_in", read_year, "Năm rời khỏi xã"),
                },
                "years": {},
                "rows": {},
            }
        if year is not None:
            if year in group["years"]:
                problems.append(
                    RowProblem(
                        number,
                        header_of.get("year", ""),
                        f"hộ {name} đã có một dòng năm {year} (dòng {group['rows'][year]})",
                    )
                )
                continue
            status = cell("status", read_choice, STATUS_BY_LABEL, "Phân loại hộ", domain.STATUS_LABELS.values())
            if status is None and not any(p.row == number for p in problems):
                problems.append(
                    RowProblem(
                        number, header_of.get("status", BY_KEY["status"].header), "hãy ghi phân loại hộ của năm rà soát"
                    )
                )
            group["years"][year] = {
                "year": year,
                "status": status or "non_poor",
                "income_per_capita": cell("income", read_money, "Thu nhập bình quân"),
                "deprivations": cell("deprivations", read_deprivations, year),
                "cultural_family": cell("cultural_family", read_judgement, "Gia đình văn hóa"),
                "registered_to_exit": cell("registered_to_exit", read_judgement, "Đăng ký thoát nghèo"),
                "assessments": {
                    k: cell(k, read_judgement, BY_KEY[k].header)
                    for k in ("effort", "initiative", "supports_others", "role_model")
                },
                "note": _text(cells.get("note")) or None,
            }
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
            stored_hh = store.register.household(group["match"], with_evidence=False)
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
    data = {
        "format": "thidua-dataset",
        "version": 1,
        "commune": store.register.commune(),
        "villages": villages + list(new_villages.values()),
        "households": households,
        "meetings": [],
        "nominations": [],
    }
    checked = dataset.check(data, store)
    if checked:
        raise ExcelRefused(source, [_row_problem(p, rows_of) for p in checked])
    return ExcelPlan(
        data, added, updated, sum(len(g["years"]) for g in groups.values()), [v["name"] for v in new_villages.values()]
    )


# Where a field of the dataset stands in the sheet, to name the column of a problem found there.
FIELD_COLUMNS = {
    "code": "code",
    "head.name": "name",
    "head.gender": "gender",
    "head.birth_year": "birth_year",
    "head.ethnicity": "ethnicity",
    "head.id_number": "id_number",
    "village_id": "village",
    "members": "members",
    "left_in": "left_in",
    "year": "year",
    "status": "status",
    "income_per_capita": "income",
    "deprivations": "deprivations",
    "note": "note",
}


def _row_problem(problem, rows_of: list[dict]) -> RowProblem:
    """A dataset problem ('households[3] (Tên).years[1].status') told as the sheet's row and column."""
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
