"""Village meetings and the nomination list: votes at the threshold, refusals that write nothing,
statuses and the written reason for a nominee the evaluator does not find eligible."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import sql
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import criteria, evaluator, nominations, votes
from thidua_desktop.register import dataset

CRITERIA = criteria.load()


def _meeting(store, year=2019, attendees=10, tallies=((5, 3, 2),), held_on=None):
    village = store.register.villages()[0]
    ids = [r[0] for r in sql(store, "SELECT id FROM household WHERE village_id = ? ORDER BY pk", (village["id"],))]
    m = votes.new_meeting(village["id"], year, held_on or f"{year}-12-05")
    m["attendees"] = attendees
    m["decisions"] = [
        {"household_id": hid, "agree": a, "disagree": d, "abstain": x} for hid, (a, d, x) in zip(ids, tallies)
    ]
    return m


def test_half_the_room_agreeing_passes_at_the_default_threshold_and_fails_under_strict_majority():
    at_half = {"agree": 5, "disagree": 5, "abstain": 0}
    assert votes.outcome(at_half, 10, CRITERIA).approved
    assert not votes.outcome({**at_half, "agree": 4}, 10, CRITERIA).approved
    strict = replace(CRITERIA, vote_operator=">")
    assert not votes.outcome(at_half, 10, strict).approved
    assert votes.outcome({**at_half, "agree": 6}, 10, strict).approved
    assert votes.outcome(at_half, 10, CRITERIA).text(CRITERIA) == "Được đề nghị (50%, cần ≥ 50%)"


@given(st.integers(0, 500), st.integers(1, 500))
def test_outcome_is_the_exact_share_against_the_threshold(agree, attendees):
    result = votes.outcome({"agree": agree, "disagree": 0, "abstain": 0}, attendees, CRITERIA)
    assert result.share == Fraction(agree, attendees)
    assert result.approved == (2 * agree >= attendees)


def test_a_meeting_is_saved_whole_and_comes_back(filled_store):
    m = _meeting(filled_store, tallies=((6, 2, 2), (1, 8, 1)))
    m["households_represented"], m["households_on_list"] = 40, 50
    m["officials"] = [{"name": "Đàm Thị Hường", "role": "Ủy ban MTTQ xã"}]
    votes.save_meeting(filled_store, m)
    back = filled_store.meetings.get(m["id"])
    assert back == m
    assert votes.attendance(back) == Fraction(4, 5)
    assert m in dataset.export_data(filled_store)["meetings"]


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(attendees=8, tallies=((5, 3, 2),)), "vượt quá số người dự họp (8)"),
        (dict(held_on="2021-03-01"), "phải họp trong năm đó hoặc đầu năm sau"),
        (dict(held_on="2019-02-30"), "không phải ngày có thật"),
    ],
)
def test_a_wrong_meeting_is_refused_and_nothing_is_written(filled_store, change, message):
    before = len(filled_store.meetings.find())
    with pytest.raises(Refused, match=re.escape(message)):
        votes.save_meeting(filled_store, _meeting(filled_store, **change))
    assert len(filled_store.meetings.find()) == before


def test_represented_households_cannot_exceed_the_list(filled_store):
    m = _meeting(filled_store)
    m["households_represented"], m["households_on_list"] = 51, 50
    with pytest.raises(Refused, match="vượt quá số hộ trong danh sách"):
        votes.save_meeting(filled_store, m)


def test_a_meeting_in_the_recycle_bin_is_gone_from_lists_and_comes_back(filled_store):
    m = _meeting(filled_store)
    votes.save_meeting(filled_store, m)
    filled_store.meetings.delete(m["id"])
    assert filled_store.meetings.get(m["id"]) is None
    item = next(i for i in filled_store.register.deleted_items() if i.id == m["id"])
    filled_store.register.restore(item)
    assert filled_store.meetings.get(m["id"])["decisions"] == m["decisions"]


def test_the_agenda_before_a_meeting_is_the_villages_households_still_in_the_running(filled_store):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    judged = {h["id"]: h for h in report["households"]}
    found = 0
    for village in filled_store.register.villages():
        m = votes.new_meeting(village["id"], 2019, "2019-12-01")
        items = votes.agenda(filled_store, m, report)
        in_village = {
            r[0] for r in sql(filled_store, "SELECT id FROM household WHERE village_id = ?", (village["id"],))
        }
        expected = {
            hid
            for hid, h in judged.items()
            if hid in in_village
            and any(
                all(c["verdict"] != "not_met" for k, c in cat["criteria"].items() if k not in ("A6", "B4"))
                for cat in h["categories"].values()
            )
        }
        assert {i.household_id for i in items} == expected
        assert all(i.note for i in items)
        found += len(items)
    assert found


# --- nominations -------------------------------------------------------------------------------


def _report(store, year=2019):
    return evaluator.evaluate(dataset.export_data(store), year, CRITERIA)


def test_candidates_are_the_eligible_households_and_villages_not_yet_on_the_list(filled_store):
    report = _report(filled_store)
    found = nominations.candidates(filled_store, report)
    eligible = {h["id"] for h in report["households"] if h["verdict"] == "eligible"}
    met = {v["id"] for v in report["villages"] if v["verdict"] == "met"}
    assert {n["household_id"] for n in found if n["household_id"]} == eligible
    assert {n["village_id"] for n in found if n["village_id"]} == met
    assert all(n["achievements"] and n["status"] == "draft" for n in found)
    nominations.save(filled_store, found[:1], report)
    assert len(nominations.candidates(filled_store, report)) == len(found) - 1


def test_a_household_not_found_eligible_needs_a_written_reason(filled_store):
    report = _report(filled_store)
    not_eligible = next(h for h in report["households"] if h["verdict"] == "not_eligible")
    nom = nominations.draft(2019, "household", household_id=not_eligible["id"])
    with pytest.raises(nominations.NominationError, match="phải ghi rõ lý do"):
        nominations.save(filled_store, [nom], report)
    assert filled_store.nominations.find(2019) == []
    nom["override_reason"] = "Hộ tiêu biểu giúp đỡ 3 hộ nghèo khác trong thôn"
    nominations.save(filled_store, [nom], report)
    assert filled_store.nominations.find(2019) == [nom]


def test_an_individual_needs_a_name_and_achievements(filled_store):
    report = _report(filled_store)
    nom = nominations.draft(2019, "individual", nominee_name="")
    with pytest.raises(Refused, match="cần ghi tên"):
        nominations.save_checked(filled_store, [nom])
    with pytest.raises(nominations.NominationError, match="tóm tắt thành tích"):
        nominations.save(filled_store, [{**nom, "nominee_name": "Nông Văn Dũng"}], report)
    ok = {**nom, "nominee_name": "Nông Văn Dũng", "achievements": nominations.CHECKLISTS["individual"][0]}
    nominations.save(filled_store, [ok], report)
    assert filled_store.nominations.find(2019)[0]["nominee_name"] == "Nông Văn Dũng"


def test_statuses_move_only_along_the_way_and_carry_what_they_need(filled_store):
    report = _report(filled_store)
    nom = nominations.candidates(filled_store, report)[0]
    with pytest.raises(nominations.NominationError, match="Không chuyển được từ 'Dự thảo' sang 'Đã gửi lên trên'"):
        nominations.move(nom, "sent")
    nom = nominations.move(nominations.move(nom, "approved"), "sent")
    decided = nominations.move(nom, "decided")
    assert any("số và ngày của quyết định" in p for p in nominations.check(decided, report))
    decided = nominations.move(nom, "decided", decision_number="125/QĐ-UBND", decision_date="2020-01-15")
    assert nominations.check(decided, report) == []
    returned = nominations.move(nom, "returned")
    assert any("ý kiến của cấp trên" in p for p in nominations.check(returned, report))
    returned = nominations.move(nom, "returned", comment="Bổ sung biên bản họp thôn")
    nominations.save(filled_store, [returned], report)
    assert filled_store.nominations.find(2019)[0]["comment"] == "Bổ sung biên bản họp thôn"
    assert nominations.NEXT_STATUSES["returned"] == ("draft",)
    assert nominations.NEXT_STATUSES["decided"] == ()
