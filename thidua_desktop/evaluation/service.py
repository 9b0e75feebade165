"""Running an evaluation on a store: load, judge, record which criteria set judged what, summarise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from thidua_desktop import domain
from thidua_desktop.evaluation import evaluator
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent


@dataclass
class Evaluation:
    report: dict  # exactly the JSON of interfaces.md
    village_series: dict[str, tuple[dict, dict]]  # village id -> (poverty rates, near-poor rates) by year
    coverage: dict[str, dict]  # year -> households there, those with a record (the rates' base), complete


def run(store: Store, year: int, criteria: CriteriaSet) -> Evaluation:
    """Judge the store's commune for a year; record which criteria set and version did it. The
    households are read and judged a batch at a time (only what the villages and the commune need of
    each is kept): the report is `evaluator.evaluate(dataset.export_data(store), ...)`'s."""
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
    policy: dict[int, evaluator.HouseholdView] = {}
    for pk, code, name, record_year, record_status in reg.policy_statuses():
        view = policy.get(pk)
        if view is None:
            hh = {"code": code, "head": {"name": name}, "policy_household": True}
            view = policy[pk] = evaluator.HouseholdView(hh, {}, {}, [])
        if record_year is not None and record_status is not None:
            view.records[record_year] = {"year": record_year, "status": record_status}
            view.statuses[record_year] = record_status
    for view in policy.values():
        view.newest_first = sorted(view.records, reverse=True)
    if group_ is not None:
        group_.add_counts(counts, minority, list(policy.values()))
    present, coverage = _presence(reg.households_by_years(), sorted(counts), year)
    poverty_rates, near_poor_rates = evaluator.rates_of(counts)
    return {
        "households": present,
        "poverty_rates": poverty_rates,
        "near_poor_rates": near_poor_rates,
        "verdict": evaluator.commune_verdict(commune, list(policy.values()), year, criteria, counts),
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
    report: dict, data_names: dict[str, str], commune_name: str, criteria: CriteriaSet, coverage: dict | None = None
) -> str:
    """The report as a Vietnamese text for the command line; a year not every household's record covers
    is said to be incomplete next to its rate."""
    label = domain.VERDICT_LABELS
    year = report["year"]
    lines = [
        f"ĐÁNH GIÁ NĂM {year} - {commune_name}",
        f"Bộ tiêu chí: {criteria.name} (phiên bản {criteria.version})",
        "",
    ]
    commune = report["commune"]
    lines.append(f"Xã: {label[commune['verdict']].upper()}")
    for key, c in commune["criteria"].items():
        lines.append(f"  {key} {domain.CRITERION_LABELS[key]}: {label[c['verdict']]}. {c['reason']}")
    cover = coverage or {}
    rates = ", ".join(
        f"{y}: {format_percent(r)}" + ("" if cover.get(y, {}).get("complete", True) else " (chưa đầy đủ)")
        for y, r in commune["poverty_rates"].items()
    )
    lines += ["", f"Tỷ lệ hộ nghèo theo năm: {rates}"]
    note = evaluator.coverage_note(cover.get(str(year)))
    if note:
        lines.append(f"Năm {year}: {note}")
    lines += ["", "Thôn, bản, tổ dân phố:"]
    for v in report["villages"]:
        lines.append(
            f"  {data_names.get(v['id'], v['id'])}: {label[v['verdict']]} (hộ nghèo {format_percent(v['poverty_rate'])}, "
            f"cận nghèo {format_percent(v['near_poor_rate'])})"
        )
        for key, c in v["criteria"].items():
            if c["verdict"] != "met":
                lines.append(f"      {key}: {label[c['verdict']]}. {c['reason']}")
    counts = Counter(h["verdict"] for h in report["households"])
    differs = sum(1 for h in report["households"] if h["status_differs"])
    lines += [
        "",
        f"Hộ gia đình năm {year}: {len(report['households'])} hộ",
        f"  Đủ điều kiện đề nghị khen thưởng: {counts['eligible']}",
        f"  Chưa đủ thông tin để đánh giá: {counts['missing']}",
        f"  Không đủ điều kiện: {counts['not_eligible']}",
        f"  Không thuộc diện xét (không nghèo, không mới thoát nghèo): {counts['not_applicable']}",
        f"  Phân loại khác với kết quả tính theo chuẩn nghèo (cần xem lại): {differs}",
    ]
    return "\n".join(lines)
