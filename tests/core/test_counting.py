"""The level above's counting path gives exactly what judging every household gives: the overview's
figures of a commune (households, rates, verdict, eligible, coverage) and the group's criteria, on
generated communes with what makes them hard (the recycle bin, households that left or have no record,
a village without records in a year, policy households never reviewed, unsaid ethnicities, deleted
meetings, many households that could be eligible)."""

from __future__ import annotations

import random
import uuid

import pytest

from thidua_desktop.evaluation import criteria, evaluator, service
from thidua_desktop.register import dataset, demo

CRITERIA = criteria.load()
YEARS = range(2014, 2022)  # before, through and after the records


def reference(store, year, group_) -> dict:
    """The overview's row as it was computed before the counting path: every household judged."""
    data = dataset.export_data(store)
    views = evaluator.views_of(data)
    report = evaluator.evaluate(data, year, CRITERIA, group_, views)
    return {
        "households": len(report["households"]),
        "poverty_rates": report["commune"]["poverty_rates"],
        "near_poor_rates": report["commune"]["near_poor_rates"],
        "verdict": report["commune"]["verdict"],
        "eligible": sum(1 for h in report["households"] if h["verdict"] == "eligible"),
        "coverage": evaluator.coverage_by_year(views),
    }


def hard_commune(seed: int) -> dict:
    rng = random.Random(seed)
    data = demo.generate(households=rng.randint(40, 160), villages=rng.randint(2, 6), seed=seed)
    voted = {d["household_id"] for m in data["meetings"] for d in m["decisions"]}
    lonely = data["villages"][-1]["id"]
    for i, hh in enumerate(data["households"]):
        head = hh["head"]
        if i % 7 == 0:
            head["ethnicity"] = rng.choice([None, "Kinh", "Tày", "Dao"])
        if i % 5 == 0:  # a household that could be eligible on every count
            for r in hh["years"]:
                r["cultural_family"] = r["registered_to_exit"] = True
                r["assessments"] = {k: True for k in r["assessments"]}
        if i % 11 == 0 and hh["id"] not in voted:
            hh["years"] = []  # known, never reviewed (a policy household among them)
            hh["policy_household"] = i % 22 == 0
        if hh["village_id"] == lonely:  # one village has no record of 2018: an incomplete year
            hh["years"] = [r for r in hh["years"] if r["year"] != 2018]
    for m in [m for m in data["meetings"] if m["year"] in (2018, 2019)]:
        # A second meeting the same day voting the other way: the first one listed decides the vote.
        again = {**m, "id": str(uuid.uuid4()), "decisions": [{**d, "agree": 0} for d in m["decisions"]]}
        data["meetings"].append(again)
    return data


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_the_counted_year_is_the_judged_year(store_factory, seed):
    communes = []
    for k in range(3):
        s = store_factory(f"xa-{seed}-{k}.sqlite")
        data = hard_commune(seed * 10 + k)
        data["commune"]["region"] = ["I", "II", "III", None][k % 4]
        if k == 2:  # mostly Kinh heads: the store counts the minority side from its households, not the rest
            for i, hh in enumerate(data["households"]):
                if i % 4:
                    hh["head"]["ethnicity"] = "Kinh"
        dataset.import_data(s, data)
        voted = {d["household_id"] for m in data["meetings"] for d in m["decisions"]}
        free = [h["id"] for h in data["households"] if h["id"] not in voted]
        for hid in free[:: max(len(free) // 5, 1)]:
            s.register.delete_household(hid)  # to the recycle bin: counted nowhere
        for meeting in data["meetings"][:: max(len(data["meetings"]) // 4, 1)]:
            s.meetings.delete(meeting["id"])  # its votes count no more
        communes.append(s)
    for year in YEARS:
        judged, counted = evaluator.GroupOfCommunes(), evaluator.GroupOfCommunes()
        for s in communes:
            assert service.count_year(s, year, CRITERIA, counted) == reference(s, year, judged), (seed, year)
        assert counted.evaluate(year, CRITERIA) == judged.evaluate(year, CRITERIA)
        assert counted.evaluate(year, CRITERIA, poor_district=True) == judged.evaluate(year, CRITERIA, True)


def test_some_households_are_eligible_and_few_are_judged(store, demo_data):
    """The comparison is not empty: households are eligible, and far from all are judged; the store's
    choice of them is the evaluator's own."""
    dataset.import_data(store, demo_data)
    row = service.count_year(store, 2019, CRITERIA)
    every = store.register.year_records(2019, [(("poor", "near_poor", "non_poor"), ())])
    chosen = store.register.year_records(2019, evaluator.ELIGIBLE_NEEDS, evaluator.ELIGIBLE_VOTE)
    voted = {
        d["household_id"]
        for m in store.meetings.find(2019)
        if m["purpose"] == evaluator.ELIGIBLE_VOTE
        for d in m["decisions"]
    }
    assert row["eligible"] > 0
    assert 0 < len(chosen) < len(every) / 10
    assert sorted(chosen) == sorted(r for r in every if evaluator.could_be_eligible(_record(r)) and r[0] in voted)


def _record(row: tuple) -> dict:
    _, status, cultural, registered, effort, initiative, supports, model = row
    flag = {None: None, 0: False, 1: True}
    return {
        "status": status,
        "cultural_family": flag[cultural],
        "registered_to_exit": flag[registered],
        "assessments": {
            "effort": flag[effort],
            "initiative": flag[initiative],
            "supports_others": flag[supports],
            "role_model": flag[model],
        },
    }


@pytest.mark.parametrize("seed", [4, 7])
def test_the_commune_judged_a_batch_at_a_time_is_judged_whole(store_factory, seed):
    """service.run reads and judges a batch of households at a time and keeps little of each: its report,
    village series and coverage are those of judging the dataset whole."""
    s = store_factory(f"xa-run-{seed}.sqlite")
    data = hard_commune(seed)
    dataset.import_data(s, data)
    voted = {d["household_id"] for m in data["meetings"] for d in m["decisions"]}
    for hh in [h for h in data["households"] if h["id"] not in voted][::6]:
        s.register.delete_household(hh["id"])
    whole = dataset.export_data(s)
    by_village: dict[str, list] = {}
    for hh in whole["households"]:
        by_village.setdefault(hh["village_id"], []).append(hh)
    for year in (2014, 2016, 2019, 2020, 2021):
        got = service.run(s, year, CRITERIA)
        assert got.report == evaluator.evaluate(whole, year, CRITERIA)
        assert got.village_series == {
            v["id"]: evaluator.rate_series(by_village.get(v["id"], [])) for v in whole["villages"]
        }
        assert got.coverage == evaluator.coverage_by_year(evaluator.views_of(whole))


@pytest.mark.parametrize("seed", range(4))
def test_one_years_coverage_is_that_year_of_every_years(seed):
    views = evaluator.views_of(hard_commune(seed))
    every = evaluator.coverage_by_year(views)
    for year in YEARS:
        assert evaluator.coverage_of_year(views, year) == every.get(str(year))
