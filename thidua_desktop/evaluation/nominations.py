"""The year's nomination list: who is proposed for which award, and how a proposal moves on.

A nominee the evaluator does not find eligible may be proposed only with a written reason, which the
printed list shows. Individuals and organisations are not judged by the evaluator; for them the plan's
criteria III.1.6 and III.1.7 are a checklist the officer ticks into the achievements.
"""

from __future__ import annotations

import datetime as _dt

from thidua_desktop import domain
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation.criteria import Award, CriteriaSet, national_awards
from thidua_desktop.register import rules
from thidua_desktop.store import Store, new_id
from thidua_desktop.text import lower_first

# Who grants what is data (resources/awards.json, or a criteria set's own "awards"): these are the names.
AWARDS = tuple(a.name for a in national_awards())
COMMUNE_AWARD = next(a.name for a in national_awards() if a.level_on(_dt.date.today()) == "commune")


def award_names(criteria: CriteriaSet, on: _dt.date | None = None) -> tuple[str, ...]:
    """The awards a nomination may ask for on a day (by default today): those some level grants then."""
    day = on or _dt.date.today()
    return tuple(a.name for a in criteria.awards if a.level_on(day) is not None)


def deciding_level(criteria: CriteriaSet, award: str, on: _dt.date) -> str:
    """Who decides a nomination's award on `on`: 'commune' for the commune chairman's own awards; an
    award the set does not know, or one nobody grants any more, goes to the level above."""
    found: Award | None = criteria.award(award)
    level = found.level_on(on) if found else None
    return level or "upper"


KIND_LABELS = {
    "household": "Hộ gia đình",
    "village": "Thôn, bản, tổ dân phố",
    "individual": "Cá nhân",
    "organization": "Doanh nghiệp, hợp tác xã, tập thể",
}

# The plan's criteria for those the evaluator does not judge (Kế hoạch 112, III.1.6 and III.1.7).
CHECKLISTS = {
    "organization": (
        "Có đóng góp cụ thể, thiết thực trong công tác giảm nghèo và hỗ trợ người nghèo tại địa phương",
        "Liên kết sản xuất, chế biến, tiêu thụ sản phẩm cho người nghèo; mô hình giảm nghèo, dạy nghề, "
        "tạo việc làm cho người nghèo",
        "Thực hiện tốt an sinh xã hội, vận động nguồn lực hỗ trợ người nghèo; hoàn thành nghĩa vụ với Nhà nước",
    ),
    "individual": (
        "Trực tiếp, tâm huyết chỉ đạo hoặc tham mưu thực hiện Chương trình giảm nghèo 3 năm liên tục trở lên",
        "Có sáng kiến, giải pháp chỉ đạo hoặc tổ chức thực hiện chương trình giảm nghèo",
        "Góp phần hoàn thành mục tiêu, nhiệm vụ giảm nghèo của địa phương, đơn vị",
    ),
}

# Where a proposal may go from each status (the officer's buttons follow this).
NEXT_STATUSES = {
    "draft": ("approved",),
    "approved": ("sent", "draft"),
    "sent": ("decided", "returned"),
    "returned": ("draft",),
    "decided": (),
}


class NominationError(Refused):
    """A proposal the rules refuse; the message is for the officer."""


def verdict_of(nomination: dict, report: dict) -> str | None:
    """What the evaluation of the nomination's year says of its nominee (None: not judged)."""
    if nomination["nominee_kind"] == "household":
        found = {h["id"]: h["verdict"] for h in report["households"]}
        return found.get(nomination.get("household_id"), "not_applicable")
    if nomination["nominee_kind"] == "village":
        found = {v["id"]: v["verdict"] for v in report["villages"]}
        return found.get(nomination.get("village_id"), "missing")
    return None


def needs_reason(nomination: dict, report: dict) -> bool:
    return verdict_of(nomination, report) not in (None, "eligible", "met")


def check(nomination: dict, report: dict) -> list[str]:
    """Everything wrong with a proposal, in Vietnamese; empty when it may be saved."""
    problems = []
    reason = (nomination.get("override_reason") or "").strip()
    verdict = verdict_of(nomination, report)
    if verdict is not None and needs_reason(nomination, report) and not reason:
        problems.append(
            f"Kết quả đánh giá năm {nomination['year']}: {domain.VERDICT_LABELS[verdict].lower()}. "
            "Muốn vẫn đề nghị khen thưởng thì phải ghi rõ lý do."
        )
    if nomination["nominee_kind"] in CHECKLISTS and not (nomination.get("achievements") or "").strip():
        problems.append("Cần ghi tóm tắt thành tích (đánh dấu các tiêu chí đạt được).")
    if not (nomination.get("award") or "").strip():
        problems.append("Cần chọn hình thức khen thưởng đề nghị.")
    status = nomination["status"]
    if status == "decided" and not (
        (nomination.get("decision_number") or "").strip() and nomination.get("decision_date")
    ):
        problems.append("Đã có quyết định thì phải ghi số và ngày của quyết định khen thưởng.")
    if status == "returned" and not (nomination.get("comment") or "").strip():
        problems.append("Hồ sơ bị trả lại thì phải ghi ý kiến của cấp trên.")
    return problems


def move(nomination: dict, status: str, **facts: str | None) -> dict:
    """The proposal in its next status (with the decision or the comment that status needs)."""
    if status not in NEXT_STATUSES[nomination["status"]]:
        raise NominationError(
            f"Không chuyển được từ '{domain.NOMINATION_STATUS_LABELS[nomination['status']]}' "
            f"sang '{domain.NOMINATION_STATUS_LABELS[status]}'."
        )
    return {**nomination, **facts, "status": status}


def save(store: Store, nominations: list[dict], report: dict) -> None:
    """Check every proposal against the evaluation of its year, then write them all or none."""
    for nom in nominations:
        if nom["year"] != report["year"]:
            raise ValueError("a nomination is checked against the evaluation of its own year")
        problems = check(nom, report)
        if problems:
            raise NominationError(f"{nominee_name(store, nom)}: " + " ".join(problems))
    save_checked(store, nominations)


def save_checked(store: Store, nominations: list[dict]) -> None:
    """The register's rules for nominations (the nominee exists, dates are real), then the store."""
    villages = {v["id"] for v in store.register.villages()}
    households = store.register.household_id_set(include_deleted=False)
    problems = [p for n in nominations for p in rules.check_nomination(n, villages, households)]
    if problems:
        raise NominationError("; ".join(p.message for p in problems))
    store.nominations.save(nominations)


def nominee_name(store: Store, nomination: dict) -> str:
    if nomination["nominee_kind"] == "household":
        found = store.register.household_names(ids=[nomination.get("household_id") or ""], include_deleted=True)
        return f"Hộ {next(iter(found.values())).head_name}" if found else "Hộ không còn trong sổ"
    if nomination["nominee_kind"] == "village":
        village = store.register.village(nomination.get("village_id") or "")
        return village["name"] if village else "Thôn không còn trong sổ"
    return nomination.get("nominee_name") or ""


def achievements_from(entry: dict) -> str:
    """A short achievement text: the criteria an evaluated household or village met."""
    if "categories" in entry:
        met = [(key, cat) for key, cat in entry["categories"].items() if cat["verdict"] == "met"]
        return (
            ". ".join(
                f"{domain.CATEGORY_LABELS[key]}: "
                + "; ".join(
                    lower_first(domain.CRITERION_LABELS[k]) for k, c in cat["criteria"].items() if c["verdict"] == "met"
                )
                for key, cat in met
            )
            + "."
        )
    return "; ".join(domain.CRITERION_LABELS[k] for k, c in entry["criteria"].items() if c["verdict"] == "met") + "."


def candidates(store: Store, report: dict) -> list[dict]:
    """Draft proposals for every eligible household and every village that met the criteria,
    leaving out those already on the year's list."""
    year = report["year"]
    taken = {(n["nominee_kind"], n.get("household_id") or n.get("village_id")) for n in store.nominations.find(year)}
    out = []
    for h in report["households"]:
        if h["verdict"] == "eligible" and ("household", h["id"]) not in taken:
            out.append(draft(year, "household", household_id=h["id"], achievements=achievements_from(h)))
    for v in report["villages"]:
        if v["verdict"] == "met" and ("village", v["id"]) not in taken:
            out.append(draft(year, "village", village_id=v["id"], achievements=achievements_from(v)))
    return out


def draft(year: int, kind: str, **fields: str | None) -> dict:
    base = {
        "id": new_id(),
        "year": year,
        "nominee_kind": kind,
        "household_id": None,
        "village_id": None,
        "nominee_name": None,
        "achievements": None,
        "award": COMMUNE_AWARD,
        "status": "draft",
        "override_reason": None,
        "decision_number": None,
        "decision_date": None,
        "comment": None,
    }
    return {**base, **fields}
