"""The shortcuts of a bulk import give what the plain ways give: folding a name for search, a record's
row, a household's rules (told in one test per record); and the CHECK constraints SQLite is not asked
row by row are the schema's own."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
import unicodedata
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import sql
from thidua_desktop import domain, text
from thidua_desktop.register import dataset, demo, rules
from thidua_desktop.register.schema_check import Problem, check_shape, fits, join
from thidua_desktop.store import register, rows
from thidua_desktop.store.register import SCHEMA_HELD_CHECKS

names = st.text(max_size=30) | st.sampled_from(
    ["Nguyễn Văn Ấn", "  ĐẶNG  thị\tÁnh ", "Lục Đức Quý", "e\u0301\u0323", "H00006", "", "\u0300x", "ǅ ﬁ Å"]
)


@settings(max_examples=500, deadline=None)
@given(names)
def test_folding_for_search_drops_the_marks_as_the_plain_way_does(value):
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "d"))
    plain = " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())
    assert text.fold(value) == plain
    assert text.fold(value) == plain  # the second time from what the table remembers


def _key_list_plain(keys) -> str:
    keys = list(keys)
    if not keys:
        return "[]"
    joined = '","'.join(keys)
    if joined.isascii() and all(k.isidentifier() for k in keys):
        return f'["{joined}"]'
    return json.dumps(keys, ensure_ascii=False)


def _review_row_plain(household_id: str, r: dict, with_evidence: bool) -> tuple:
    """review_row as it was first written: every value through _b, the keys joined each time."""
    a = r.get("assessments") or {}
    deps = r.get("deprivations")
    row: tuple = (
        household_id,
        r["year"],
        r["status"],
        r.get("income_per_capita"),
        None if deps is None else _key_list_plain(deps),
        rows._b(r.get("cultural_family")),
        rows._b(r.get("registered_to_exit")),
        *(rows._b(a.get(k)) for k in rows.HOUSEHOLD_ASSESSMENT_KEYS),
        r.get("note") or None,
    )
    if with_evidence:
        ev = r.get("evidence") or {}
        row += tuple((ev.get(k) or None) for k in rows.HOUSEHOLD_ASSESSMENT_KEYS)
    return row


judgements = st.sampled_from([None, True, False, 0, 1, "có", 2])
records = st.fixed_dictionaries(
    {"year": st.integers(2015, 2025), "status": st.sampled_from(["poor", "near_poor", "non_poor"])},
    optional={
        "income_per_capita": st.none() | st.integers(0, 10**9),
        "deprivations": st.none()
        | st.lists(st.sampled_from(["health_access", "telecom", "nước", "a b", 'q"', "x1"]), max_size=4),
        "cultural_family": judgements,
        "registered_to_exit": judgements,
        "assessments": st.none() | st.dictionaries(st.sampled_from(rows.HOUSEHOLD_ASSESSMENT_KEYS), judgements),
        "note": st.none() | st.text(max_size=5),
        "evidence": st.none() | st.dictionaries(st.sampled_from(rows.HOUSEHOLD_ASSESSMENT_KEYS), st.text(max_size=3)),
    },
)


@settings(max_examples=500, deadline=None)
@given(records, st.booleans())
def test_a_record_row_is_the_plain_one(record, with_evidence):
    assert rows.review_row("h", record, with_evidence) == _review_row_plain("h", record, with_evidence)
    assert rows.review_row("h", record, with_evidence) == _review_row_plain("h", record, with_evidence)


def _household_rules_plain(checker: rules.DatasetRules, i: int, hh: dict) -> None:
    """The records' part of DatasetRules.household as first written: every check of every record."""
    path = f"households[{i}]"
    seen = set()
    for j, record in enumerate(hh["years"]):
        rpath = f"{path}.years[{j}]"
        year = record["year"]
        if year in seen:
            checker.problems.append(Problem(join(rpath, "year"), f"năm {year} được ghi hai lần cho cùng một hộ"))
        seen.add(year)
        msg = rules.check_record_year(year, hh.get("left_in"))
        if msg:
            checker.problems.append(Problem(join(rpath, "year"), msg))
        msg = rules.check_deprivations(year, record.get("deprivations"))
        if msg:
            checker.problems.append(Problem(join(rpath, "deprivations"), msg))
        checker.problems.extend(rules._over(record, rpath, ("income_per_capita",)))


KEYS = sorted({k for s in domain.standards() for k in s.indicators or ()}) + ["unknown"]
broken_records = st.lists(
    st.fixed_dictionaries(
        {"year": st.integers(2012, 2030), "status": st.just("poor")},
        optional={
            "deprivations": st.none() | st.lists(st.sampled_from(KEYS), max_size=4),
            "income_per_capita": st.none() | st.sampled_from([0, 10**9, 10**9 + 1, True]),
        },
    ),
    max_size=5,
)


@settings(max_examples=500, deadline=None)
@given(broken_records, st.none() | st.integers(2012, 2030))
def test_a_household_rules_are_the_plain_ones(years, left_in):
    hh = copy.deepcopy(demo.generate(households=1, villages=1, seed=2)["households"][0])
    hh["years"], hh["left_in"], hh["loans"] = years, left_in, []
    fast, plain = rules.DatasetRules([hh["village_id"]]), rules.DatasetRules([hh["village_id"]])
    fast.household(0, hh)
    plain.household(0, {**hh, "years": []})
    _household_rules_plain(plain, 0, hh)
    assert fast.problems == plain.problems


# --- the CHECK constraints a bulk write leaves to the schema -------------------------------------------

BREAKING = {  # a value each CHECK of SCHEMA_HELD_CHECKS refuses, put where the dataset holds it
    "head_gender IN ('male', 'female')": [(("head", "gender"), "other")],
    "members BETWEEN 1 AND 60": [(("members",), 0), (("members",), 61)],
    "status IN ('poor', 'near_poor', 'non_poor')": [(("years", 0, "status"), "rich")],
    "income_per_capita >= 0": [(("years", 0, "income_per_capita"), -1)],
    "amount_vnd >= 1": [(("loans", 0, "amount_vnd"), 0)],
}


def _checks_of(store, table: str) -> set[str]:
    ddl = sql(store, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))[0][0]
    return {m.strip() for m in re.findall(r"CHECK \((.*?)\)(?:,|\n|$)", ddl)}


def test_every_check_a_bulk_write_leaves_to_the_schema_is_the_schema_own(store):
    for table, checks in SCHEMA_HELD_CHECKS.items():
        assert _checks_of(store, table) == set(checks), f"{table}: a CHECK was added or changed"
    assert set(BREAKING) == {c for checks in SCHEMA_HELD_CHECKS.values() for c in checks}
    hh = next(h for h in demo.generate(households=40, villages=1, seed=5)["households"] if h["loans"])
    assert fits(hh, "household")
    for breaks in BREAKING.values():
        for path, value in breaks:
            broken = copy.deepcopy(hh)
            target = broken
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            assert not fits(broken, "household"), (path, value)


def test_the_checks_hold_again_after_a_bulk_write(store):
    data = demo.generate(households=5, villages=1, seed=3)
    dataset.import_data(store, data)  # fresh: rows added
    dataset.import_data(store, data)  # again: rows replaced
    hid = data["households"][0]["id"]
    record = {**data["households"][0]["years"][0], "status": "rich"}
    with pytest.raises(sqlite3.IntegrityError):
        store.register.save_review_records([(hid, record)])
    for statement in (  # the very statements the bulk writes used, prepared again as checks are asked
        rows.insert_sql("review_record", rows.REVIEW_COLS),
        rows.upsert_sql("review_record", rows.REVIEW_COLS, ("household_id", "year")),
    ):
        with pytest.raises(sqlite3.IntegrityError):
            sql(store, statement, rows.review_row(hid, {**record, "year": 2030}, False))
    with pytest.raises(sqlite3.IntegrityError):
        sql(store, "UPDATE household SET members = 0 WHERE id = ?", (hid,))
    assert sql(store, "PRAGMA ignore_check_constraints")[0][0] == 0


def test_the_fast_yes_or_no_tells_repeated_and_mixed_items_as_the_checker_does():
    hh = demo.generate(households=1, villages=1, seed=2)["households"][0]
    for keys in (["telecom", "telecom"], ["telecom", 1], [1, True], ["telecom", None], [], ["telecom"], None):
        changed = copy.deepcopy(hh)
        changed["years"][0]["deprivations"] = keys
        assert fits(changed, "household") == (check_shape(changed, "household") == []), keys


def _state(store) -> tuple:
    audit = sql(store, "SELECT tbl, record_id, household_id, action, field, old, new FROM audit_log ORDER BY id")
    tables = {t: [tuple(r) for r in sql(store, f"SELECT * FROM {t} ORDER BY rowid")] for t in BULK_TABLES}
    return dataset.export_data(store, "2026-12-01T09:30:00+07:00"), [tuple(r) for r in audit], tables


BULK_TABLES = ("household", "review_record", "loan", "village", "meeting", "decision")


def test_a_fresh_file_filled_by_adding_rows_is_the_file_filled_by_upserting_them(store_factory, tmp_path):
    data = demo.generate(households=60, villages=3, seed=8)
    path = tmp_path / "tệp.json"
    path.write_bytes(dataset.json_bytes(data))
    added, upserted = store_factory("added.sqlite"), store_factory("upserted.sqlite")
    dataset.import_file(added, path)
    plain, asked = register.write_household_rows, []

    def upserting(c, rows, known, fresh):
        asked.append(fresh)
        plain(c, rows, known)

    with mock.patch.object(register, "write_household_rows", upserting):
        dataset.import_file(upserted, path)
    assert asked == [True]
    assert _state(added) == _state(upserted)
