"""The level above holds exactly what the commune holds: deletes, restores and refusals on the trip,
with two real SQLite files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.conftest import trusted
from tests.helpers import sql
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import criteria, evaluator, service, votes
from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import dataset, households
from thidua_desktop.store import DeletedItem, Store, new_id

CRITERIA = criteria.load()


def _import(province: Store, commune: Store, usb: Path):
    [result] = upper_level.import_files(province, [outbox.export_package(commune, usb)], receipt_dir=usb)
    return result


def _copy(province: Store, code: str = "02191") -> Store:
    return upper_level.commune_store(province, code)


def _active_households(store: Store) -> set[str]:
    return store.register.household_id_set(include_deleted=False)


def _new_household(commune: Store) -> str:
    """A household no meeting voted on and no one nominated, as an officer adds one."""
    village = commune.register.villages()[0]["id"]
    hid = new_id()
    households.save(commune, {"id": hid, "village_id": village, "code": "MOI-1", "members": 3, "years": [],
                              "loans": [], "head": {"name": "Hoàng Văn Mới", "gender": "male"}})  # fmt: skip
    return hid


def test_a_household_deleted_at_the_commune_leaves_the_level_above_too(trip):
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    gone = _new_household(commune)
    assert _import(province, commune, tmp / "usb").status == "accepted"
    commune.register.delete_household(gone)
    result = _import(province, commune, tmp / "usb")
    assert result.status == "accepted" and "1 hộ bị xóa" in result.message
    copy = _copy(province)
    try:
        assert _active_households(copy) == _active_households(commune)
        assert dataset.export_data(copy)["households"] == dataset.export_data(commune)["households"]
        # Nothing is lost: the copy keeps the household's last content, and its history says which package.
        kept = copy.register.household(gone)
        assert kept is not None and kept["deleted"]
        [who] = sql(copy, "SELECT actor FROM audit_log WHERE record_id = ? AND field = 'deleted_at'", (gone,))
        assert who[0] == "Gói số 3 của xã 02191"
    finally:
        copy.close()
    overview = upper_level.overview(province, 2019, CRITERIA)
    [row] = overview.rows
    assert row["households"] == len(service.run(commune, 2019, CRITERIA).report["households"])


def test_a_household_restored_at_the_commune_comes_back_at_the_level_above(trip):
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    gone = _new_household(commune)
    _import(province, commune, tmp / "usb")
    commune.register.delete_household(gone)
    assert "1 hộ bị xóa" in _import(province, commune, tmp / "usb").message
    [item] = [i for i in commune.register.deleted_items() if i.id == gone]
    commune.register.restore(item)
    result = _import(province, commune, tmp / "usb")
    assert result.status == "accepted" and "bị xóa" not in result.message
    copy = _copy(province)
    try:
        assert _active_households(copy) == _active_households(commune)
    finally:
        copy.close()


def test_a_household_with_votes_or_a_nomination_cannot_be_deleted_and_the_file_stays_exportable(filled_store):
    meeting = filled_store.meetings.find()[0]
    voted = meeting["decisions"][0]["household_id"]
    with pytest.raises(Refused) as refused:
        filled_store.register.delete_household(voted)
    said = str(refused.value)
    assert "phiếu biểu quyết trong cuộc họp ngày" in said and "Năm rời khỏi xã" in said
    assert filled_store.register.household(voted)["deleted"] is False
    data = dataset.export_data(filled_store)
    assert dataset.check(data, filled_store) == []


def test_a_meeting_whose_voters_are_in_the_recycle_bin_is_not_restored_before_them(filled_store):
    voter = _new_household(filled_store)
    meeting = votes.new_meeting(filled_store.register.household(voter)["village_id"], 2019, "2019-12-05")
    meeting["attendees"] = 10
    meeting["decisions"] = [{"household_id": voter, "agree": 6, "disagree": 2, "abstain": 2}]
    votes.save_meeting(filled_store, meeting)
    filled_store.meetings.delete(meeting["id"])
    filled_store.register.delete_household(voter)  # no vote outside the recycle bin points at it now
    with pytest.raises(Refused, match="Hoàng Văn Mới đang ở trong thùng rác"):
        filled_store.register.restore(DeletedItem("meeting", meeting["id"], "", ""))
    filled_store.register.restore(DeletedItem("household", voter, "", ""))
    filled_store.register.restore(DeletedItem("meeting", meeting["id"], "", ""))
    assert dataset.check(dataset.export_data(filled_store), filled_store) == []


def test_a_village_with_a_meeting_cannot_be_deleted(filled_store):
    village = new_id()
    filled_store.register.save_village({"id": village, "name": "Thôn Mới", "kind": "thon", "years": []})
    meeting = votes.new_meeting(village, 2019, "2019-12-05")
    votes.save_meeting(filled_store, meeting)
    with pytest.raises(Refused, match="cuộc họp ngày 05/12/2019"):
        filled_store.register.delete_village(village)
    filled_store.meetings.delete(meeting["id"])
    filled_store.register.delete_village(village)
    assert dataset.check(dataset.export_data(filled_store), filled_store) == []


def test_a_restore_from_a_backup_keeps_the_outbox_and_the_next_package_is_taken(trip):
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    copy_before = commune.backup("thu")
    _import(province, commune, tmp / "usb")  # package 2
    _import(province, commune, tmp / "usb")  # package 3
    commune.restore_from(copy_before)
    sequences = [e.sequence for e in commune.outbox.entries()]
    assert sequences == [3, 2, 1]  # the trip was not taken back in time
    result = _import(province, commune, tmp / "usb")
    assert result.status == "accepted" and result.sequence == 4
    manifest = province.upper_level.last_manifest("02191")
    assert manifest["restored_from"] is not None


def _other_pc(commune: Store, folder: Path) -> Store:
    """The commune's file as it is now, with its keys, on another PC."""
    folder.mkdir()
    (folder / "xa.sqlite").write_bytes(commune.backup("may-khac").read_bytes())
    (folder / "keys").mkdir()
    for key in (commune.path.parent / "keys").iterdir():
        (folder / "keys" / key.name).write_bytes(key.read_bytes())
    return Store.open(folder / "xa.sqlite", actor="Cán bộ xã")


def test_a_commune_restored_elsewhere_is_taken_when_newer_and_told(trip, tmp_path):
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    elsewhere = _other_pc(commune, tmp_path / "may-khac")  # as it was after package 1
    try:
        _import(province, commune, tmp / "usb")  # package 2 from the first PC
        time.sleep(1.1)  # the package made elsewhere is newer; created_at counts seconds
        result = _import(province, elsewhere, tmp / "usb2")
    finally:
        elsewhere.close()
    assert result.status == "accepted" and result.sequence == 2
    assert any("Xã đã khôi phục dữ liệu từ bản sao lưu" in n for n in result.notes)
    assert _import(province, commune, tmp / "usb").status == "accepted"  # and the line goes on


def test_older_packages_are_refused_in_words_that_are_true(trip, tmp_path):
    province, commune, tmp = trip
    trusted(province, commune, tmp / "usb")
    elsewhere = _other_pc(commune, tmp_path / "may-khac")
    try:
        same_number = outbox.export_package(elsewhere, tmp / "cu")  # a package 2, made first, elsewhere
    finally:
        elsewhere.close()
    older = outbox.export_package(commune, tmp / "cu2")  # package 2 here
    time.sleep(1.1)
    assert _import(province, commune, tmp / "usb").status == "accepted"  # package 3, the newest
    [refused] = upper_level.import_files(province, [older])
    assert refused.status == "refused" and "gói số 2 cũ hơn gói số 3 đã nhập" in refused.message
    assert "Việc cần làm" not in refused.message and refused.advice
    [conflict] = upper_level.import_files(province, [same_number])
    assert conflict.status == "refused" and "cũ hơn gói số 3" in conflict.message
    time.sleep(1.1)
    newest = outbox.export_package(commune, tmp / "usb")  # package 4 goes on from the last one taken
    assert upper_level.import_files(province, [newest])[0].status == "accepted"


def test_a_refused_package_comes_back_with_its_reason_and_what_to_do(trip):
    province, commune, tmp = trip
    first = outbox.export_package(commune, tmp / "usb")
    [refused] = upper_level.import_files(province, [first], receipt_dir=tmp / "usb")
    assert refused.status == "refused" and refused.receipt is not None
    told = outbox.take_receipt(commune, refused.receipt, "bien-nhan.json")
    assert "cấp trên từ chối" in told and "Việc cần làm" in told and "mã nhận diện" in told
    [entry] = commune.outbox.entries()
    assert entry.status == "refused" and "Việc cần làm" in entry.receipt_message


def test_a_stale_refusal_after_acceptance_changes_nothing(trip):
    province, commune, tmp = trip
    first = outbox.export_package(commune, tmp / "usb")
    [refused] = upper_level.import_files(province, [first])
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint)
    [accepted] = upper_level.import_files(province, [first])
    outbox.take_receipt(commune, accepted.receipt, "a.json")
    told = outbox.take_receipt(commune, refused.receipt, "cu.json")
    assert "không có gì thay đổi" in told
    assert commune.outbox.entries()[0].status == "received"


def test_an_import_stopped_between_its_two_writes_is_put_right(trip, monkeypatch):
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    upper_level.import_files(province, [first])
    package_file = outbox.export_package(commune, tmp / "usb")

    def killed(*args, **kwargs):
        raise SystemExit("the power went off")

    monkeypatch.setattr(upper_level, "_record", killed)
    with pytest.raises(SystemExit):
        upper_level.import_files(province, [package_file], workers=1)
    monkeypatch.undo()
    assert province.upper_level.last_package("02191")["sequence"] == 1  # the copy holds 2, the file knows 1
    assert upper_level.reconcile(province) == ["02191"]
    assert province.upper_level.last_package("02191")["sequence"] == 2
    [again] = upper_level.import_files(province, [package_file])
    assert again.status == "duplicate"


def test_a_year_some_villages_have_not_reviewed_is_told_incomplete(trip):
    province, commune, tmp = trip
    data = dataset.export_data(commune)
    year = max(r["year"] for h in data["households"] for r in h["years"])
    village = data["villages"][0]["id"]
    for hh in data["households"]:
        if hh["village_id"] == village:
            hh["years"] = [r for r in hh["years"] if r["year"] != year]
            households.save(commune, {**commune.register.household(hh["id"]), "years": hh["years"]})
    result = service.run(commune, year, CRITERIA)
    cover = result.coverage[str(year)]
    assert cover["complete"] is False and village in cover["villages_without_records"]
    assert cover["with_record"] < cover["households"]
    assert "coverage" not in result.report["commune"]  # the report keeps the fixed shape of interfaces.md
    text = service.summary(result.report, {}, "Xã", CRITERIA, result.coverage)
    assert f"Năm {year}: Năm chưa đầy đủ" in text and "chưa đầy đủ" in evaluator.coverage_note(cover)
    trusted(province, commune, tmp / "usb")
    _import(province, commune, tmp / "usb")
    [(row, state)] = upper_level.completeness(province, year)
    assert state == "incomplete"


WORKER_TREE = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from thidua_desktop.exchange import upper_level

def sleep(_):
    time.sleep(60)

if __name__ == "__main__":
    with ProcessPoolExecutor(2, initializer=upper_level._worker_started, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(sleep, i) for i in range(2)]
        time.sleep(1)
        print(" ".join(str(p) for p in pool._processes), flush=True)
        time.sleep(60)
"""


def test_import_workers_end_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "tree.py"
    script.write_text(WORKER_TREE, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    with parent.stdout:
        workers = [int(p) for p in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in workers if _alive(p)]
    assert alive == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().split()[2] != "Z"  # a zombie has ended; nobody reaped it yet


def test_a_vote_on_a_deleted_household_cannot_be_saved(filled_store):
    hid = _new_household(filled_store)
    filled_store.register.delete_household(hid)
    village = filled_store.register.household(hid)["village_id"]
    meeting = votes.new_meeting(village, 2019, "2019-12-05")
    meeting["attendees"] = 10
    meeting["decisions"] = [{"household_id": hid, "agree": 6, "disagree": 2, "abstain": 2}]
    with pytest.raises(Refused):
        votes.save_meeting(filled_store, meeting)
    assert json.dumps(dataset.export_data(filled_store)["meetings"]).count(hid) == 0
