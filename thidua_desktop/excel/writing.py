"""Household lists out to Excel: the import template and the export, streamed in the template's layout."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from thidua_desktop import domain
from thidua_desktop.excel import xlsx_stream
from thidua_desktop.excel.columns import COLUMNS, YES_NO


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
) -> int:
    """Stream rows into a native .xlsx in the template's layout: memory stays flat at any length."""

    def counted() -> Iterator[list]:
        yield [c.header for c in COLUMNS]
        for count, row in enumerate(rows, start=1):
            yield row
            if progress and total and count % 5000 == 0:
                progress(min(99, count * 100 // total), f"Đã ghi {count:,} / {total:,} dòng".replace(",", "."))

    sheets = [
        xlsx_stream.SheetSpec(
            "Danh sách hộ",
            [c.width for c in COLUMNS],
            counted(),
            [c.number_format for c in COLUMNS],
            freeze="C2",
            validations=[
                (i, c.choices, f"Chỉ chọn: {', '.join(c.choices)}") for i, c in enumerate(COLUMNS) if c.choices
            ],
        )
    ]
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
    rows: list[list[Any]] = [
        ["HƯỚNG DẪN NHẬP DANH SÁCH HỘ"],
        [],
        [
            "Mỗi dòng là một hộ trong một năm rà soát. Hộ có nhiều năm thì ghi nhiều dòng, "
            "phần thông tin chủ hộ giống nhau."
        ],
        ["Cột", "Cách ghi"],
    ]
    rows += [
        [c.header, explain.get(c.key, "Có, Không, hoặc để trống nếu chưa đánh giá." if c.choices == YES_NO else "")]
        for c in COLUMNS
    ]
    rows += [
        [],
        ["Ví dụ một dòng:"],
        [c.header for c in COLUMNS],
        [
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
        ],
    ]
    return rows


def export_store(
    store, path: Path | str, progress: Callable[[int, str], None] | None = None, pks: list[int] | None = None
) -> int:
    """Households with their review records (all, or those of a list on screen), streamed: memory stays
    flat at 300,000 rows."""
    names = {v["id"]: v["name"] for v in store.register.villages(include_deleted=True)}
    total = store.register.review_record_count() if pks is None else len(pks) * 6
    return write_households(path, household_rows(store.register.iter_households(pks), names), total, progress)


TEMPLATE_ROWS = 1000


def write_template(path: Path | str) -> None:
    """The import template. Its CCCD cells are text already, so a typed 008... keeps its leading zeros."""
    blank = [None] * len(COLUMNS)
    cccd = [c.key for c in COLUMNS].index("id_number")
    write_households(
        path,
        ([*blank[:cccd], xlsx_stream.TEXT_CELL, *blank[cccd + 1 :]] for _ in range(TEMPLATE_ROWS)),
        instructions=True,
    )
