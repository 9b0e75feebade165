"""Domain words with their Vietnamese labels, and the poverty standards as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from thidua_desktop import paths

STATUS_LABELS = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "non_poor": "Không nghèo"}
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
VILLAGE_KIND_LABELS = {"thon": "Thôn", "ban": "Bản", "to_dan_pho": "Tổ dân phố"}
AREA_LABELS = {"rural": "Nông thôn", "urban": "Thành thị"}
REGION_LABELS = {None: "Không xếp khu vực", "I": "Khu vực I", "II": "Khu vực II", "III": "Khu vực III"}
MEETING_PURPOSE_LABELS = {
    "emulation": "Bình xét thi đua",
    "poverty_review": "Rà soát hộ nghèo",
    "cultural_family": "Bình xét Gia đình văn hóa",
}
NOMINATION_STATUS_LABELS = {
    "draft": "Dự thảo",
    "approved": "Xã đã duyệt",
    "sent": "Đã gửi lên trên",
    "decided": "Đã có quyết định",
    "returned": "Bị trả lại",
}
JUDGEMENT_LABELS = {None: "Chưa đánh giá", True: "Có", False: "Không"}
VERDICT_LABELS = {
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "missing": "Chưa đủ thông tin",
    "not_applicable": "Không áp dụng",
    "eligible": "Đủ điều kiện",
    "not_eligible": "Không đủ điều kiện",
}
CATEGORY_LABELS = {"A": "Hộ mới thoát nghèo", "B": "Hộ nghèo, cận nghèo"}
CRITERION_LABELS = {
    "A1": "Có sáng kiến, cách làm hay; nỗ lực tăng thu nhập",
    "A2": "Sử dụng vốn vay ưu đãi đúng mục đích, trả lãi, gốc đúng hạn",
    "A3": "Đã thoát nghèo từ 3 năm trở lên, không tái nghèo",
    "A4": "Hỗ trợ hộ nghèo khác; là điển hình",
    "A5": "Đạt danh hiệu Gia đình văn hóa",
    "A6": "Được cộng đồng bình xét, nhất trí đề nghị",
    "B1": "Nỗ lực, chịu khó lao động, tăng thu nhập",
    "B2": "Chủ động phát huy nội lực, tự nguyện đăng ký thoát nghèo",
    "B3": "Sử dụng vốn vay ưu đãi đúng mục đích, đúng hạn",
    "B4": "Được cộng đồng bình xét, nhất trí đề nghị",
    "V1": "Đoàn kết, giúp nhau, nhất là hộ yếu thế",
    "V2": "Có quy chế quản lý, luân chuyển vốn hỗ trợ; nhân rộng mô hình",
    "V3": "Huy động nguồn lực; đời sống người nghèo cải thiện rõ rệt",
    "V4": "Tham gia xây dựng nông thôn mới; Khu dân cư văn hóa",
    "C1": "Kinh tế - xã hội phát triển, đạt chỉ tiêu",
    "C2": "Triển khai hiệu quả; thanh quyết toán kịp thời",
    "C3": "Vận động nhân dân; hạn chế tái nghèo; mô hình bền vững",
    "C4": "Giảm tỷ lệ hộ nghèo hằng năm theo chỉ tiêu",
    "C5": "Tỷ lệ hộ nghèo, cận nghèo cuối kỳ theo khu vực",
    "C6": "Không còn hộ chính sách, người có công là hộ nghèo",
    "C7": "Thực hiện tốt chế độ thông tin, báo cáo",
    "U1": "Giảm tỷ lệ hộ nghèo của địa bàn hằng năm theo chỉ tiêu",
    "U2": "Không còn hộ chính sách, người có công là hộ nghèo",
    "U3": "Tiến độ mục tiêu giảm nghèo của tỉnh",
}

# Household assessments of a review record (criteria.md), with their Vietnamese wording.
HOUSEHOLD_ASSESSMENTS = {
    "effort": "Nỗ lực, chịu khó lao động, tăng thu nhập",
    "initiative": "Có sáng kiến, cách làm hay",
    "supports_others": "Hỗ trợ hộ nghèo khác",
    "role_model": "Là điển hình",
}
COMMUNE_ASSESSMENTS = {
    "socioeconomic_targets": "Kinh tế - xã hội phát triển, đạt chỉ tiêu",
    "funds_settled_on_time": "Triển khai hiệu quả, thanh quyết toán kịp thời",
    "mobilization": "Vận động nhân dân, hạn chế tái nghèo",
    "reporting_on_time": "Thực hiện tốt chế độ thông tin, báo cáo",
}
VILLAGE_YEAR_FLAGS = {
    "cultural_title": "Khu dân cư văn hóa",
    "ntm_participation": "Tham gia xây dựng nông thôn mới",
    "budget_rotation_rule": "Có quy chế quản lý, luân chuyển vốn hỗ trợ",
}
VILLAGE_ASSESSMENTS = {"mutual_help": "Đoàn kết, giúp đỡ nhau, nhất là hộ yếu thế"}

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Standard:
    key: str
    basis: str
    from_year: int
    to_year: int
    indicators: tuple[str, ...] | None
    rule: str | None = None  # income_or_deprivations / line_and_deprivations / None
    lines: dict | None = None  # {"rural": {"poor": .., "near_poor": ..}, "urban": {...}}
    min_deprivations: int | None = None


@lru_cache(maxsize=1)
def _standards_file() -> dict:
    with open(paths.resource("poverty-standards.json"), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def standards() -> tuple[Standard, ...]:
    return tuple(
        Standard(
            s["key"],
            s["basis"],
            s["from_year"],
            s["to_year"],
            tuple(s["indicators"]) if s["indicators"] is not None else None,
            s["rule"],
            s["lines"],
            s["min_deprivations"],
        )
        for s in _standards_file()["standards"]
    )


def indicator_labels() -> dict[str, str]:
    return _standards_file()["indicator_labels"]


@lru_cache(maxsize=256)
def standard_for(year: int) -> Standard | None:
    for s in standards():
        if s.from_year <= year <= s.to_year:
            return s
    return None


def indicators_for(year: int) -> tuple[str, ...] | None:
    """Deprivation keys accepted for a year, or None where no list is settled."""
    s = standard_for(year)
    return s.indicators if s else None
