"""Running an evaluation on a store: load, judge, record which criteria set judged what, summarise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from thidua_desktop import domain
from thidua_desktop.evaluation import evaluator
from thidua_desktop.text import format_percent

if TYPE_CHECKING:
    from thidua_desktop.evaluation.criteria import CriteriaSet
    from thidua_desktop.store import Store


@dataclass
class Evaluation:
    report: dict  # exactly the JSON of interfaces.md
    village_series: dict[str, tuple[dict, dict]]  # village id -> (poverty rates, near-poor rates) by year
    coverage: dict[str, dict]  # year -> households there, those with a record (the rates' base), complete


@dataclass
class Counted:
    """A commune's year as the summary gives it: the report less its households, which are counted."""

    year: int
    commune: dict  # the report's "commune"
    villages: list[dict]  # the report's "villages"
    households: int  # the households there in the year: the report's households
    verdicts: Counter  # verdict -> households
    differs: int  # households whose status differs from the one the poverty standard gives
    coverage: dict[str, dict]  # as Evaluation.coverage

    @classmethod
    def of(cls, report: dict, coverage: dict | None = None) -> Counted:
        households = report["households"]
        return cls(
            report["year"],
            report["commune"],
            report["villages"],
            len(households),
            Counter(h["verdict"] for h in households),
            sum(1 for h in households if h["status_differs"]),
            coverage or {},
        )


def run(store: Store, year: int, criteria: CriteriaSet) -> Evaluation:
    """Judge the store's commune for a year; record which criteria set and version did it. The
    households are read and judged a batch at a time (only what the villages and the commune need of
    each is kept): the report is `evaluator.evaluate(dataset.export_data(store), ...)`'s."""
    from thidua_desktop.register import dataset

    commune = dataset.commune_to_export(store)
    views = (evaluator.HouseholdView.of(hh) for hh in store.register.iter_households())
    villages = store.register.villages()
    report, kept = evaluator.judge(commune, villages, views, store.meetings.find(), year, criteria, slim=True)
    eligible = sum(1 for h in report["households"] if h["verdict"] == "eligible")
    store.runs.record(
        year, criteria.name, criteria.version, len(report["households"]), eligible, report["commune"]["verdict"]
    )
    by_village: dict[str, list] = {}
    for view in kept:
        by_village.setdefault(view.data["village_id"], []).append(view)
    series = {v["id"]: evaluator.rates_of(evaluator.counts_by_year(by_village.get(v["id"], []))) for v in villages}
    return Evaluation(report, series, evaluator.coverage_by_year(kept))


_POOR_OR_NEAR = ("poor", "near_poor")


def run_counted(store: Store, year: int, criteria: CriteriaSet) -> Counted:
    """`run` for the summary: the same verdicts, rates, coverage and recorded run, the households counted
    rather than each given its report. The store's households come one after another, a tuple each of
    the few columns wanted with its records' years and statuses joined, so a large commune is never
    held; what a household's history says of the year is worked out once for every household sharing it."""
    reg = store.register
    commune = reg.commune()
    if commune is None:
        from thidua_desktop.register import dataset

        commune = dataset.commune_to_export(store)  # refused: a file without its commune
    area, before = commune["area"], year - 1
    loans = {
        hid: evaluator.loans_verdict(n, bad, unknown) for hid, n, bad, unknown in store.runs.loans_by_household(year)
    }
    votes = _votes(store, year, criteria)
    histories: dict[tuple[str, str], _History] = {}
    arrivals: Counter = Counter()  # (village, year left, years, statuses) -> households with records
    villages_seen: dict[str, None] = {}  # in the order of their first household
    vulnerable: Counter = Counter()  # village -> poor or near-poor households headed by a woman or single
    deprivations: dict[str, tuple[int, int, int]] = {}  # village -> (households, deprivations before, now)
    verdicts: Counter = Counter()
    verdict_of: dict[tuple, str] = {}  # household_verdict's, by what it is given
    by_standard = evaluator.status_rule(year, area, criteria)
    present = differs = relapses = 0
    policy: list[evaluator.HouseholdView] = []  # as C6 reads them
    for row in store.runs.households_by_history(year):
        hid, village, left, headed_by_vulnerable, of_policy, code, name, years, statuses = row[:9]
        villages_seen.setdefault(village)
        if years is None:
            if of_policy:
                policy.append(evaluator.HouseholdView(_policy_data(code, name), {}, {}, []))
            continue  # never reviewed: there in no year
        arrivals[village, left, years, statuses] += 1
        history = histories.get((years, statuses))
        if history is None:
            history = histories[years, statuses] = _History.of(years, statuses, year, criteria)
        if of_policy:
            records = {y: {"year": y, "status": s} for y, s in history.statuses.items()}
            policy.append(evaluator.HouseholdView(_policy_data(code, name), records, dict(history.statuses), []))
        now_deprived, before_deprived, income = row[9:12]
        now = history.now
        if now is not None:
            if now in _POOR_OR_NEAR and headed_by_vulnerable:
                vulnerable[village] += 1
            relapses += history.relapsed
            if history.before in _POOR_OR_NEAR and before_deprived is not None and now_deprived is not None:
                n, old, new = deprivations.get(village, (0, 0, 0))
                deprivations[village] = (n + 1, old + before_deprived, new + now_deprived)
        if history.first > year or (left is not None and left <= year):
            continue  # not there in the year
        present += 1
        if now is None:
            verdicts[evaluator.MISSING] += 1
            continue
        computed = by_standard(income, now_deprived)
        differs += computed is not None and computed != now
        key = (now, history.exit_criterion, loans.get(hid, evaluator.NA), votes.get(hid, evaluator.MISSING), row[12:])
        verdict = verdict_of.get(key)
        if verdict is None:
            verdict = verdict_of[key] = evaluator.household_verdict(*key)
        verdicts[verdict] += 1
    counts, by_village, coverage = _counts(arrivals, histories, list(villages_seen))
    none = evaluator.Counts()
    villages = [
        evaluator.village_result(
            v,
            year,
            criteria,
            by_village.get((v["id"], year), none),
            by_village.get((v["id"], before), none),
            vulnerable[v["id"]],
            deprivations.get(v["id"], (0, 0, 0)),
        )
        for v in reg.villages()
    ]
    for view in policy:
        view.newest_first = sorted(view.records, reverse=True)
    judged = evaluator.commune_result(commune, policy, year, criteria, counts, relapses)
    eligible = verdicts["eligible"]
    store.runs.record(year, criteria.name, criteria.version, present, eligible, judged["verdict"])
    return Counted(year, judged, villages, present, verdicts, differs, coverage)


def _votes(store: Store, year: int, criteria: CriteriaSet) -> dict[str, str]:
    """B4's and A6's verdict of each household a meeting of the year voted on (`evaluator._vote`)."""
    latest: dict[str, tuple[str, int, int]] = {}
    for hid, held_on, attendees, agree in store.runs.votes_of_year(year, "emulation"):
        if hid not in latest or held_on > latest[hid][0]:  # the last meeting; of one day, the first listed
            latest[hid] = (held_on, agree, attendees)
    return {
        hid: evaluator.MET if criteria.vote_passes(agree, attendees) else evaluator.NOT_MET
        for hid, (_, agree, attendees) in latest.items()
    }


def _policy_data(code: str | None, name: str) -> dict:
    return {"code": code, "head": {"name": name}, "policy_household": True}


def _counts(
    arrivals: Counter, histories: dict[tuple[str, str], _History], villages: list[str]
) -> tuple[dict[int, evaluator.Counts], dict[tuple[str, int], evaluator.Counts], dict[str, dict]]:
    """The commune's counts by year, each village's by (village, year), and `coverage_by_year`, from the
    households counted by village, year left and history (villages in the order of their first household)."""
    records: Counter = Counter()  # (village, year, status, there that year) -> records
    for (village, left, years, statuses), n in arrivals.items():
        for y, status in histories[years, statuses].statuses.items():
            records[village, y, status, left is None or left > y] += n
    counts: dict[int, evaluator.Counts] = {}
    by_village: dict[tuple[str, int], evaluator.Counts] = {}
    recorded: Counter = Counter()  # (year, village) -> records of households there
    for (village, y, status, there), n in records.items():
        for c in (counts.setdefault(y, evaluator.Counts()), by_village.setdefault((village, y), evaluator.Counts())):
            c.households += n
            c.poor += n if status == "poor" else 0
            c.near_poor += n if status == "near_poor" else 0
        if there:
            recorded[y, village] += n
    coverage = {}
    for y in sorted(counts):
        here: Counter = Counter()  # village -> households there (a record that year or before, not left)
        for (village, left, years, statuses), n in arrivals.items():
            if histories[years, statuses].first <= y and (left is None or left > y):
                here[village] += n
        with_record = sum(recorded[y, v] for v in villages)
        coverage[str(y)] = {
            "households": sum(here.values()),
            "with_record": with_record,
            "villages_without_records": [v for v in villages if here[v] and not recorded[y, v]],
            "complete": with_record == sum(here.values()),
        }
    return counts, by_village, coverage


@dataclass
class _History:
    """What a household's years of records and their statuses tell of `year`, worked out once for all the
    households that share them."""

    statuses: dict[int, str]
    first: int  # the first year with a record
    now: str | None  # the status of the year
    before: str | None  # of the year before
    relapsed: bool
    exit_criterion: str | None  # A3's verdict; None when category A does not apply

    @classmethod
    def of(cls, years: str, statuses: str, year: int, criteria: CriteriaSet) -> _History:
        by_year = dict(zip(map(int, years.split(",")), statuses.split(",")))
        now = by_year.get(year)
        return cls(
            by_year,
            min(by_year),
            now,
            by_year.get(year - 1),
            evaluator.relapsed(by_year, year),
            None if now is None else evaluator.exit_criterion(by_year, year, criteria),
        )


def _policy_views(store: Store) -> list[evaluator.HouseholdView]:
    """The policy households (recycle bin left out) as C6 and U2 read them: code, head's name, statuses."""
    policy: dict[int, evaluator.HouseholdView] = {}
    for pk, code, name, record_year, record_status in store.register.policy_statuses():
        view = policy.get(pk)
        if view is None:
            view = policy[pk] = evaluator.HouseholdView(_policy_data(code, name), {}, {}, [])
        if record_year is not None and record_status is not None:
            view.records[record_year] = {"year": record_year, "status": record_status}
            view.statuses[record_year] = record_status
    for view in policy.values():
        view.newest_first = sorted(view.records, reverse=True)
    return list(policy.values())


_ASSESSMENTS = ("effort", "initiative", "supports_others", "role_model")


def _judgement(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def count_year(store: Store, year: int, criteria: CriteriaSet, group_: evaluator.GroupOfCommunes | None = None) -> dict:
    """A commune's year as the level above's overview gives it, counted rather than judged household by
    household: the households there, the rates by year, the commune's verdict, the eligible households
    and each year's coverage, exactly as `evaluate` and `coverage_by_year` give them. The store counts
    and returns tuples of the columns wanted; only households whose record of the year could make them
    eligible (`evaluator.ELIGIBLE_NEEDS`, a vote) are judged, with their statuses, loans and votes. A group takes the
    commune's counts and policy households as `GroupOfCommunes.add` would."""
    reg = store.register
    commune = reg.commune()
    assert commune is not None  # a commune's copy always has its commune
    counts: dict[int, evaluator.Counts] = {}
    minority: dict[int, evaluator.Counts] = {}
    for y, status, n, of_minority in reg.status_counts():
        for into, k in ((counts, n), (minority, of_minority)):
            if k:
                c = into.setdefault(y, evaluator.Counts())
                c.households += k
                c.poor += k if status == "poor" else 0
                c.near_poor += k if status == "near_poor" else 0
    policy = _policy_views(store)
    if group_ is not None:
        group_.add_counts(counts, minority, policy)
    present, coverage = _presence(reg.households_by_years(), sorted(counts), year)
    poverty_rates, near_poor_rates = evaluator.rates_of(counts)
    return {
        "households": present,
        "poverty_rates": poverty_rates,
        "near_poor_rates": near_poor_rates,
        "verdict": evaluator.commune_verdict(commune, policy, year, criteria, counts),
        "eligible": _eligible(store, commune, year, criteria),
        "coverage": coverage,
    }


def _presence(groups: list[tuple], record_years: list[int], year: int) -> tuple[int, dict[str, dict]]:
    """The households there in `year`, and `coverage_by_year`, from the households grouped by village,
    year left and years of their records: there in a year is a record that year or before, not left by
    then (`HouseholdView.exists_in`); villages in the order the households list them."""
    first_pk: dict[str, int] = {}
    here: dict[tuple[int, str], int] = {}
    recorded: dict[tuple[int, str], int] = {}
    for village_id, left_in, joined, pk, n in groups:
        first_pk[village_id] = min(pk, first_pk.get(village_id, pk))
        if joined is None:
            continue  # never reviewed: there in no year
        years = {int(y) for y in joined.split(",")}
        first = min(years)
        for y in {*record_years, year}:
            if first <= y and (left_in is None or left_in > y):
                here[y, village_id] = here.get((y, village_id), 0) + n
                if y in years:
                    recorded[y, village_id] = recorded.get((y, village_id), 0) + n
    villages = sorted(first_pk, key=first_pk.__getitem__)
    coverage = {}
    for y in record_years:
        present = [(v, here.get((y, v), 0), recorded.get((y, v), 0)) for v in villages]
        coverage[str(y)] = {
            "households": sum(p[1] for p in present),
            "with_record": sum(p[2] for p in present),
            "villages_without_records": [v for v, there, rec in present if there and not rec],
            "complete": sum(p[2] for p in present) == sum(p[1] for p in present),
        }
    return sum(n for (y, _), n in here.items() if y == year), coverage


def _eligible(store: Store, commune: dict, year: int, criteria: CriteriaSet) -> int:
    """How many households `evaluate` finds eligible: those that could be are judged as it judges them."""
    reg = store.register
    candidates = {}
    chosen = reg.year_records(year, evaluator.ELIGIBLE_NEEDS, evaluator.ELIGIBLE_VOTE)
    for hid, status, cultural, registered, *assessed in chosen:
        candidates[hid] = {
            "year": year,
            "status": status,
            "cultural_family": _judgement(cultural),
            "registered_to_exit": _judgement(registered),
            "assessments": {k: _judgement(v) for k, v in zip(_ASSESSMENTS, assessed)},
        }
    if not candidates:
        return 0
    ids = list(candidates)
    households: dict[str, dict] = {hid: {"id": hid, "years": [], "loans": []} for hid in ids}
    for hid, y, status in reg.statuses_of(ids):
        households[hid]["years"].append(candidates[hid] if y == year else {"year": y, "status": status})
    for hid, disbursed_on, used, repaid in reg.loans_of(ids):
        households[hid]["loans"].append(
            {"disbursed_on": disbursed_on, "used_as_intended": _judgement(used), "repaid_on_time": _judgement(repaid)}
        )
    meetings: dict[str, list] = {}
    for hid, held_on, attendees, agree in reg.votes_of(ids, year, "emulation"):
        meeting = {"year": year, "purpose": "emulation", "held_on": held_on, "attendees": attendees}
        meetings.setdefault(hid, []).append((meeting, {"agree": agree}))
    return sum(
        evaluator.evaluate_household(evaluator.HouseholdView.of(hh), year, criteria, commune["area"], meetings)[
            "verdict"
        ]
        == "eligible"
        for hh in households.values()
    )


def summary(
    report: dict | Counted,
    data_names: dict[str, str],
    commune_name: str,
    criteria: CriteriaSet,
    coverage: dict | None = None,
) -> str:
    """The report (or the year counted, `run_counted`) as a Vietnamese text for the command line; a year
    not every household's record covers is said to be incomplete next to its rate."""
    counted = report if isinstance(report, Counted) else Counted.of(report, coverage)
    label = domain.VERDICT_LABELS
    year = counted.year
    lines = [
        f"ĐÁNH GIÁ NĂM {year} - {commune_name}",
        f"Bộ tiêu chí: {criteria.name} (phiên bản {criteria.version})",
        "",
    ]
    commune = counted.commune
    lines.append(f"Xã: {label[commune['verdict']].upper()}")
    for key, c in commune["criteria"].items():
        lines.append(f"  {key} {domain.CRITERION_LABELS[key]}: {label[c['verdict']]}. {c['reason']}")
    cover = counted.coverage
    rates = ", ".join(
        f"{y}: {format_percent(r)}" + ("" if cover.get(y, {}).get("complete", True) else " (chưa đầy đủ)")
        for y, r in commune["poverty_rates"].items()
    )
    lines += ["", f"Tỷ lệ hộ nghèo theo năm: {rates}"]
    note = evaluator.coverage_note(cover.get(str(year)))
    if note:
        lines.append(f"Năm {year}: {note}")
    lines += ["", "Thôn, bản, tổ dân phố:"]
    for v in counted.villages:
        lines.append(
            f"  {data_names.get(v['id'], v['id'])}: {label[v['verdict']]} (hộ nghèo {format_percent(v['poverty_rate'])}, "
            f"cận nghèo {format_percent(v['near_poor_rate'])})"
        )
        for key, c in v["criteria"].items():
            if c["verdict"] != "met":
                lines.append(f"      {key}: {label[c['verdict']]}. {c['reason']}")
    counts = counted.verdicts
    lines += [
        "",
        f"Hộ gia đình năm {year}: {counted.households} hộ",
        f"  Đủ điều kiện đề nghị khen thưởng: {counts['eligible']}",
        f"  Chưa đủ thông tin để đánh giá: {counts['missing']}",
        f"  Không đủ điều kiện: {counts['not_eligible']}",
        f"  Không thuộc diện xét (không nghèo, không mới thoát nghèo): {counts['not_applicable']}",
        f"  Phân loại khác với kết quả tính theo chuẩn nghèo (cần xem lại): {counted.differs}",
    ]
    return "\n".join(lines)
