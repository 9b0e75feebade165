"""The SQLite file: migrations, refusals, transactions, audit log, recycle bin, list queries."""

import copy
import sqlite3

import pytest
from sqlite_utils import Database

from tests.helpers import sql
from thidua_desktop.errors import Refused
from thidua_desktop.register import dataset, households
from thidua_desktop.store import HouseholdFilter, Store, new_id
from thidua_desktop.store.migrations import migrations


def test_new_file_is_made_and_marked_as_ours(tmp_path):
    s = Store.open(tmp_path / "a.sqlite")
    assert sql(s, "PRAGMA foreign_keys")[0][0] == 1
    assert sql(s, "PRAGMA application_id")[0][0] == 0x54484455
    assert {m.name for m in migrations.applied(s.db)} == {m.name for m in migrations._migrations}
    s.close()


def test_file_from_newer_version_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('thidua', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(Refused, match="phiên bản ThiDua mới hơn"):
        Store.open(path)
    assert path.read_bytes() == before


def test_foreign_files_are_refused(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("đây không phải cơ sở dữ liệu", encoding="utf-8")
    with pytest.raises(Refused, match="không phải tệp dữ liệu ThiDua"):
        Store.open(text)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(Refused, match="cơ sở dữ liệu khác"):
        Store.open(other)


def test_migration_from_older_schema_backs_up_and_keeps_data(tmp_path, demo_data):
    path = tmp_path / "old.sqlite"
    # A file as the first released schema left it: migrations up to m001 only.
    db = Database(path)
    db.conn.create_function("thidua_actor", 0, lambda: "cũ")
    migrations.apply(db, stop_before="m002_assessment_evidence")
    db.conn.execute("INSERT INTO village (id, name, kind) VALUES (?, 'Thôn Nà Khà', 'thon')", (new_id(),))
    db.conn.commit()
    db.conn.close()

    s = Store.open(path)
    assert [v["name"] for v in s.register.villages()] == ["Thôn Nà Khà"]
    backups = list((tmp_path / "backups").glob("old-*-truoc-nang-cap.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT name FROM _sqlite_migrations").fetchall() == [("m001_register",)]
    assert "mutual_help_evidence" in {c.name for c in s.db["village_year"].columns}
    s.close()


def test_failed_action_writes_nothing(filled_store):
    hh = filled_store.register.household(sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0])
    before = sql(filled_store, "SELECT count(*) FROM audit_log")[0][0]
    hh["head"]["name"] = "Tên Mới"
    hh["years"].append({"year": 2021, "status": "không hợp lệ"})
    with pytest.raises(Refused):
        households.save(filled_store, hh)
    again = filled_store.register.household(hh["id"])
    assert again["head"]["name"] != "Tên Mới"
    assert sql(filled_store, "SELECT count(*) FROM audit_log")[0][0] == before


def test_audit_log_records_who_changed_what(filled_store):
    hid = sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0]
    hh = filled_store.register.household(hid)
    old_members = hh["members"]
    hh["members"] = old_members % 60 + 1
    hh["years"][0]["income_per_capita"] = 123_000
    households.save(filled_store, hh)
    entries = filled_store.register.audit_for_household(hid)
    members = next(e for e in entries if e.field == "members")
    assert (members.old, members.new) == (str(old_members), str(hh["members"])) or (
        int(members.old),
        int(members.new),
    ) == (old_members, hh["members"])
    assert members.actor == "Cán bộ Kiểm thử"
    income = next(e for e in entries if e.field == "income_per_capita")
    assert income.record_id == f"{hid}:{hh['years'][0]['year']}"


def test_removed_loan_stays_in_audit_log(filled_store):
    hid = sql(filled_store, "SELECT household_id FROM loan LIMIT 1")[0][0]
    hh = filled_store.register.household(hid)
    gone = hh["loans"].pop(0)
    households.save(filled_store, hh)
    deleted = [e for e in filled_store.register.audit_for_household(hid) if e.action == "delete"]
    assert any(gone["id"] in e.old for e in deleted)


def test_recycle_bin_hides_and_restores(filled_store):
    flt = HouseholdFilter(year=2020)
    ids = filled_store.register.household_ids(flt)
    hid = filled_store.register.household_rows(ids[:1], 2020)[ids[0]][-1]
    filled_store.register.delete_household(hid)
    assert len(filled_store.register.household_ids(flt)) == len(ids) - 1
    item = next(i for i in filled_store.register.deleted_items() if i.id == hid)
    filled_store.register.restore(item)
    assert len(filled_store.register.household_ids(flt)) == len(ids)


def test_village_with_households_cannot_be_deleted(filled_store):
    village = filled_store.register.villages()[0]
    with pytest.raises(Refused, match="còn"):
        filled_store.register.delete_village(village["id"])


def test_search_ignores_diacritics_and_case(store):
    village = {"id": new_id(), "name": "Thôn Bản Lằn", "kind": "ban", "years": []}
    store.register.save_commune(
        {
            "code": "02191",
            "name": "Xã Hồng Thái",
            "province_code": "08",
            "province_name": "Tuyên Quang",
            "area": "rural",
            "region": "III",
        }
    )
    store.register.save_village(village)
    for name, code in [("Nguyễn Văn An", "H1"), ("Đặng Thị Ánh", "H2"), ("Nguyễn Văn Bình", "H3")]:
        households.save(
            store,
            {
                "id": new_id(),
                "village_id": village["id"],
                "code": code,
                "head": {"name": name, "gender": "male"},
                "members": 3,
                "years": [],
                "loans": [],
            },
        )

    def names(text):
        rows = store.register.household_rows(store.register.household_ids(HouseholdFilter(text=text)), None)
        return sorted(r[1] for r in rows.values())

    assert names("nguyen van an") == ["Nguyễn Văn An"]
    assert names("ĐẶNG") == ["Đặng Thị Ánh"]
    assert names("anh") == ["Đặng Thị Ánh"]
    assert names("h3") == ["Nguyễn Văn Bình"]
    assert names("100%") == []
    assert len(names("")) == 3


def test_list_sorts_by_given_name(store):
    village = {"id": new_id(), "name": "Thôn A", "kind": "thon"}
    store.register.save_commune(
        {
            "code": "02191",
            "name": "Xã Hồng Thái",
            "province_code": "08",
            "province_name": "Tuyên Quang",
            "area": "rural",
            "region": None,
        }
    )
    store.register.save_village(village)
    for name in ["Trần Văn Bình", "Lê Thị An", "Nguyễn Đức Cường"]:
        households.save(
            store,
            {
                "id": new_id(),
                "village_id": village["id"],
                "head": {"name": name, "gender": "male"},
                "members": 1,
                "years": [],
                "loans": [],
            },
        )
    rows = store.register.household_rows(store.register.household_ids(HouseholdFilter()), None)
    ordered = [rows[pk][1] for pk in store.register.household_ids(HouseholdFilter())]
    assert ordered == ["Lê Thị An", "Trần Văn Bình", "Nguyễn Đức Cường"]


def test_filters_by_status_village_and_policy(filled_store):
    year = 2019
    all_ids = filled_store.register.household_ids(HouseholdFilter(year=year))
    rows = filled_store.register.household_rows(all_ids, year)
    poor = filled_store.register.household_ids(HouseholdFilter(year=year, status="poor"))
    assert len(poor) == sum(1 for r in rows.values() if r[9] == "poor") and poor
    none = filled_store.register.household_ids(HouseholdFilter(year=year, status="none"))
    assert len(none) == sum(1 for r in rows.values() if r[9] is None)
    village = filled_store.register.villages()[1]
    in_village = filled_store.register.household_ids(HouseholdFilter(year=year, village_id=village["id"]))
    assert {rows[pk][6] for pk in in_village} == {village["name"]}
    policy = filled_store.register.household_ids(HouseholdFilter(policy_only=True))
    assert all(filled_store.register.household_rows(policy, None)[pk][8] == 1 for pk in policy)


def test_possible_duplicates_found_by_cccd_or_name_and_birth_year(filled_store):
    hid = sql(filled_store, "SELECT id FROM household WHERE head_id_number IS NOT NULL LIMIT 1")[0][0]
    original = filled_store.register.household(hid)
    twin = {**original, "id": new_id(), "head": dict(original["head"]), "years": [], "loans": []}
    assert [d["id"] for d in filled_store.register.possible_duplicates(twin)] == [hid]
    twin["head"]["id_number"] = None
    twin["head"]["name"] = original["head"]["name"].upper()
    assert [d["id"] for d in filled_store.register.possible_duplicates(twin)] == [hid]
    twin["head"]["birth_year"] = (original["head"]["birth_year"] or 1950) + 1
    assert filled_store.register.possible_duplicates(twin) == []


def test_review_grid_lists_households_present_that_year(filled_store, demo_data):
    grid = filled_store.register.review_grid(2020)
    expected = [h for h in demo_data["households"] if h["left_in"] is None or h["left_in"] > 2020]
    assert len(grid) == len(expected)
    row = grid[0]
    record = dict(row["record"] or {"year": 2020, "status": "poor"})
    record["status"] = "near_poor"
    record["evidence"] = {"effort": "Trồng 2 ha chè mới"}
    households.save_review_records(filled_store, [(row["household_id"], record)])
    saved = filled_store.register.household(row["household_id"])
    rec = next(r for r in saved["years"] if r["year"] == 2020)
    assert rec["status"] == "near_poor" and rec["evidence"]["effort"] == "Trồng 2 ha chè mới"


def test_dataset_import_keeps_local_evidence_notes(filled_store):
    hid = sql(filled_store, "SELECT household_id FROM review_record LIMIT 1")[0][0]
    hh = filled_store.register.household(hid)
    hh["years"][0]["evidence"] = {"effort": "Có biên bản xác nhận"}
    households.save(filled_store, hh)
    dataset.import_data(filled_store, dataset.export_data(filled_store))
    assert filled_store.register.household(hid)["years"][0]["evidence"]["effort"] == "Có biên bản xác nhận"


def test_bulk_import_audits_every_added_row_and_keeps_the_triggers(store, demo_data):
    dataset.import_data(store, demo_data)
    added = {
        t: sql(store, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("household", "review_record", "loan", "meeting", "decision", "village", "village_year")
    }
    logged = dict(sql(store, "SELECT tbl, count(*) FROM audit_log WHERE action = 'insert' GROUP BY tbl"))
    for table, n in added.items():
        assert logged.get(table) == n, table
    hid = demo_data["households"][0]["id"]
    assert any(e.action == "insert" and e.table == "household" for e in store.register.audit_for_household(hid))
    triggers = {r[0] for r in sql(store, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "audit_review_record_insert" in triggers and "audit_household_update" in triggers
    # A second import adds one record: only that row is newly logged as inserted.
    data = copy.deepcopy(demo_data)
    data["households"][0]["years"].append({"year": 2021, "status": "non_poor"})
    before = sql(store, "SELECT count(*) FROM audit_log WHERE action = 'insert'")[0][0]
    dataset.import_data(store, data)
    after = sql(store, "SELECT tbl, record_id FROM audit_log WHERE action = 'insert' ORDER BY id")[before:]
    assert [tuple(r) for r in after] == [("review_record", f"{hid}:2021")]


def test_failed_bulk_import_leaves_triggers_in_place(store, demo_data, monkeypatch):
    def boom(*args, **kwargs):
        raise Refused("mất điện giả lập")

    monkeypatch.setattr("thidua_desktop.store.register.write_meetings", boom)
    with pytest.raises(Refused):
        dataset.import_data(store, demo_data)
    triggers = {r[0] for r in sql(store, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "audit_household_insert" in triggers
    assert sql(store, "SELECT count(*) FROM household")[0][0] == 0
    assert sql(store, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_household'")[0][0] == 1
