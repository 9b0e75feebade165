"""The audit log of a household, in words an officer reads."""

from __future__ import annotations

import datetime as _dt
import json

from thidua_desktop import domain
from thidua_desktop.store import AuditEntry

from ..common.tables import ReadOnlyTable

TABLES = {
    "household": "Thông tin hộ",
    "review_record": "Rà soát năm",
    "loan": "Khoản vay",
    "decision": "Biểu quyết",
    "nomination": "Đề nghị khen thưởng",
}
FIELDS = {
    "village_id": "Thôn",
    "code": "Mã hộ",
    "head_name": "Họ và tên chủ hộ",
    "head_gender": "Giới tính",
    "head_birth_year": "Năm sinh",
    "head_ethnicity": "Dân tộc",
    "head_id_number": "Số CCCD",
    "head_single": "Đơn thân",
    "members": "Nhân khẩu",
    "policy_household": "Hộ chính sách",
    "left_in": "Năm rời khỏi xã",
    "deleted_at": "Đưa vào thùng rác",
    "status": "Phân loại",
    "income_per_capita": "Thu nhập bình quân",
    "deprivations": "Chỉ số thiếu hụt",
    "cultural_family": "Gia đình văn hóa",
    "registered_to_exit": "Đăng ký thoát nghèo",
    "note": "Ghi chú",
    "program": "Chương trình vay",
    "amount_vnd": "Số tiền vay",
    "disbursed_on": "Ngày giải ngân",
    "due_on": "Ngày đến hạn",
    "purpose": "Mục đích vay",
    "used_as_intended": "Đúng mục đích",
    "repaid_on_time": "Trả đúng hạn",
    "agree": "Đồng ý",
    "disagree": "Không đồng ý",
    "abstain": "Không ý kiến",
    **domain.HOUSEHOLD_ASSESSMENTS,
    **{f"{k}_evidence": f"Minh chứng: {v}" for k, v in domain.HOUSEHOLD_ASSESSMENTS.items()},
}
ACTIONS = {"insert": "Thêm mới", "update": "Sửa", "delete": "Xóa"}
FLAGS = {
    "head_single",
    "policy_household",
    "cultural_family",
    "registered_to_exit",
    "used_as_intended",
    "repaid_on_time",
    *domain.HOUSEHOLD_ASSESSMENTS,
}


def _value(field: str | None, value: str | None, village_names: dict[str, str]) -> str:
    """A stored value as the officer entered it: Có/Không, labels, village names."""
    if value is None:
        return ""
    if field in FLAGS and value in ("0", "1"):
        return "Có" if value == "1" else "Không"
    if field == "status":
        return domain.STATUS_LABELS.get(value, value)
    if field == "head_gender":
        return domain.GENDER_LABELS.get(value, value)
    if field == "village_id":
        return village_names.get(value, value)
    if field == "deprivations":
        labels = domain.indicator_labels()
        try:
            return ", ".join(labels.get(k, k) for k in json.loads(value)) or "không có"
        except ValueError:
            return value
    return value


def local_time(at: str, seconds: bool = True) -> str:
    """A stored UTC moment in the PC's time, as Vietnamese write it."""
    try:
        moment = _dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return at
    return moment.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def _what(entry: AuditEntry) -> str:
    label = TABLES.get(entry.table, entry.table)
    if entry.table == "review_record":
        return f"{label} {entry.record_id.rsplit(':', 1)[-1]}"
    return label


class HistoryTable(ReadOnlyTable):
    COLUMNS = ["Thời điểm", "Người sửa", "Việc", "Mục", "Thông tin", "Giá trị cũ", "Giá trị mới"]

    def __init__(self):
        super().__init__(self.COLUMNS)

    def show_entries(self, entries: list[AuditEntry], village_names: dict[str, str]) -> None:
        self.fill(
            [
                [
                    local_time(e.at),
                    e.actor,
                    ACTIONS.get(e.action, e.action),
                    _what(e),
                    FIELDS.get(e.field, e.field or ""),
                    _value(e.field, e.old, village_names),
                    _value(e.field, e.new, village_names),
                ]
                for e in entries
            ]
        )
