"""The level above's checks: what one commune cannot see, and what a person checking would ask about.

Each flag names its commune (and household), its kind and a Vietnamese sentence with the figures. The
kinds are those of `upper checks --json` (shared/domain/interfaces.md):

- duplicate_id_number: a CCCD held by two heads of household (in two communes, or twice in one), or the
  same name, birth year and village twice in one commune;
- status_differs: the recorded status is not what the poverty standard gives from income and
  deprivations;
- income_jump: income per person changing by more than a factor from one year to the next;
- members_jump: a household's members changing by more than a number in one package;
- exit_without_change: out of poverty with neither income nor deprivations changed;
- policy_poor: a policy household still poor past the deadline of the criteria set;
- incomplete_year: a year some of whose households (or whole villages) have no record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from thidua_desktop import settings
from thidua_desktop.evaluation import evaluator
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.store import Store
from thidua_desktop.text import format_vnd

KINDS = (
    "duplicate_id_number",
    "status_differs",
    "income_jump",
    "members_jump",
    "exit_without_change",
    "policy_poor",
    "incomplete_year",
)
KIND_LABELS = {
    "duplicate_id_number": "Trùng chủ hộ",
    "status_differs": "Phân loại khác chuẩn nghèo",
    "income_jump": "Thu nhập thay đổi bất thường",
    "members_jump": "Nhân khẩu thay đổi bất thường",
    "exit_without_change": "Thoát nghèo không có thay đổi",
    "policy_poor": "Hộ chính sách còn nghèo",
    "incomplete_year": "Năm chưa đầy đủ",
}
STATUS = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "non_poor": "không nghèo"}


@dataclass(frozen=True)
class Flag:
    commune_code: str
    household_id: str | None
    kind: str
    message: str

    def as_json(self) -> dict:
        return asdict(self)


def commune_flags(
    store: Store, code: str, data: dict, year: int, criteria: CriteriaSet, member_changes: Sequence[tuple] = ()
) -> list[Flag]:
    """Every flag of one commune's year that its own data shows."""
    factor, jump = settings.INCOME_JUMP_FACTOR.get(store), settings.MEMBERS_JUMP.get(store)
    views = evaluator.views_of(data)
    area = data["commune"]["area"]
    flags: list[Flag] = []
    names = {h["id"]: h["head"]["name"] for h in data["households"]}
    for view in views:  # the standard's own status, without judging every criterion (cheap on every import)
        record = view.records.get(year)
        computed = evaluator.computed_status(record, year, area, criteria) if record else None
        if record and view.exists_in(year) and computed is not None and computed != record["status"]:
            flags.append(
                Flag(code, view.data["id"], "status_differs",
                     f"Hộ {names[view.data['id']]} năm {year} ghi là {STATUS[record['status']]}, nhưng theo thu nhập "
                     f"và chỉ số thiếu hụt đã ghi, chuẩn nghèo cho kết quả {STATUS[computed]}.")
            )  # fmt: skip
    for view in views:
        flags += _year_on_year(code, view, names[view.data["id"]], year, factor)
        if (
            view.data.get("policy_household")
            and year in view.records
            and view.records[year]["status"] == "poor"
            and year > criteria.policy_deadline_commune
        ):
            flags.append(
                Flag(code, view.data["id"], "policy_poor",
                     f"Hộ chính sách {names[view.data['id']]} năm {year} vẫn là hộ nghèo, quá thời hạn "
                     f"{criteria.policy_deadline_commune} của bộ tiêu chí.")
            )  # fmt: skip
    last_change: dict[str, tuple] = {}
    for change in member_changes:
        last_change[change[0]] = change
    for hid, before, after, _at, by in last_change.values():
        if hid in names and abs(after - before) > jump:
            flags.append(
                Flag(code, hid, "members_jump",
                     f"Hộ {names[hid]}: số nhân khẩu đổi từ {before} thành {after} ({by}), thay đổi quá {jump} người.")
            )  # fmt: skip
    cover = evaluator.coverage_of_year(views, year)
    if cover and not cover["complete"]:
        flags.append(Flag(code, None, "incomplete_year", f"Năm {year}: {evaluator.coverage_note(cover)}"))
    return flags


def _year_on_year(code: str, view: evaluator.HouseholdView, name: str, year: int, factor: int) -> list[Flag]:
    now, before = view.records.get(year), view.records.get(year - 1)
    if now is None or before is None:
        return []
    out = []
    income, earlier = now.get("income_per_capita"), before.get("income_per_capita")
    if income and earlier and max(income, earlier) > factor * min(income, earlier):
        out.append(
            Flag(code, view.data["id"], "income_jump",
                 f"Hộ {name}: thu nhập bình quân {format_vnd(earlier)} đồng năm {year - 1} thành {format_vnd(income)} "
                 f"đồng năm {year}, thay đổi hơn {factor} lần.")
        )  # fmt: skip
    if (
        before["status"] == "poor"
        and now["status"] != "poor"
        and income == earlier
        and sorted(now.get("deprivations") or []) == sorted(before.get("deprivations") or [])
    ):
        out.append(
            Flag(code, view.data["id"], "exit_without_change",
                 f"Hộ {name} thoát nghèo năm {year} nhưng thu nhập ({format_vnd(income) or 'chưa ghi'}) và các chỉ số "
                 "thiếu hụt không thay đổi so với năm trước.")
        )  # fmt: skip
    return out


def duplicate_flags(store: Store, code: str | None = None) -> list[Flag]:
    """Heads of household found twice: one CCCD for two heads (across communes or within one), or the same
    name, birth year and village twice in one commune. Each is flagged in its own commune, naming the other
    (with `code`, only the flags of that commune)."""
    flags = []
    by_number: dict[str, list[dict]] = {}
    for p in store.upper_level.shared_id_numbers(code):
        by_number.setdefault(p["id_number"], []).append(p)
    for number, holders in by_number.items():
        for p in holders:
            if code is not None and p["commune_code"] != code:
                continue
            others = ", ".join(f"{o['head_name']} (xã {o['commune_code']})" for o in holders if o is not p)
            flags.append(
                Flag(p["commune_code"], p["household_id"], "duplicate_id_number",
                     f"Số CCCD {number} của chủ hộ {p['head_name']} cũng là của chủ hộ {others}.")
            )  # fmt: skip
    by_key: dict[tuple[str, str], list[dict]] = {}
    for p in store.upper_level.shared_persons(code):
        by_key.setdefault((p["commune_code"], p["person_key"]), []).append(p)
    for (commune, _), same in by_key.items():
        for p in same:
            flags.append(
                Flag(commune, p["household_id"], "duplicate_id_number",
                     f"Chủ hộ {p['head_name']} ({p['village']}) có {len(same)} hộ cùng họ tên, năm sinh và thôn trong xã.")
            )  # fmt: skip
    return flags
