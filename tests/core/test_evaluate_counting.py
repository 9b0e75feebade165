"""The `evaluate` command's counting path (service.run_counted) gives what judging every household with
its reasons gives (service.run): the same summary text, byte for byte, the same figures and the same
recorded run, on generated communes with what makes them hard (the recycle bin, deleted meetings, two
meetings of one day, households that left or were never reviewed, unknown incomes and deprivations,
loans not yet judged, an incomplete year), in years before, through and after the records. The verdict
of one household without its reasons is held equal to evaluate_household's on any household."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_counting import hard_commune
from tests.helpers import sql
from thidua_desktop.evaluation import criteria, evaluator, service
from thidua_desktop.register import dataset

CRITERIA = criteria.load()
YEARS = range(2013, 2023)  # the records run 2015-2020


def harder_commune(seed: int) -> dict:
    data = hard_commune(seed)
    rng = random.Random(seed)
    data["commune"]["area"] = rng.choice(["rural", "urban"])
    data["commune"]["region"] = rng.choice(["I", "II", "III", None])
    for i, hh in enumerate(data["households"]):
        years = [r["year"] for r in hh["years"]]
        if i % 13 == 0 and len(years) > 2:
            hh["left_in"] = rng.choice(years[1:])  # there before, not since
            hh["years"] = [r for r in hh["years"] if r["year"] < hh["left_in"]]
        for r in hh["years"]:
            if rng.random() < 0.1:
                r["income_per_capita"] = None
            if rng.random() < 0.1:
                r["deprivations"] = None
            if rng.random() < 0.05:
                r["deprivations"] = []
        for loan in hh["loans"]:
            key = rng.choice(["used_as_intended", "repaid_on_time"])
            loan[key] = rng.choice([True, False, None, loan[key]])
        if i % 17 == 0 and len(hh["years"]) > 3:
            del hh["years"][len(hh["years"]) // 2]  # a gap in its records
    return data


def _runs(store) -> list[tuple]:
    rows = sql(
        store,
        "SELECT actor, year, criteria_set, criteria_version, households, eligible, commune_verdict "
        "FROM evaluation_run ORDER BY id DESC LIMIT 2",
    )
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("seed", [3, 11, 19, 27])
def test_the_counted_summary_is_the_judged_summary(store_factory, seed):
    s = store_factory(f"xa-{seed}.sqlite")
    data = harder_commune(seed)
    dataset.import_data(s, data)
    voted = {d["household_id"] for m in data["meetings"] for d in m["decisions"]}
    free = [h["id"] for h in data["households"] if h["id"] not in voted]
    for hid in free[:: max(len(free) // 4, 1)]:
        s.register.delete_household(hid)  # to the recycle bin: counted nowhere
    for meeting in data["meetings"][:: max(len(data["meetings"]) // 3, 1)]:
        s.meetings.delete(meeting["id"])  # its votes count no more
    names = {v["id"]: v["name"] for v in s.register.villages(include_deleted=True)}
    eligible = 0
    for year in YEARS:
        judged = service.run(s, year, CRITERIA)
        counted = service.run_counted(s, year, CRITERIA)
        judged_runs = _runs(s)
        assert judged_runs[0] == judged_runs[1], (seed, year)  # the same run recorded
        assert counted == service.Counted.of(judged.report, judged.coverage), (seed, year)
        assert counted.coverage == judged.coverage
        text = service.summary(counted, names, "Xã Thử", CRITERIA)
        assert text == service.summary(judged.report, names, "Xã Thử", CRITERIA, judged.coverage), (seed, year)
        eligible += counted.verdicts["eligible"]
    assert eligible > 0  # the comparison is not empty


def test_a_commune_without_records(store_factory):
    s = store_factory("trong.sqlite")
    data = hard_commune(5)
    for hh in data["households"]:
        hh["years"] = []
    data["meetings"] = []
    dataset.import_data(s, data)
    judged = service.run(s, 2019, CRITERIA)
    counted = service.run_counted(s, 2019, CRITERIA)
    assert counted == service.Counted.of(judged.report, judged.coverage)
    assert counted.households == 0 and counted.coverage == {}


# --- one household ------------------------------------------------------------------------------------

judgement = st.sampled_from([True, False, None])


@st.composite
def households(draw):
    years = sorted(draw(st.sets(st.integers(2012, 2022), min_size=1, max_size=11)))
    statuses = draw(
        st.lists(st.sampled_from(["poor", "near_poor", "non_poor"]), min_size=len(years), max_size=len(years))
    )
    records = []
    for y, status in zip(years, statuses):
        records.append(
            {
                "year": y,
                "status": status,
                "income_per_capita": draw(st.one_of(st.none(), st.integers(0, 3_000_000))),
                "deprivations": draw(st.one_of(st.none(), st.lists(st.just("water_source"), max_size=6))),
                "cultural_family": draw(judgement),
                "registered_to_exit": draw(judgement),
                "assessments": {k: draw(judgement) for k in ("effort", "initiative", "supports_others", "role_model")},
            }
        )
    loans = [
        {"disbursed_on": f"{y}-03-01", "used_as_intended": draw(judgement), "repaid_on_time": draw(judgement)}
        for y in draw(st.lists(st.integers(2010, 2022), max_size=3))
    ]
    hh = {"id": "h", "village_id": "v", "head": {"name": "A", "gender": "male"}, "years": records, "loans": loans}
    meetings = [
        ({"year": y, "purpose": purpose, "held_on": f"{y}-0{month}-01", "attendees": 20}, {"agree": agree})
        for y, purpose, month, agree in draw(
            st.lists(
                st.tuples(
                    st.integers(2014, 2022),
                    st.sampled_from(["emulation", "poverty_review"]),
                    st.integers(1, 9),
                    st.integers(0, 20),
                ),
                max_size=3,
            )
        )
    ]
    return hh, meetings, draw(st.sampled_from(years)), draw(st.sampled_from(["rural", "urban"]))


@settings(max_examples=400, deadline=None)
@given(households())
def test_the_verdict_without_reasons_is_the_verdict(case):
    hh, meetings, year, area = case
    view = evaluator.HouseholdView.of(hh)
    full = evaluator.evaluate_household(view, year, CRITERIA, area, {"h": meetings})
    record = view.records[year]
    loans = [loan for loan in hh["loans"] if int(loan["disbursed_on"][:4]) <= year]
    bad = [loan for loan in loans if False in (loan["used_as_intended"], loan["repaid_on_time"])]
    unknown = [loan for loan in loans if None in (loan["used_as_intended"], loan["repaid_on_time"])]
    voted = [(m, d) for m, d in meetings if m["year"] == year and m["purpose"] == "emulation"]
    vote = evaluator.MISSING
    if voted:
        meeting, decision = max(voted, key=lambda md: md[0]["held_on"])
        vote = evaluator.MET if CRITERIA.vote_passes(decision["agree"], meeting["attendees"]) else evaluator.NOT_MET
    a = record["assessments"]
    stored = {True: 1, False: 0, None: None}  # as the store gives them
    judgements = tuple(
        stored[j]
        for j in (
            record["cultural_family"],
            record["registered_to_exit"],
            a["effort"],
            a["initiative"],
            a["supports_others"],
            a["role_model"],
        )
    )
    verdict = evaluator.household_verdict(
        record["status"],
        evaluator.exit_criterion(view.statuses, year, CRITERIA),
        evaluator.loans_verdict(len(loans), len(bad), len(unknown)),
        vote,
        judgements,
    )
    assert verdict == full["verdict"]
    if "A" in full["categories"]:
        assert (
            evaluator.exit_criterion(view.statuses, year, CRITERIA)
            == full["categories"]["A"]["criteria"]["A3"]["verdict"]
        )
    else:
        assert evaluator.exit_criterion(view.statuses, year, CRITERIA) is None
    assert evaluator.relapsed(view.statuses, year) == view.relapsed(year)
    deprivations = record["deprivations"]
    by_standard = evaluator.status_rule(year, area, CRITERIA)
    assert (
        by_standard(record["income_per_capita"], None if deprivations is None else len(deprivations))
        == (full["computed_status"])
    )
