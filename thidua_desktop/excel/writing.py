"""Household lists out to Excel: the import template and the export, streamed in the template's layout.

Both print legibly on A4 landscape, one page wide: narrow columns with their header turned upright,
long texts wrapped on rows given their lines, the technical id column left out of the print area, the
header row tall enough to stay clear of the first row and repeated on every page. The CCCD column is
text on every row, so a typed 008... keeps its zeros. Thôn (the file's villages) and Dân tộc (the 54
ethnic groups) are drop-downs from a hidden sheet; the instructions print at a readable size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any

from thidua_desktop import domain, paths
from thidua_desktop.excel import xlsx_stream
from thidua_desktop.excel.columns import COLUMNS, YES_NO
from thidua_desktop.excel.xlsx_stream import Title, Validation

LIST_SHEET = "Danh mục"
# Widths on the sheet (characters), chosen so the 22 printed columns fit A4 landscape at about 65%.
SHEET_WIDTHS = {
    "code": 8,
    "name": 20,
    "gender": 5,
    "birth_year": 6,
    "ethnicity": 8,
    "id_number": 13.5,
    "single": 6.5,
    "village": 14.5,
    "members": 5,
    "policy": 6.5,
    "left_in": 5,
    "year": 6,
    "status": 12,
    "income": 11,
    "deprivations": 24,
    "cultural_family": 6.5,
    "registered_to_exit": 6.5,
    "effort": 6.5,
    "initiative": 6.5,
    "supports_others": 6.5,
    "role_model": 6.5,
    "note": 14,
    "household_id": 38,
}
UPRIGHT = {k for k, w in SHEET_WIDTHS.items() if w <= 6.5}  # headers that read bottom to top
WRAPPED = {"name", "village", "deprivations", "note"}


@cache
def ethnic_groups() -> tuple[str, ...]:
    """The 54 ethnic groups, in the General Statistics Office's order (resources/ethnic-groups.json)."""
    with open(paths.resource("ethnic-groups.json"), encoding="utf-8") as fh:
        return tuple(json.load(fh)["ethnic_groups"])


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Có" if value else "Không")


def household_rows(households: Iterable[dict], village_names: dict[str, str]) -> Iterator[list]:
    """The sheet's rows for households in the dataset's shape, one per review year."""
    labels = domain.indicator_labels()
    for hh in households:
        head = hh["head"]
        base = [
            hh.get("code"),
            head["name"],
            domain.GENDER_LABELS[head["gender"]],
            head.get("birth_year"),
            head.get("ethnicity"),
            head.get("id_number"),
            "Có" if head.get("single") else "Không",
            village_names.get(hh["village_id"], ""),
            hh["members"],
            "Có" if hh.get("policy_household") else "Không",
            hh.get("left_in"),
        ]
        records = hh["years"] or [None]
        for rec in records:
            if rec is None:
                yield base + [None] * 11 + [hh["id"]]
                continue
            a = rec.get("assessments") or {}
            deps = rec.get("deprivations")
            yield base + [
                rec["year"],
                domain.STATUS_LABELS[rec["status"]],
                rec.get("income_per_capita"),
                None if deps is None else ("Không" if not deps else "; ".join(labels[k] for k in deps)),
                _yes_no(rec.get("cultural_family")),
                _yes_no(rec.get("registered_to_exit")),
                *(_yes_no(a.get(k)) for k in ("effort", "initiative", "supports_others", "role_model")),
                rec.get("note"),
                hh["id"],
            ]


def write_households(
    path: Path | str,
    rows: Iterable[list],
    total: int | None = None,
    progress: Callable[[int, str], None] | None = None,
    instructions: bool = False,
    villages: Sequence[str] = (),
) -> int:
    """Stream rows into a native .xlsx in the template's layout: memory stays flat at any length."""

    def counted() -> Iterator[list]:
        yield [c.header for c in COLUMNS]
        for count, row in enumerate(rows, start=1):
            yield row
            if progress and total and count % 5000 == 0:
                progress(min(99, count * 100 // total), f"Đã ghi {count:,} / {total:,} dòng".replace(",", "."))

    keys = [c.key for c in COLUMNS]
    cccd = keys.index("id_number")
    validations = [
        Validation(i, c.choices, error=f"Chỉ chọn: {', '.join(c.choices)}") for i, c in enumerate(COLUMNS) if c.choices
    ]
    names = list(dict.fromkeys(v for v in villages if v))
    if names:
        validations.append(
            Validation(
                keys.index("village"),
                source=f"'{LIST_SHEET}'!$A$2:$A${len(names) + 1}",
                error="Chỉ chọn một thôn, bản, tổ dân phố có trong chương trình (danh sách ở ô này).",
            )
        )
    validations.append(
        Validation(
            keys.index("ethnicity"),
            source=f"'{LIST_SHEET}'!$B$2:$B${len(ethnic_groups()) + 1}",
            error="Tên dân tộc này không có trong danh mục 54 dân tộc. Vẫn giữ nếu đúng là cách gọi ở địa phương.",
            strict=False,
        )
    )
    sheets = [
        xlsx_stream.SheetSpec(
            "Danh sách hộ",
            [SHEET_WIDTHS[k] for k in keys],
            counted(),
            ["@" if i == cccd else c.number_format for i, c in enumerate(COLUMNS)],
            freeze="C2",
            validations=validations,
            upright=frozenset(i for i, k in enumerate(keys) if k in UPRIGHT),
            wrap=frozenset(i for i, k in enumerate(keys) if k in WRAPPED),
            column_formats={cccd: "@"},
            print_columns=len(COLUMNS) - 1,  # the id column is for the program, not for paper
        )
    ]
    if instructions:
        sheets.append(
            xlsx_stream.SheetSpec(
                "Hướng dẫn",
                [30, 70],
                _instructions(),
                header=False,
                landscape=False,
                wrap=frozenset({0, 1}),
                pages_tall=1,
            )
        )
    lists = zip_longest(names, ethnic_groups())
    sheets.append(
        xlsx_stream.SheetSpec(
            LIST_SHEET,
            [28, 20],
            [["Thôn, bản, tổ dân phố", "Dân tộc"], *map(list, lists)],
            header=False,
            hidden=True,
            footer=None,
        )
    )
    return xlsx_stream.write(path, sheets)[0] - 1


def _instructions() -> list[list]:
    explain = {
        "code": "Mã hộ trong danh sách rà soát của xã (không bắt buộc).",
        "name": "Họ và tên chủ hộ, có dấu. Bắt buộc.",
        "gender": "Nam hoặc Nữ. Bắt buộc.",
        "birth_year": "Năm sinh của chủ hộ, 4 chữ số.",
        "ethnicity": "Chọn trong danh mục 54 dân tộc; tên gọi khác ở địa phương (Cao Lan...) vẫn được nhận.",
        "left_in": "Năm hộ chuyển đi, tách hoặc nhập hộ khác. Để trống nếu hộ vẫn ở xã.",
        "note": "Ghi chú của cán bộ (không bắt buộc).",
        "id_number": "Số CCCD 12 chữ số (hoặc CMND 9 chữ số). Cột đã định dạng văn bản để giữ số 0 ở đầu.",
        "village": "Chọn thôn, bản, tổ dân phố trong danh sách (đúng như trong chương trình). Bắt buộc.",
        "members": "Số nhân khẩu của hộ (1 đến 60). Bắt buộc.",
        "year": "Năm rà soát. Để trống nếu hộ chưa có kết quả rà soát.",
        "status": "Hộ nghèo, Hộ cận nghèo hoặc Không nghèo.",
        "income": "Số đồng mỗi người mỗi tháng, ví dụ 1.500.000. Không ghi '1,5 triệu'.",
        "deprivations": "Tên các chỉ số thiếu hụt, cách nhau bởi dấu ; (Không = không thiếu hụt chỉ số nào).",
        "household_id": "Chương trình tự điền khi xuất danh sách; không sửa, không xóa.",
    }
    rows: list[list[Any]] = [
        [Title("HƯỚNG DẪN NHẬP DANH SÁCH HỘ")],
        [],
        [
            "Cách ghi",
            "Mỗi dòng là một hộ trong một năm rà soát. Hộ có nhiều năm thì ghi nhiều dòng, "
            "phần thông tin chủ hộ giống nhau. Các cột có mũi tên là danh sách để chọn.",
        ],
        [],
        [Title("Cột", bold_only=True), Title("Cách ghi", bold_only=True)],
    ]
    rows += [
        [c.header, explain.get(c.key, "Có, Không, hoặc để trống nếu chưa đánh giá." if c.choices == YES_NO else "")]
        for c in COLUMNS
    ]
    example = [
        "H00001",
        "Nguyễn Văn An",
        "Nam",
        1975,
        "Tày",
        "008075001234",
        "Không",
        "Thôn Nà Khà",
        5,
        "Không",
        None,
        2020,
        "Hộ cận nghèo",
        1200000,
        "Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh",
        "Có",
        "Có",
        "Có",
        "Không",
        None,
        None,
        None,
        None,
    ]
    rows += [[], [Title("Ví dụ một dòng (mỗi ô của dòng, từ trái sang phải):", bold_only=True)]]
    shown = {"birth_year": "1975", "members": "5", "year": "2020", "income": "1.200.000"}
    rows += [[c.header, shown.get(c.key, value)] for c, value in zip(COLUMNS, example) if value is not None]
    return rows


def export_store(
    store, path: Path | str, progress: Callable[[int, str], None] | None = None, pks: list[int] | None = None
) -> int:
    """Households with their review records (all, or those of a list on screen), streamed: memory stays
    flat at 300,000 rows."""
    names = {v["id"]: v["name"] for v in store.register.villages(include_deleted=True)}
    current = [v["name"] for v in store.register.villages()]
    total = store.register.review_record_count() if pks is None else len(pks) * 6
    rows = household_rows(store.register.iter_households(pks), names)
    return write_households(path, rows, total, progress, villages=current)


TEMPLATE_ROWS = 1000


def write_template(path: Path | str, store=None) -> None:
    """The import template, with the file's villages to choose from when a store is given. Its CCCD
    column is text on every row, so a typed 008... keeps its leading zeros."""
    blank = [None] * len(COLUMNS)
    cccd = [c.key for c in COLUMNS].index("id_number")
    villages = [v["name"] for v in store.register.villages()] if store is not None else []
    write_households(
        path,
        ([*blank[:cccd], xlsx_stream.TEXT_CELL, *blank[cccd + 1 :]] for _ in range(TEMPLATE_ROWS)),
        instructions=True,
        villages=villages,
    )
