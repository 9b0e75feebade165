"""The level above checks the data and talks back, with real files for two communes and their province:
flags one commune cannot see, questions that go down in receipts and come back answered in packages,
returns and approval of a commune's year."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

import main
from tests.core.conftest import trusted
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import criteria, evaluator
from thidua_desktop.exchange import checks, outbox, upper_level
from thidua_desktop.register import dataset, demo, households
from thidua_desktop.store import Store

CRITERIA = criteria.load()


def _take(province: Store, commune: Store, usb: Path):
    [result] = upper_level.import_files(province, [outbox.export_package(commune, usb)], receipt_dir=usb)
    assert result.status == "accepted", result.message
    return result


@pytest.fixture
def two_communes(trip, tmp_path):
    """The province, the example commune (trusted, its data taken) and a second commune (trusted too)."""
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    _take(province, commune, tmp / "usb")
    other = Store.open(tmp_path / "xa2" / "xa2.sqlite", actor="Cán bộ xã 2")
    data = demo.generate(households=20, villages=2, seed=11, first_year=2018, last_year=2020)
    data["commune"].update(code="02200", name="Xã Thái Long")
    dataset.import_data(other, data)
    setup = upper_level.setup_document(province)
    outbox.setup_upper(other, setup, "setup.json")
    first = outbox.export_package(other, tmp / "usb-2")
    upper_level.import_files(province, [first])
    upper_level.trust(province, "02200", outbox.own_keys(other).fingerprint)
    assert upper_level.import_files(province, [first])[0].status == "accepted"
    yield province, commune, other, tmp
    other.close()


def _with_cccd(store: Store, hid: str, number_tail: str = "001234") -> dict:
    """A household of `store` given a well-formed CCCD (its 4th digit and birth year agree with the head)."""
    hh = store.register.household(hid)
    head = {**hh["head"], "birth_year": hh["head"].get("birth_year") or 1970}
    century = (head["birth_year"] // 100 - 19) * 2 + (1 if head["gender"] == "female" else 0)
    head["id_number"] = f"008{century}{head['birth_year'] % 100:02d}{number_tail}"
    households.save(store, {**hh, "head": head})
    return store.register.household(hid)


def test_a_cccd_held_in_two_communes_is_flagged_in_both(two_communes):
    province, commune, other, tmp = two_communes
    shared = _with_cccd(commune, dataset.export_data(commune)["households"][0]["id"])
    number = shared["head"]["id_number"]
    hh = other.register.household(dataset.export_data(other)["households"][0]["id"])
    hh["head"] = {**hh["head"], "gender": shared["head"]["gender"], "birth_year": shared["head"]["birth_year"],
                  "id_number": None}  # fmt: skip
    households.save(other, hh)
    hh = _with_cccd(other, hh["id"])
    assert hh["head"]["id_number"] == number
    _take(province, commune, tmp / "usb")
    result = _take(province, other, tmp / "usb-2")
    assert any("cảnh báo" in n for n in result.notes)
    flags = [f for f in upper_level.run_checks(province, 2020, CRITERIA) if f.kind == "duplicate_id_number"]
    mine = {(f.commune_code, f.household_id) for f in flags if number in f.message}
    assert mine == {("02191", shared["id"]), ("02200", hh["id"])}
    assert any("xã 02200" in f.message for f in flags if f.commune_code == "02191")


def test_a_question_goes_down_and_its_answer_comes_back_with_nothing_lost_on_replays(two_communes):
    province, commune, _, tmp = two_communes
    hid = dataset.export_data(commune)["households"][0]["id"]
    query_id = upper_level.ask(province, "02191", hid, "Hộ này có thật sự 9 nhân khẩu không?")
    receipt = upper_level.fresh_receipt(province, "02191")
    told = outbox.take_receipt(commune, receipt, "bien-nhan.json")
    assert "1 câu hỏi" in told
    outbox.take_receipt(commune, receipt, "bien-nhan.json")  # the same receipt twice: still one question
    [asked] = commune.queries.find()
    assert (asked["id"], asked["household_id"], asked["status"]) == (query_id, hid, "open")
    hh = commune.register.household(hid)
    hh["members"] = 4
    households.save(commune, hh)  # the correction travels in the package too
    outbox.answer(commune, query_id, "Đã sửa: hộ có 4 nhân khẩu.")
    package = outbox.export_package(commune, tmp / "usb")
    [taken] = upper_level.import_files(province, [package])
    [again] = upper_level.import_files(province, [package])  # the package twice: a duplicate, nothing lost
    assert taken.status == "accepted" and again.status == "duplicate"
    [seen] = province.queries.find("02191")
    assert seen["status"] == "answered" and seen["answer"] == "Đã sửa: hộ có 4 nhân khẩu."
    assert seen["changed"] == "Hộ đã được sửa trong gói số 3."
    upper_level.close_query(province, query_id)
    outbox.take_receipt(commune, upper_level.fresh_receipt(province, "02191"), "moi.json")
    outbox.take_receipt(commune, receipt, "cu.json")  # an old receipt never reopens it
    assert commune.queries.get(query_id)["status"] == "closed"
    with pytest.raises(Refused, match="đã đóng"):
        outbox.answer(commune, query_id, "Thêm nữa")


def test_a_returned_year_and_its_approval(two_communes):
    province, commune, _, tmp = two_communes
    assert province.upper_level.year_states(2020)["02191"]["state"] == "checked"
    upper_level.return_year(province, "02191", 2020, "Thôn Nà Khà chưa rà soát đủ hộ.")
    with pytest.raises(Refused, match="đang bị trả lại"):
        upper_level.approve(province, "02191", 2020)
    outbox.take_receipt(commune, upper_level.fresh_receipt(province, "02191"), "bn.json")
    [returned] = commune.queries.find()
    assert returned["kind"] == "return" and returned["year"] == 2020
    _take(province, commune, tmp / "usb")  # the commune sends again
    upper_level.approve(province, "02191", 2020)
    state = province.upper_level.year_states(2020)["02191"]
    assert state["state"] == "approved" and state["actor"] == "Cán bộ tỉnh"
    [row] = [r for r in upper_level.overview(province, 2020, CRITERIA).rows if r["code"] == "02191"]
    assert row["state"] == "approved"


def test_household_checks_name_their_figures(store):
    data = demo.generate(households=12, villages=2, seed=5, first_year=2019, last_year=2020)
    hh = data["households"][0]
    hh["policy_household"] = True
    hh["years"] = [
        {"year": 2019, "status": "poor", "income_per_capita": 500_000, "deprivations": ["health_insurance"]},
        {"year": 2020, "status": "non_poor", "income_per_capita": 500_000, "deprivations": ["health_insurance"]},
    ]
    jumpy = data["households"][1]
    jumpy["years"] = [
        {"year": 2019, "status": "near_poor", "income_per_capita": 400_000},
        {"year": 2020, "status": "near_poor", "income_per_capita": 2_000_000},
    ]
    poor = data["households"][2]
    poor["policy_household"] = True
    poor["years"] = [{"year": 2021, "status": "poor"}]
    flags = checks.commune_flags(store, "02191", data, 2020, CRITERIA)
    kinds = {(f.household_id, f.kind) for f in flags}
    assert (hh["id"], "exit_without_change") in kinds
    assert (jumpy["id"], "income_jump") in kinds
    assert any("400.000 đồng năm 2019 thành 2.000.000 đồng năm 2020" in f.message for f in flags)
    later = checks.commune_flags(store, "02191", data, 2021, CRITERIA)
    assert (poor["id"], "policy_poor") in {(f.household_id, f.kind) for f in later}
    assert set(checks.KINDS) >= {f.kind for f in flags + later}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def test_the_commands_of_the_fixed_interface(two_communes):
    province, commune, _, tmp = two_communes
    province_db, commune_db = str(province.path), str(commune.path)
    code, out, err = _run("--db", province_db, "upper", "checks", "--year", "2020", "--json")
    assert code == 0, err
    flags = json.loads(out)
    assert all(set(f) == {"commune_code", "household_id", "kind", "message"} for f in flags)
    assert {f["kind"] for f in flags} <= set(checks.KINDS)
    hid = dataset.export_data(commune)["households"][0]["id"]
    assert _run("--db", province_db, "upper", "query", "02191", "--household", hid, "--text", "Kiểm tra lại")[0] == 0
    code, _, err = _run("--db", province_db, "upper", "query", "02191", "--household", "khong-co", "--text", "x")
    assert code == 1 and "không có hộ" in err
    assert _run("--db", province_db, "upper", "return", "02191", "--year", "2020", "--text", "Bổ sung")[0] == 0
    code, out, _ = _run("--db", province_db, "upper", "queries", "--json")
    listed = json.loads(out)
    assert [q["status"] for q in listed] == ["open", "open"]
    assert set(listed[0]) == {"id", "commune_code", "household_id", "year", "text", "status", "answer"}
    receipts = tmp / "bn"
    assert _run("--db", province_db, "upper", "receipt", "02191", "--out", receipts)[0] == 0
    assert _run("--db", commune_db, "package", "receipt", receipts / "bien-nhan-02191.json")[0] == 0
    code, out, _ = _run("--db", commune_db, "package", "queries", "--json")
    mine = json.loads(out)
    assert [set(q) for q in mine] == [{"id", "household_id", "year", "text", "status"}] * 2
    code, out, _ = _run("--db", commune_db, "package", "answer", mine[0]["id"], "--text", "Đã kiểm tra, đúng.")
    assert code == 0 and "gói tiếp theo" in out
    assert _run("--db", province_db, "upper", "approve", "02191", "--year", "2020")[1:] != ("",)
    shutil.rmtree(receipts)


def test_the_status_check_agrees_with_the_evaluators_own_judgement(filled_store):
    data = dataset.export_data(filled_store)
    for year in (2019, 2020):
        report = evaluator.evaluate(data, year, CRITERIA)
        judged = {h["id"] for h in report["households"] if h["status_differs"]}
        flagged = {f.household_id for f in checks.commune_flags(filled_store, "x", data, year, CRITERIA)
                   if f.kind == "status_differs"}  # fmt: skip
        assert flagged == judged
