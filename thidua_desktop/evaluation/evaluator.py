"""The evaluator: the plan's criteria (shared/domain/criteria.md) applied to a commune's data for a year.

Works on the dataset format (shared/schema), so the commune, the upper level and the tests judge the
same thing the same way. Every comparison uses exact fractions; rates are rounded only for display.
Each criterion gets a verdict (met, not_met, missing, not_applicable) and a Vietnamese reason naming the
figures it used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from thidua_desktop import domain
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.text import format_decimal, format_percent

MET, NOT_MET, MISSING, NA = "met", "not_met", "missing", "not_applicable"
JUDGEMENT_TEXT = {True: "có", False: "không", None: "chưa đánh giá"}


# --- small helpers ---------------------------------------------------------------------------------


def group(verdicts: Iterable[str]) -> str:
    """A category, village or commune: any not_met, else any missing, else met."""
    verdicts = [v for v in verdicts if v != NA]
    if NOT_MET in verdicts:
        return NOT_MET
    if MISSING in verdicts:
        return MISSING
    return MET


def crit(verdict: str, reason: str) -> dict:
    return {"verdict": verdict, "reason": reason}


def judged(value: int | None) -> str:
    """A judgement's verdict: true (or 1 as stored), false (0) or not judged (None)."""
    return MISSING if value is None else (MET if value else NOT_MET)


def all_yes(values: Iterable[int | None]) -> str:
    values = list(values)
    if False in values:
        return NOT_MET
    if None in values:
        return MISSING
    return MET


def percent(value: Fraction | None) -> float | None:
    """A percentage rounded half up to 2 decimals, for display and the JSON report."""
    return None if value is None else _rounded_percent(value)


def _rounded_percent(value: Fraction) -> float:
    return (value * 100 + Fraction(1, 2)).__floor__() / 100


def num_text(value: Fraction) -> str:
    return format_decimal(_rounded_percent(value))


def pct_text(value: Fraction | None) -> str:
    return format_percent(percent(value))


def vnd(amount: int | None) -> str:
    return "chưa rõ" if amount is None else f"{amount:,}".replace(",", ".") + " đ"


def rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part * 100, whole) if whole else None


# --- the household ---------------------------------------------------------------------------------


@dataclass
class HouseholdView:
    """One household's records arranged for judging."""

    data: dict
    records: dict[int, dict]
    statuses: dict[int, str]
    newest_first: list[int]

    @classmethod
    def of(cls, hh: dict) -> HouseholdView:
        records = {r["year"]: r for r in hh["years"]}
        return cls(hh, records, {y: r["status"] for y, r in records.items()}, sorted(records, reverse=True))

    def status(self, year: int) -> str | None:
        return self.statuses.get(year)

    def exists_in(self, year: int) -> bool:
        if not self.records or self.newest_first[-1] > year:  # the oldest record
            return False
        left = self.data.get("left_in")
        return left is None or left > year

    def exit_year(self, year: int) -> int | None:
        """The latest E <= year with status(E) not poor and status(E-1) poor."""
        statuses = self.statuses
        for e in self.newest_first:
            if e <= year and statuses[e] != "poor" and statuses.get(e - 1) == "poor":
                return e
        return None

    def relapsed(self, year: int) -> bool:
        exit_year = self.exit_year(year - 1)
        return self.status(year) == "poor" and exit_year is not None and exit_year < year


def computed_status(record: dict, year: int, area: str, criteria: CriteriaSet) -> str | None:
    """The status the poverty standard in force gives from income and deprivations; None if unknown."""
    deprivations = record.get("deprivations")
    return status_by_standard(
        record.get("income_per_capita"), None if deprivations is None else len(deprivations), year, area, criteria
    )


def status_by_standard(
    income: int | None, deprivations: int | None, year: int, area: str, criteria: CriteriaSet
) -> str | None:
    """`computed_status` from the income and the number of deprivations; None if unknown."""
    return status_rule(year, area, criteria)(income, deprivations)


def status_rule(year: int, area: str, criteria: CriteriaSet) -> Callable[[int | None, int | None], str | None]:
    """`status_by_standard` of a year and an area, as a function of the income and the number of
    deprivations (the poverty standard looked up once for a commune's households)."""
    standard = domain.standard_for(year)
    if standard is None or standard.rule is None:
        return _unknown
    if criteria.indicators_for(year) is None or standard.lines is None or standard.min_deprivations is None:
        return _unknown
    lines, least = standard.lines[area], standard.min_deprivations
    poor_line = lines["poor"]
    if standard.rule == "income_or_deprivations":
        near_poor_line = lines["near_poor"]

        def either(income: int | None, deprivations: int | None) -> str | None:
            if income is None or deprivations is None:
                return None
            if income <= poor_line or (income <= near_poor_line and deprivations >= least):
                return "poor"
            return "near_poor" if income <= near_poor_line else "non_poor"

        return either

    def both(income: int | None, deprivations: int | None) -> str | None:
        if income is None or deprivations is None:
            return None
        if income <= poor_line:
            return "poor" if deprivations >= least else "near_poor"
        return "non_poor"

    return both


def _unknown(income: int | None, deprivations: int | None) -> None:
    return None


def _vote(household_id: str, year: int, meetings_by_household: dict, criteria: CriteriaSet) -> dict:
    decided = [
        (m, d)
        for m, d in meetings_by_household.get(household_id, ())
        if m["year"] == year and m["purpose"] == "emulation"
    ]
    if not decided:
        return crit(MISSING, f"Chưa có cuộc họp bình xét thi đua năm {year} nào xét hộ này.")
    meeting, vote = max(decided, key=lambda md: md[0]["held_on"])
    agree, attendees = vote["agree"], meeting["attendees"]
    passes = criteria.vote_passes(agree, attendees)
    op = "≥" if criteria.vote_operator == ">=" else ">"
    return crit(
        MET if passes else NOT_MET,
        f"Họp ngày {_date(meeting['held_on'])}: {agree}/{attendees} người dự họp đồng ý "
        f"({pct_text(Fraction(agree * 100, attendees))}, yêu cầu {op} {pct_text(criteria.vote_share * 100)}).",
    )


def _loans(hh: dict, year: int) -> dict:
    loans = [loan for loan in hh.get("loans") or () if int(loan["disbursed_on"][:4]) <= year]
    if not loans:
        return crit(NA, f"Không có khoản vay ưu đãi nào giải ngân đến năm {year}.")
    bad = [loan for loan in loans if loan.get("used_as_intended") is False or loan.get("repaid_on_time") is False]
    unknown = [loan for loan in loans if loan.get("used_as_intended") is None or loan.get("repaid_on_time") is None]
    if bad:
        return crit(NOT_MET, f"{len(bad)}/{len(loans)} khoản vay không đúng mục đích hoặc không trả đúng hạn.")
    if unknown:
        return crit(MISSING, f"{len(unknown)}/{len(loans)} khoản vay chưa được đánh giá việc sử dụng hoặc trả nợ.")
    return crit(MET, f"Cả {len(loans)} khoản vay được sử dụng đúng mục đích và trả đúng hạn.")


def _date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


# What a met category needs of the year's record: a category is met only when every criterion it judges
# is, so B (poor or near-poor) needs effort and registration to exit, A (not poor) needs initiative,
# effort, support of others, being a model and the cultural title. (statuses, judgements that must be true)
ELIGIBLE_NEEDS = (
    (("poor", "near_poor"), ("effort", "registered_to_exit")),
    (("near_poor", "non_poor"), ("cultural_family", "effort", "initiative", "supports_others", "role_model")),
)
# Each category also needs its vote met (B4, A6): a vote in one of the year's meetings of this purpose.
ELIGIBLE_VOTE = "emulation"


def could_be_eligible(record: dict) -> bool:
    """Whether a household's record of the year leaves it any chance of being eligible (ELIGIBLE_NEEDS;
    with a vote in a meeting of ELIGIBLE_VOTE that year): the level above judges only these households
    to count the eligible."""
    a = record.get("assessments") or {}
    return any(
        record["status"] in statuses and all((a.get(j) if j in a else record.get(j)) is True for j in judgements)
        for statuses, judgements in ELIGIBLE_NEEDS
    )


def evaluate_household(
    view: HouseholdView, year: int, criteria: CriteriaSet, area: str, meetings_by_household: dict
) -> dict:
    hh = view.data
    record = view.records.get(year)
    out: dict[str, Any] = {
        "id": hh["id"],
        "verdict": MISSING,
        "categories": {},
        "computed_status": None,
        "status_differs": False,
    }
    if record is None:
        return out
    status = record["status"]
    computed = computed_status(record, year, area, criteria)
    out["computed_status"] = computed
    out["status_differs"] = computed is not None and computed != status
    a = record.get("assessments") or {}
    exit_year = view.exit_year(year)
    categories = {}
    if exit_year is not None and status != "poor":
        categories["A"] = _category_a(view, year, exit_year, record, a, criteria, hh, meetings_by_household)
    if status in ("poor", "near_poor"):
        categories["B"] = {
            "B1": crit(judged(a.get("effort")), f"Nỗ lực, chịu khó lao động: {JUDGEMENT_TEXT[a.get('effort')]}."),
            "B2": crit(
                judged(record.get("registered_to_exit")),
                f"Tự nguyện đăng ký thoát nghèo: {JUDGEMENT_TEXT[record.get('registered_to_exit')]}.",
            ),
            "B3": _loans(hh, year),
            "B4": _vote(hh["id"], year, meetings_by_household, criteria),
        }
    out["categories"] = {
        k: {"verdict": group(c["verdict"] for c in v.values()), "criteria": v} for k, v in categories.items()
    }
    verdicts = [c["verdict"] for c in out["categories"].values()]
    if not verdicts:
        out["verdict"] = NA
    elif MET in verdicts:
        out["verdict"] = "eligible"
    elif MISSING in verdicts:
        out["verdict"] = MISSING
    else:
        out["verdict"] = "not_eligible"
    return out


def _category_a(
    view: HouseholdView,
    year: int,
    exit_year: int,
    record: dict,
    a: dict,
    criteria: CriteriaSet,
    hh: dict,
    meetings_by_household: dict,
) -> dict:
    previous = view.records.get(year - 1)
    income_note = (
        f" Thu nhập bình quân năm {year}: {vnd(record.get('income_per_capita'))}, năm {year - 1}: "
        f"{vnd(previous.get('income_per_capita')) if previous else 'không có số liệu'}."
    )
    years_out = year - exit_year
    between = range(exit_year + 1, year)
    relapse = [y for y in between if view.status(y) == "poor"]
    gaps = [y for y in between if y not in view.records]
    a3_reason = f"Thoát nghèo năm {exit_year}, đến {year} được {years_out} năm (yêu cầu ≥ {criteria.exit_years})"
    if relapse:
        a3 = crit(NOT_MET, f"{a3_reason}; tái nghèo năm {', '.join(map(str, relapse))}.")
    elif years_out < criteria.exit_years:
        a3 = crit(NOT_MET, a3_reason + ".")
    elif gaps:
        a3 = crit(
            MISSING,
            f"{a3_reason}; thiếu kết quả rà soát năm {', '.join(map(str, gaps))} "
            "nên chưa khẳng định được không tái nghèo.",
        )
    else:
        a3 = crit(MET, a3_reason + ", không tái nghèo.")
    return {
        "A1": crit(
            all_yes([a.get("initiative"), a.get("effort")]),
            f"Sáng kiến, cách làm hay: {JUDGEMENT_TEXT[a.get('initiative')]}; nỗ lực tăng thu nhập: "
            f"{JUDGEMENT_TEXT[a.get('effort')]}.{income_note}",
        ),
        "A2": _loans(hh, year),
        "A3": a3,
        "A4": crit(
            all_yes([a.get("supports_others"), a.get("role_model")]),
            f"Hỗ trợ hộ nghèo khác: {JUDGEMENT_TEXT[a.get('supports_others')]}; là điển hình: "
            f"{JUDGEMENT_TEXT[a.get('role_model')]}.",
        ),
        "A5": crit(
            judged(record.get("cultural_family")),
            f"Danh hiệu Gia đình văn hóa năm {year}: {JUDGEMENT_TEXT[record.get('cultural_family')]}.",
        ),
        "A6": _vote(hh["id"], year, meetings_by_household, criteria),
    }


# --- the household counted: its verdict without its reasons ------------------------------------------


def loans_verdict(loans: int, bad: int, unknown: int) -> str:
    """`_loans`'s verdict from the loans disbursed by the year: how many, how many not used as intended
    or not repaid on time, how many of which either is not yet judged."""
    if not loans:
        return NA
    return NOT_MET if bad else (MISSING if unknown else MET)


def exit_criterion(statuses: dict[int, str], year: int, criteria: CriteriaSet) -> str | None:
    """A3's verdict of a household with a record of `year` (`_category_a`), from its statuses by year;
    None when category A does not apply (poor that year, or never out of poverty by then)."""
    if statuses[year] == "poor":
        return None
    exit_year = None
    for e in range(year, min(statuses), -1):  # HouseholdView.exit_year
        if statuses.get(e, "poor") != "poor" and statuses.get(e - 1) == "poor":
            exit_year = e
            break
    if exit_year is None:
        return None
    between = range(exit_year + 1, year)
    if any(statuses.get(y) == "poor" for y in between) or year - exit_year < criteria.exit_years:
        return NOT_MET
    return MISSING if any(y not in statuses for y in between) else MET


def household_verdict(
    status: str, exit_criterion: str | None, loans: str, vote: str, judgements: tuple[int | None, ...]
) -> str:
    """`evaluate_household`'s verdict of a household with a record of the year, without its reasons: from
    the year's status, A3's verdict (`exit_criterion`), the verdict of its loans (`loans_verdict`) and
    of its vote (MISSING without one), and the year's judgements (cultural family, registered to exit,
    effort, initiative, supports others, role model: true, false or None, or as stored, 1, 0 or None).
    tests/core/test_evaluate_counting.py holds the two equal."""
    cultural, registered, effort, initiative, supports, model = judgements
    verdicts = []
    if exit_criterion is not None:
        found = (
            all_yes([initiative, effort]),
            loans,
            exit_criterion,
            all_yes([supports, model]),
            judged(cultural),
            vote,
        )
        verdicts.append(group(found))
    if status in ("poor", "near_poor"):
        verdicts.append(group((judged(effort), judged(registered), loans, vote)))
    if not verdicts:
        return NA
    if MET in verdicts:
        return "eligible"
    return MISSING if MISSING in verdicts else "not_eligible"


def relapsed(statuses: dict[int, str], year: int) -> bool:
    """`HouseholdView.relapsed` from the statuses by year."""
    if statuses.get(year) != "poor":
        return False
    return any(
        statuses.get(e, "poor") != "poor" and statuses.get(e - 1) == "poor" for e in range(year - 1, min(statuses), -1)
    )


# --- rates -------------------------------------------------------------------------------------------


@dataclass
class Counts:
    households: int = 0
    poor: int = 0
    near_poor: int = 0

    @property
    def poverty_rate(self) -> Fraction | None:
        return rate(self.poor, self.households)

    @property
    def near_poor_rate(self) -> Fraction | None:
        return rate(self.near_poor, self.households)


def counts_by_year(views: Iterable[HouseholdView]) -> dict[int, Counts]:
    tally = Counter(pair for view in views for pair in view.statuses.items())  # (year, status) -> n
    out: dict[int, Counts] = {}
    for (year, status), n in tally.items():
        counts = out.setdefault(year, Counts())
        counts.households += n
        if status == "poor":
            counts.poor += n
        elif status == "near_poor":
            counts.near_poor += n
    return out


def rates_of(counts: dict[int, Counts]) -> tuple[dict, dict]:
    """Poverty and near-poor rates (%, rounded) by year, keyed as the report gives them."""
    return (
        {str(y): percent(c.poverty_rate) for y, c in sorted(counts.items())},
        {str(y): percent(c.near_poor_rate) for y, c in sorted(counts.items())},
    )


def rate_series(households: list[dict]) -> tuple[dict, dict]:
    return rates_of(counts_by_year(HouseholdView.of(hh) for hh in households))


def comparable(year: int) -> bool:
    """A reduction into `year` compares like with like: both years under the same poverty standard."""
    return domain.standard_for(year) == domain.standard_for(year - 1)


def reduction_criterion(
    counts: dict[int, Counts], years: range, threshold: Fraction, criteria: CriteriaSet, what: str
) -> dict:
    """Poverty rate falling by `threshold` a year over `years` (each year, or on average)."""
    if not years:
        return crit(NA, f"Chưa đến giai đoạn {criteria.period_start}-{criteria.period_end}.")
    parts, missing, failing, reductions = [], [], [], []
    for y in years:
        before, after = counts.get(y - 1), counts.get(y)
        r0 = before.poverty_rate if before else None
        r1 = after.poverty_rate if after else None
        if r0 is None or r1 is None or (criteria.reduction_unit == "relative" and r0 == 0):
            missing.append(y)
            parts.append(f"{y}: thiếu số liệu")
            continue
        cut = r0 - r1 if criteria.reduction_unit == "points" else (r0 - r1) / r0 * 100
        reductions.append(cut)
        unit = " điểm %" if criteria.reduction_unit == "points" else "%"
        flag = "" if comparable(y) else " (không so sánh được do đổi chuẩn nghèo)"
        change = f"giảm {num_text(cut)}{unit}" if cut >= 0 else f"tăng {num_text(-cut)}{unit}"
        parts.append(f"{y}: {pct_text(r0)} → {pct_text(r1)}, {change}{flag}")
        if cut < threshold:
            failing.append(y)
    need = f"yêu cầu giảm ≥ {num_text(threshold)}" + (" điểm %/năm" if criteria.reduction_unit == "points" else "%/năm")
    detail = "; ".join(parts)
    if criteria.reduction_rule == "average":
        if missing:
            return crit(MISSING, f"{what}: {detail} ({need} bình quân).")
        average = sum(reductions, Fraction(0)) / len(reductions)
        return crit(
            MET if average >= threshold else NOT_MET,
            f"{what}: {detail}; bình quân {num_text(average)} ({need} bình quân).",
        )
    if failing:
        return crit(NOT_MET, f"{what}: {detail} ({need}; chưa đạt năm {', '.join(map(str, failing))}).")
    if missing:
        return crit(MISSING, f"{what}: {detail} ({need}).")
    return crit(MET, f"{what}: {detail} ({need}).")


# --- villages ----------------------------------------------------------------------------------------


def evaluate_village(village: dict, views: list[HouseholdView], year: int, criteria: CriteriaSet) -> dict:
    counts = counts_by_year(views)
    vulnerable = sum(
        1
        for v in views
        if v.status(year) in ("poor", "near_poor")
        and (v.data["head"]["gender"] == "female" or v.data["head"].get("single"))
    )
    pairs = []
    for v in views:
        if v.status(year - 1) in ("poor", "near_poor"):
            old, new = v.records[year - 1].get("deprivations"), (v.records.get(year) or {}).get("deprivations")
            if old is not None and new is not None:
                pairs.append((len(old), len(new)))
    deprivations = (len(pairs), sum(p[0] for p in pairs), sum(p[1] for p in pairs))
    return village_result(
        village, year, criteria, counts.get(year, Counts()), counts.get(year - 1, Counts()), vulnerable, deprivations
    )


def village_result(
    village: dict,
    year: int,
    criteria: CriteriaSet,
    now: Counts,
    before: Counts,
    vulnerable: int,
    deprivations: tuple[int, int, int],
) -> dict:
    """`evaluate_village` from the village's counts of the year and the year before, its poor and
    near-poor households headed by a woman or a single person, and its poor and near-poor of the year
    before with deprivations known both years: (how many, their deprivations then, now)."""
    facts: dict = next((vy for vy in village.get("years") or () if vy["year"] == year), {})
    mutual = (facts.get("assessments") or {}).get("mutual_help")
    v1 = crit(
        judged(mutual),
        f"Đoàn kết, giúp đỡ nhau: {JUDGEMENT_TEXT[mutual]}; {vulnerable} hộ nghèo, cận nghèo "
        f"có chủ hộ là nữ hoặc đơn thân.",
    )
    rule, models = facts.get("budget_rotation_rule"), facts.get("replicated_models")
    models_ok = None if models is None else models >= 1
    v2 = crit(
        all_yes([rule, models_ok]),
        f"Quy chế quản lý, luân chuyển vốn: {JUDGEMENT_TEXT[rule]}; "
        f"mô hình nhân rộng: {'chưa rõ' if models is None else models}.",
    )
    resources = facts.get("community_resources_vnd")
    part_resources = MISSING if resources is None else (MET if resources > 0 else NOT_MET)
    improvement, how = _improvement(year, before, now, deprivations)
    v3 = crit(group([part_resources, improvement]), f"Nguồn lực huy động: {vnd(resources)}; {how}")
    ntm, title = facts.get("ntm_participation"), facts.get("cultural_title")
    v4 = crit(
        all_yes([ntm, title]),
        f"Tham gia xây dựng nông thôn mới: {JUDGEMENT_TEXT[ntm]}; "
        f"Khu dân cư văn hóa năm {year}: {JUDGEMENT_TEXT[title]}.",
    )
    found = {"V1": v1, "V2": v2, "V3": v3, "V4": v4}
    return {
        "id": village["id"],
        "verdict": group(c["verdict"] for c in found.values()),
        "criteria": found,
        "poverty_rate": percent(now.poverty_rate),
        "near_poor_rate": percent(now.near_poor_rate),
    }


def _improvement(year: int, before: Counts, now: Counts, deprivations: tuple[int, int, int]) -> tuple[str, str]:
    """V3's second part: the poverty rate fell, or the poor's mean deprivations fell."""
    r0, r1 = before.poverty_rate, now.poverty_rate
    texts, fell, computable = [], False, False
    if r0 is not None and r1 is not None:
        computable = True
        fell = r1 < r0
        texts.append(f"tỷ lệ hộ nghèo {year - 1}: {pct_text(r0)}, {year}: {pct_text(r1)}")
    pairs, old, new = deprivations
    if pairs:
        computable = True
        m0 = Fraction(old, pairs)
        m1 = Fraction(new, pairs)
        fell = fell or m1 < m0
        texts.append(
            f"số chỉ số thiếu hụt bình quân của {pairs} hộ nghèo, cận nghèo năm {year - 1}: "
            f"{num_text(m0)} → {num_text(m1)}"
        )
    if not computable:
        return MISSING, "chưa đủ số liệu để thấy đời sống người nghèo cải thiện."
    return (MET if fell else NOT_MET), "; ".join(texts) + (" (đã cải thiện)." if fell else " (chưa cải thiện).")


# --- the commune -------------------------------------------------------------------------------------


def evaluate_commune(
    data: dict, views: list[HouseholdView], year: int, criteria: CriteriaSet, counts: dict[int, Counts]
) -> dict:
    relapses = sum(1 for v in views if v.relapsed(year))
    return commune_result(data["commune"], views, year, criteria, counts, relapses)


def commune_result(
    commune: dict,
    views: list[HouseholdView],
    year: int,
    criteria: CriteriaSet,
    counts: dict[int, Counts],
    relapses: int,
) -> dict:
    """`evaluate_commune` from the commune's counts by year and how many of its households relapsed into
    poverty in the year; of the households, only the policy households are read (`views` may be just
    those)."""
    found = _commune_criteria(commune, views, year, criteria, counts, relapses)
    poverty_rates, near_poor_rates = rates_of(counts)
    return {
        "verdict": group(c["verdict"] for c in found.values()),
        "criteria": found,
        "poverty_rates": poverty_rates,
        "near_poor_rates": near_poor_rates,
    }


def commune_verdict(
    commune: dict, policy_views: list[HouseholdView], year: int, criteria: CriteriaSet, counts: dict[int, Counts]
) -> str:
    """The commune's verdict alone, from its counts and its policy households (the level above's
    overview): the number of relapses is in C3's reason only, so it is not counted here."""
    return group(c["verdict"] for c in _commune_criteria(commune, policy_views, year, criteria, counts, 0).values())


def _commune_criteria(
    commune: dict,
    views: list[HouseholdView],
    year: int,
    criteria: CriteriaSet,
    counts: dict[int, Counts],
    relapses: int,
) -> dict:
    """C1-C7; of the households, C6 looks at the policy households only (`views` may be just those)."""
    facts: dict = next((cy for cy in commune.get("years") or () if cy["year"] == year), {})
    a = facts.get("assessments") or {}

    def assessment(key: str, extra: str = "") -> dict:
        return crit(
            judged(a.get(key)), f"{domain.COMMUNE_ASSESSMENTS[key]} năm {year}: {JUDGEMENT_TEXT[a.get(key)]}.{extra}"
        )

    last = min(year, criteria.period_end)
    c4 = reduction_criterion(
        counts, range(criteria.period_start, last + 1), criteria.commune_reduction, criteria, "Tỷ lệ hộ nghèo"
    )
    return {
        "C1": assessment("socioeconomic_targets"),
        "C2": assessment("funds_settled_on_time"),
        "C3": assessment("mobilization", f" Số hộ tái nghèo năm {year}: {relapses}."),
        "C4": c4,
        "C5": _end_rates(commune.get("region"), counts.get(last), last, year, criteria),
        "C6": _policy(views, year, criteria.policy_deadline_commune),
        "C7": assessment("reporting_on_time"),
    }


def _end_rates(region: str | None, counts: Counts | None, at: int, year: int, criteria: CriteriaSet) -> dict:
    limits = criteria.region_end_rates.get(region) if region else None
    if limits is None:
        return crit(
            NA,
            f"Xã {domain.REGION_LABELS.get(region, 'không xếp khu vực').lower()}: "
            "tiêu chí chỉ áp dụng cho xã khu vực II, III.",
        )
    if counts is None or not counts.households:
        return crit(MISSING, f"Chưa có kết quả rà soát năm {at}.")
    both = rate(counts.poor + counts.near_poor, counts.households)
    poor = counts.poverty_rate
    assert both is not None and poor is not None  # the commune has households that year
    ok = both < limits.poor_and_near_poor_below and poor < limits.poor_below
    note = "" if year >= criteria.period_end else f" (tiến độ; đánh giá cuối kỳ năm {criteria.period_end})"
    return crit(
        MET if ok else NOT_MET,
        f"Năm {at}: hộ nghèo và cận nghèo {pct_text(both)} (yêu cầu < {num_text(limits.poor_and_near_poor_below)}%), "
        f"hộ nghèo {pct_text(poor)} (yêu cầu < {num_text(limits.poor_below)}%){note}.",
    )


def _policy(views: list[HouseholdView], year: int, deadline: int) -> dict:
    policy = [v for v in views if v.data.get("policy_household")]
    if year < deadline:
        poor_now = sum(1 for v in policy if v.status(year) == "poor")
        return crit(
            MISSING,
            f"Tiến độ năm {year}: {poor_now}/{len(policy)} hộ chính sách, người có công là hộ nghèo "
            f"(đánh giá từ năm {deadline}).",
        )
    poor = sorted(
        {
            v.data.get("code") or v.data["head"]["name"]
            for v in policy
            for y in range(deadline, year + 1)
            if v.status(y) == "poor"
        }
    )
    span = f"Năm {year}" if year == deadline else f"Từ năm {deadline} đến {year}"
    if poor:
        return crit(
            NOT_MET,
            f"{span} còn {len(poor)} hộ chính sách, người có công là hộ nghèo: "
            f"{', '.join(poor[:10])}{'...' if len(poor) > 10 else ''}.",
        )
    return crit(MET, f"{span} không còn hộ chính sách, người có công nào là hộ nghèo ({len(policy)} hộ chính sách).")


# --- the report --------------------------------------------------------------------------------------


def evaluate(
    data: dict,
    year: int,
    criteria: CriteriaSet,
    group_: GroupOfCommunes | None = None,
    views: list[HouseholdView] | None = None,
) -> dict:
    """The evaluation report of shared/domain/interfaces.md for one commune and one year.

    The level above passes its GroupOfCommunes, which takes the commune in the same pass; a caller that
    also wants the year's `coverage` passes the views it made of the households (`views_of`).
    """
    views = views_of(data) if views is None else views
    report, _ = judge(data["commune"], data["villages"], views, data.get("meetings") or (), year, criteria, group_)
    return report


def judge(
    commune: dict,
    villages: list[dict],
    views: Iterable[HouseholdView],
    meetings: Iterable[dict],
    year: int,
    criteria: CriteriaSet,
    group_: GroupOfCommunes | None = None,
    slim: bool = False,
) -> tuple[dict, list[HouseholdView]]:
    """`evaluate` of a commune whose households come one at a time: each is judged as it comes, and
    with `slim` only what the villages, the commune and the coverage read of it is kept (`slimmed`),
    so a large commune is never held whole. Returns the report and the views kept."""
    area = commune["area"]
    meetings_by_household: dict[str, list] = {}
    for meeting in meetings:
        for vote in meeting["decisions"]:
            meetings_by_household.setdefault(vote["household_id"], []).append((meeting, vote))
    households, kept = [], []
    for v in views:
        if v.exists_in(year):
            households.append(evaluate_household(v, year, criteria, area, meetings_by_household))
        kept.append(slimmed(v) if slim else v)
    if group_ is not None:
        group_.add_views(kept)
    by_village: dict[str, list] = {}
    for v in kept:
        by_village.setdefault(v.data["village_id"], []).append(v)
    judged_villages = [
        evaluate_village(village, by_village.get(village["id"], []), year, criteria) for village in villages
    ]
    counts = counts_by_year(kept)
    report = {
        "criteria_set": criteria.name,
        "year": year,
        "households": households,
        "villages": judged_villages,
        "commune": evaluate_commune({"commune": commune}, kept, year, criteria, counts),
    }
    return report, kept


def slimmed(view: HouseholdView) -> HouseholdView:
    """A judged household as its village, its commune, the group and the coverage read it: where and
    when it was, its statuses and deprivations by year, its head, whether a policy household."""
    hh, head = view.data, view.data["head"]
    data = {
        "id": hh["id"],
        "village_id": hh["village_id"],
        "code": hh.get("code"),
        "head": {
            "name": head["name"],
            "gender": head["gender"],
            "single": head.get("single"),
            "ethnicity": head.get("ethnicity"),
        },
        "policy_household": hh.get("policy_household"),
        "left_in": hh.get("left_in"),
    }
    records = {y: {"deprivations": r.get("deprivations")} for y, r in view.records.items()}
    return HouseholdView(data, records, view.statuses, view.newest_first)


def views_of(data: dict) -> list[HouseholdView]:
    return [HouseholdView.of(hh) for hh in data["households"]]


def coverage_by_year(views: list[HouseholdView]) -> dict[str, dict]:
    """`coverage` of every year that has records, keyed as the report keys its rates."""
    by_village = _by_village(views)
    return {str(y): coverage(by_village, y) for y in sorted(counts_by_year(views))}


def coverage_of_year(views: list[HouseholdView], year: int) -> dict | None:
    """`coverage_by_year(views).get(str(year))`, that year's alone worked out."""
    if not any(year in v.statuses for v in views):
        return None
    return coverage(_by_village(views), year)


def _by_village(views: list[HouseholdView]) -> dict[str, list[HouseholdView]]:
    by_village: dict[str, list[HouseholdView]] = {}
    for v in views:
        by_village.setdefault(v.data["village_id"], []).append(v)
    return by_village


def coverage(by_village: dict[str, list[HouseholdView]], year: int) -> dict:
    """How much of the commune a year's records cover: the households there that year (a record that
    year or before, not left), those with a record of the year (the rates are computed over these), and
    the villages none of whose households has one. A year is complete when every household there has
    its record."""
    present = with_record = 0
    unreviewed = []
    for village_id, views in by_village.items():
        here = [v for v in views if v.exists_in(year)]
        recorded = sum(1 for v in here if year in v.records)
        present, with_record = present + len(here), with_record + recorded
        if here and not recorded:
            unreviewed.append(village_id)
    return {
        "households": present,
        "with_record": with_record,
        "villages_without_records": unreviewed,
        "complete": with_record == present,
    }


def coverage_note(entry: dict | None) -> str:
    """'' for a complete year; else the Vietnamese warning that goes next to its rates."""
    if not entry or entry["complete"]:
        return ""
    villages = len(entry["villages_without_records"])
    where = f"; {villages} thôn chưa có kết quả rà soát nào" if villages else ""
    return (
        f"Năm chưa đầy đủ: tỷ lệ tính trên {entry['with_record']}/{entry['households']} hộ có kết quả rà soát{where}."
    )


class GroupOfCommunes:
    """The level above (a district, or any group of communes), taking one commune at a time.

    Only counts and the few policy households are kept, so 150 communes need no more memory than one.
    """

    def __init__(self) -> None:
        self.counts: dict[int, Counts] = {}
        self.minority: dict[int, Counts] = {}
        self.policy: list[HouseholdView] = []
        self.communes = 0

    def add(self, data: dict) -> None:
        self.add_views([HouseholdView.of(hh) for hh in data["households"]])

    def add_views(self, views: list[HouseholdView]) -> None:
        self.add_counts(
            counts_by_year(views),
            counts_by_year(v for v in views if (v.data["head"].get("ethnicity") or "Kinh") != "Kinh"),
            [v for v in views if v.data.get("policy_household")],
        )

    def add_counts(self, counts: dict[int, Counts], minority: dict[int, Counts], policy: list[HouseholdView]) -> None:
        """One commune by its counts by year (all households, and those whose head is of an ethnic
        minority) and its policy households."""
        self.communes += 1
        for into, by_year in ((self.counts, counts), (self.minority, minority)):
            for year, c in by_year.items():
                total = into.setdefault(year, Counts())
                total.households += c.households
                total.poor += c.poor
                total.near_poor += c.near_poor
        self.policy += policy

    def evaluate(self, year: int, criteria: CriteriaSet, poor_district: bool = False) -> dict:
        """III.1.2 for the group, and the province's targets (I.1) as progress."""
        years = range(criteria.period_start, min(year, criteria.period_end) + 1)
        threshold = criteria.poor_district_reduction if poor_district else criteria.district_reduction
        found = {
            "U1": reduction_criterion(self.counts, years, threshold, criteria, "Tỷ lệ hộ nghèo của địa bàn"),
            "U2": _policy(self.policy, year, criteria.policy_deadline_district),
        }
        average = _average_reduction(self.counts, years)
        minority_average = _average_reduction(self.minority, years)
        found["U3"] = crit(
            NA if average is None else (MET if average >= criteria.province_reduction else NOT_MET),
            "Tiến độ mục tiêu của tỉnh: tỷ lệ hộ nghèo giảm bình quân "
            f"{'chưa tính được' if average is None else num_text(average)} điểm %/năm (mục tiêu ≥ "
            f"{num_text(criteria.province_reduction)}); hộ nghèo dân tộc thiểu số giảm bình quân "
            f"{'chưa tính được' if minority_average is None else num_text(minority_average)} điểm %/năm "
            f"(mục tiêu > {num_text(criteria.province_reduction_special)}).",
        )
        return {
            "verdict": group(c["verdict"] for c in (found["U1"], found["U2"])),
            "criteria": found,
            "poverty_rates": rates_of(self.counts)[0],
            "communes": self.communes,
        }


def evaluate_group(datasets: Iterable[dict], year: int, criteria: CriteriaSet, poor_district: bool = False) -> dict:
    group_ = GroupOfCommunes()
    for data in datasets:
        group_.add(data)
    return group_.evaluate(year, criteria, poor_district)


def _average_reduction(counts: dict[int, Counts], years: range) -> Fraction | None:
    cuts = []
    for y in years:
        r0 = counts[y - 1].poverty_rate if y - 1 in counts else None
        r1 = counts[y].poverty_rate if y in counts else None
        if r0 is None or r1 is None:
            return None
        cuts.append(r0 - r1)
    return sum(cuts, Fraction(0)) / len(cuts) if cuts else None
