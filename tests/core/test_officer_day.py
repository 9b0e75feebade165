"""An officer's ordinary day, in random order, with the promises checked after every step.

Random sequences of what an officer does (add, edit, delete and restore households, villages,
meetings and nominations; review-grid saves; an Excel round trip; backups and restores) and, after
each step: the commune's file exports as a dataset that a new file takes whole and gives back
unchanged, and the next package is taken by the level above, whose copy then holds exactly what the
commune holds.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from thidua_desktop import excel
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import nominations, votes
from thidua_desktop.exchange import checks, outbox, upper_level
from thidua_desktop.register import dataset, demo, households
from thidua_desktop.store import Store, new_id

NAMES = ["Nguyễn Văn An", "Hoàng Thị Bình", "Ma Văn Cường", "Triệu Thị Dung", "Lý Văn Đức", "Chẩu Minh An"]
STATUSES = ["poor", "near_poor", "non_poor"]
YEARS = [2018, 2019, 2020]


def _trip_template(root: Path) -> Path:
    """A commune (a small demo) and its province, the commune's key already trusted: made once."""
    folder = root / "trip-template"
    if folder.exists():
        return folder
    province = Store.open(folder / "tinh" / "tinh.sqlite", actor="Cán bộ tỉnh")
    commune = Store.open(folder / "xa" / "xa.sqlite", actor="Cán bộ xã")
    try:
        setup = upper_level.init(province, "UBND tỉnh Tuyên Quang", "province")
        data = demo.generate(households=12, villages=2, seed=3, first_year=2018, last_year=2020)
        dataset.import_data(commune, data)
        outbox.setup_upper(commune, setup, "setup.json")
        first = outbox.export_package(commune, folder / "usb")
        upper_level.import_files(province, [first])
        upper_level.trust(province, data["commune"]["code"], outbox.own_keys(commune).fingerprint)
        assert upper_level.import_files(province, [first])[0].status == "accepted"
    finally:
        province.close()
        commune.close()
    return folder


class OfficerDay(RuleBasedStateMachine):
    root: Path  # set by the test: where the template lives, shared by every example

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ngay-lam-viec-", dir=self.root))
        template = _trip_template(self.root)
        for name in ("tinh", "xa"):
            shutil.copytree(template / name, self.folder / name)
        self.province = Store.open(self.folder / "tinh" / "tinh.sqlite", actor="Cán bộ tỉnh")
        self.commune = Store.open(self.folder / "xa" / "xa.sqlite", actor="Cán bộ xã")
        self.code = self.commune.register.commune()["code"]
        self.backups: list[Path] = []
        self.steps = 0

    def teardown(self) -> None:
        self.province.close()
        self.commune.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- what the officer does ----------------------------------------------------------------------
    def _active(self) -> list[str]:
        return sorted(self.commune.register.household_id_set(include_deleted=False))

    @rule(name=st.sampled_from(["Thôn Nà Khà", "Bản Khuổi Phầy", "Tổ dân phố 3"]))
    def add_village(self, name):
        self.commune.register.save_village({"id": new_id(), "name": name, "kind": "thon", "years": []})

    @rule(data=st.data(), name=st.sampled_from(NAMES), members=st.integers(1, 9), years=st.sets(st.sampled_from(YEARS)))
    def add_household(self, data, name, members, years):
        village = data.draw(st.sampled_from([v["id"] for v in self.commune.register.villages()]))
        records = [{"year": y, "status": data.draw(st.sampled_from(STATUSES))} for y in sorted(years)]
        hh = {"id": new_id(), "village_id": village, "code": None, "members": members, "years": records,
              "loans": [], "head": {"name": name, "gender": data.draw(st.sampled_from(["male", "female"])),
                                    "birth_year": data.draw(st.sampled_from([1970, 1985]))}}  # fmt: skip
        households.save(self.commune, hh)

    @rule(data=st.data(), name=st.sampled_from(NAMES), same_as_another=st.booleans())
    def rename_a_head(self, data, name, same_as_another):
        active = self._active()
        if not active:
            return
        hh = self.commune.register.household(data.draw(st.sampled_from(active)))
        hh["head"]["name"] = name
        if same_as_another:  # a head entered twice: the same name, birth year and village as another's
            other = self.commune.register.household(data.draw(st.sampled_from(active)))
            hh["village_id"] = other["village_id"]
            hh["head"] = {
                **hh["head"],
                "name": other["head"]["name"],
                "birth_year": other["head"].get("birth_year"),
                "id_number": None,
            }
        households.save(self.commune, hh)

    @rule(data=st.data(), members=st.integers(1, 9), status=st.sampled_from(STATUSES))
    def edit_household(self, data, members, status):
        active = self._active()
        if not active:
            return
        hh = self.commune.register.household(data.draw(st.sampled_from(active)))
        hh["members"] = members
        for record in hh["years"][-1:]:
            record["status"] = status
        households.save(self.commune, hh)

    @rule(data=st.data())
    def delete_household(self, data):
        active = self._active()
        if not active:
            return
        hid = data.draw(st.sampled_from(active))
        references = self.commune.register.references_to_household(hid)
        try:
            self.commune.register.delete_household(hid)
        except Refused:
            assert references, "a household nothing points at is always deleted"
        else:
            assert not references

    @rule(data=st.data())
    def restore_from_the_recycle_bin(self, data):
        items = self.commune.register.deleted_items()
        if items:
            try:
                self.commune.register.restore(data.draw(st.sampled_from(items)))
            except Refused:
                pass  # its village, or a household it voted on, is still in the bin: said so

    @rule(data=st.data())
    def delete_village(self, data):
        villages = [v["id"] for v in self.commune.register.villages()]
        try:
            self.commune.register.delete_village(data.draw(st.sampled_from(villages)))
        except Refused:
            pass

    @rule(data=st.data(), year=st.sampled_from(YEARS), attendees=st.integers(5, 40))
    def hold_a_meeting(self, data, year, attendees):
        village = data.draw(st.sampled_from([v["id"] for v in self.commune.register.villages()]))
        here = sorted(self.commune.register.household_names(village_id=village))
        voted = data.draw(st.lists(st.sampled_from(here), unique=True, max_size=4)) if here else []
        meeting = votes.new_meeting(village, year, f"{year}-12-05")
        meeting["attendees"] = attendees
        meeting["decisions"] = [
            {"household_id": h, "agree": attendees // 2, "disagree": 1, "abstain": 0} for h in voted
        ]
        votes.save_meeting(self.commune, meeting)

    @rule(data=st.data())
    def delete_a_meeting(self, data):
        meetings = self.commune.meetings.find()
        if meetings:
            self.commune.meetings.delete(data.draw(st.sampled_from(meetings))["id"])

    @rule(data=st.data(), year=st.sampled_from(YEARS))
    def nominate(self, data, year):
        active = self._active()
        if not active:
            return
        nomination = nominations.draft(year, "household", household_id=data.draw(st.sampled_from(active)))
        nominations.save_checked(self.commune, [nomination])

    @rule(data=st.data())
    def withdraw_a_nomination(self, data):
        found = self.commune.nominations.find()
        if found:
            self.commune.nominations.delete(data.draw(st.sampled_from(found))["id"])

    @rule(data=st.data(), year=st.sampled_from(YEARS), status=st.sampled_from(STATUSES))
    def save_the_review_grid(self, data, year, status):
        rows = [r for r in self.commune.register.review_grid(year)][:5]
        if rows:
            picked = data.draw(st.lists(st.sampled_from(rows), unique_by=lambda r: r["household_id"], max_size=3))
            households.save_review_records(
                self.commune, [(r["household_id"], {"year": year, "status": status}) for r in picked]
            )

    @rule()
    def excel_out_and_back(self):
        sheet = self.folder / "danh-sach.xlsx"
        excel.export_store(self.commune, sheet)
        excel.import_file(self.commune, sheet)

    @rule()
    def take_a_backup(self):
        self.backups.append(self.commune.backup("thu"))

    @rule(data=st.data())
    def restore_a_backup(self, data):
        if self.backups:
            self.commune.restore_from(data.draw(st.sampled_from(self.backups)))

    # --- the promises -------------------------------------------------------------------------------
    @invariant()
    def the_file_exports_and_comes_back_unchanged(self):
        exported = dataset.export_data(self.commune, exported_at="2026-12-01T00:00:00+07:00")
        fresh = Store.open(self.folder / f"moi-{self.steps}.sqlite", actor="Kiểm tra")
        try:
            assert dataset.check(exported, fresh) == []
            dataset.import_data(fresh, exported)
            assert dataset.export_data(fresh, exported_at="2026-12-01T00:00:00+07:00") == exported
        finally:
            fresh.close()
            (self.folder / f"moi-{self.steps}.sqlite").unlink()

    @invariant()
    def the_next_package_is_taken_and_the_level_above_mirrors_the_commune(self):
        self.steps += 1
        made = outbox.export_package(self.commune, self.folder / "usb")
        [result] = upper_level.import_files(self.province, [made])
        assert result.status == "accepted", result.message
        copy = upper_level.commune_store(self.province, self.code)
        try:
            mine, theirs = dataset.export_data(self.commune), dataset.export_data(copy)
            for key in ("villages", "households", "meetings", "nominations"):
                assert theirs[key] == mine[key], key
            # The heads the level above looks for twice are the commune's heads of now.
            by_key: dict[str, list[str]] = {}
            for hid, _name, _cccd, key, _village in copy.register.heads():
                by_key.setdefault(key, []).append(hid)
            twice = {hid for same in by_key.values() if len(same) > 1 for hid in same}
            assert {f.household_id for f in checks.duplicate_flags(self.province, self.code)} == twice
        finally:
            copy.close()


@pytest.mark.slow
def test_an_officers_day_keeps_every_promise(tmp_path):
    OfficerDay.root = tmp_path
    run_state_machine_as_test(
        OfficerDay,
        settings=settings(
            max_examples=8,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
