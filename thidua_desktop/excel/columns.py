"""The household list's columns, as the template, the export and the import share them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from thidua_desktop import domain
from thidua_desktop.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple[str, ...] = ()  # other headers officers use for it, compared folded
    choices: tuple[str, ...] = ()  # the drop-down of the template
    number_format: str | None = None  # đồng get thousands separators; the rest reads right as General


YES_NO = ("Có", "Không")
COLUMNS = (
    Column("code", "Mã hộ", 12, ("ma ho", "ma so ho", "ma ho gia dinh")),
    Column("name", "Họ và tên chủ hộ", 26, ("ho va ten chu ho", "ho ten chu ho", "chu ho", "ho va ten", "ho ten")),
    Column("gender", "Giới tính", 10, ("gioi tinh", "gioi"), ("Nam", "Nữ")),
    Column("birth_year", "Năm sinh", 10, ("nam sinh", "sinh nam")),
    Column("ethnicity", "Dân tộc", 12, ("dan toc",)),
    Column(
        "id_number",
        "Số CCCD/CMND",
        16,
        ("so cccd/cmnd", "so cccd", "cccd", "so cmnd", "cmnd", "so dinh danh", "so cccd/cmnd/dinh danh"),
    ),
    Column("single", "Đơn thân", 10, ("don than", "nguoi don than"), YES_NO),
    Column(
        "village",
        "Thôn, bản, tổ dân phố",
        20,
        ("thon", "thon, ban", "thon/ban", "thon ban", "ban", "to dan pho", "thon, ban, to dan pho", "dia chi"),
    ),
    Column("members", "Số nhân khẩu", 12, ("so nhan khau", "nhan khau", "so khau", "so thanh vien")),
    Column(
        "policy",
        "Hộ chính sách, người có công",
        16,
        ("ho chinh sach", "ho chinh sach, nguoi co cong", "chinh sach"),
        YES_NO,
    ),
    Column("left_in", "Năm rời khỏi xã", 12, ("nam roi khoi xa", "nam roi xa", "nam chuyen di")),
    Column("year", "Năm rà soát", 11, ("nam ra soat", "nam")),
    Column(
        "status",
        "Phân loại hộ",
        16,
        ("phan loai ho", "phan loai", "ket qua ra soat", "loai ho"),
        tuple(domain.STATUS_LABELS.values()),
    ),
    Column(
        "income",
        "Thu nhập bình quân (đồng/người/tháng)",
        20,
        ("thu nhap binh quan (dong/nguoi/thang)", "thu nhap binh quan", "thu nhap", "thu nhap bq"),
        number_format="#,##0",
    ),
    Column(
        "deprivations",
        "Chỉ số thiếu hụt (cách nhau bởi dấu ;)",
        40,
        ("chi so thieu hut (cach nhau boi dau ;)", "chi so thieu hut", "thieu hut"),
    ),
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
    "ngheo": "poor",
    "can ngheo": "near_poor",
    "khong ngheo": "non_poor",
    "thoat ngheo": "non_poor",
}
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
