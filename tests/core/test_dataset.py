"""import-json / export-json: all or nothing, every problem listed, a faithful round trip."""

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import main
from tests.helpers import sql
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "example-dataset.json"


def _without_time(data):
    data = dict(data)
    data.pop("exported_at", None)
    return data


def _fingerprint(store):
    return json.dumps(_without_time(dataset.export_data(store)), sort_keys=True) if store.register.commune() else None


def test_export_import_export_is_identical(filled_store, store_factory):
    first = dataset.export_data(filled_store)
    empty = store_factory("empty.sqlite")
    dataset.import_data(empty, first)
    assert _without_time(dataset.export_data(empty)) == _without_time(first)


names = st.text(alphabet="ẮẰẲẴẶăắằẳẵặĐđƠơỜớờỞởƯưứừửữự aáàảãạeéèẻẽẹ'-", min_size=1, max_size=40).filter(
    lambda s: s.strip()
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    households=st.integers(1, 25),
    villages=st.integers(1, 4),
    head_names=st.lists(names, min_size=1, max_size=25),
    first=st.integers(2010, 2024),
)
def test_round_trip_of_generated_datasets(
    tmp_path_factory, empty_template, seed, households, villages, head_names, first
):
    data = demo.generate(
        households=households, villages=villages, seed=seed, first_year=first, last_year=min(first + 3, 2026)
    )
    for hh, name in zip(data["households"], head_names):
        hh["head"]["name"] = " ".join(name.split())
    folder = tmp_path_factory.mktemp("rt")
    for name in ("a.sqlite", "b.sqlite"):  # two new, empty files (copies of the session's migrated one)
        shutil.copyfile(empty_template, folder / name)
    a = Store.open(folder / "a.sqlite")
    dataset.import_data(a, data)
    exported = dataset.export_data(a)
    b = Store.open(folder / "b.sqlite")
    dataset.import_data(b, exported)
    assert _without_time(dataset.export_data(b)) == _without_time(exported)
    a.close()
    b.close()
    assert [h["head"]["name"] for h in exported["households"]] == [h["head"]["name"] for h in data["households"]]


def test_example_dataset_imports(store):
    result = dataset.import_file(store, EXAMPLE)
    assert (result.villages, result.households, result.meetings, result.nominations) == (3, 14, 12, 3)


def test_bad_file_is_refused_whole_and_lists_every_problem(filled_store, demo_data):
    before = _fingerprint(filled_store)
    data = copy.deepcopy(demo_data)
    data["households"][0]["head"]["name"] = "Tên Đã Sửa"  # a good change that must not land
    data["households"][1]["head"]["id_number"] = "008185001234"  # female digit for a head...
    data["households"][1]["head"]["gender"] = "male"  # ...who is male
    data["households"][1]["head"]["birth_year"] = 1985
    data["households"][2]["village_id"] = "00000000-0000-4000-8000-000000000000"
    data["households"][3]["left_in"] = 2016
    data["meetings"][0]["decisions"][0]["agree"] = data["meetings"][0]["attendees"] + 1
    data["households"][4]["years"][-1]["deprivations"] = ["employment"]
    with pytest.raises(dataset.DatasetRefused) as refused:
        dataset.import_data(filled_store, data, "xa.json")
    paths = [p.path for p in refused.value.problems]
    name1 = data["households"][1]["head"]["name"]
    assert f"households[1] ({name1}).head.id_number" in paths
    assert any(p.startswith("households[2]") and p.endswith(".village_id") for p in paths)
    assert any(p.startswith("households[3]") and ".years[" in p for p in paths)
    assert any(p.startswith("meetings[0]") for p in paths)
    assert any(p.startswith("households[4]") and p.endswith("deprivations") for p in paths)
    assert _fingerprint(filled_store) == before
    assert "không có gì được ghi" in refused.value.summary()


def test_file_of_another_commune_is_refused(filled_store, demo_data):
    data = copy.deepcopy(demo_data)
    data["commune"]["code"] = "99999"
    with pytest.raises(dataset.DatasetRefused, match="mã 99999"):
        dataset.import_data(filled_store, data)


def test_same_cccd_for_two_heads_is_refused(store, demo_data):
    data = copy.deepcopy(demo_data)
    with_id = [h for h in data["households"] if h["head"]["id_number"]]
    with_id[1]["head"].update(
        id_number=with_id[0]["head"]["id_number"],
        gender=with_id[0]["head"]["gender"],
        birth_year=with_id[0]["head"]["birth_year"],
    )
    with pytest.raises(dataset.DatasetRefused, match="đã được dùng"):
        dataset.import_data(store, data)


def test_update_by_id_and_add_new(filled_store, demo_data):
    data = copy.deepcopy(demo_data)
    data["households"][0]["members"] = 9
    extra = demo.generate(households=1, villages=1, seed=99)["households"][0]
    extra["village_id"] = data["villages"][0]["id"]
    extra["head"]["id_number"] = None
    data["households"].append(extra)
    result = dataset.import_data(filled_store, data)
    assert result.new_households == 1
    assert filled_store.register.household(data["households"][0]["id"])["members"] == 9
    assert result.backup is not None and result.backup.exists()


def test_cli_exit_codes_and_messages(tmp_path, capsys, demo_data):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(demo_data, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "cli.sqlite")
    assert main.main(["--db", db, "import-json", str(good)]) == 0
    assert "Đã nhập" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert main.main(["--db", db, "export-json", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "thidua-dataset"
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "thidua-dataset",', encoding="utf-8")
    assert main.main(["--db", db, "import-json", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "broken.json" in err and "dòng 1" in err
    with pytest.raises(SystemExit) as usage:
        main.main(["--db", db, "import-json"])
    assert usage.value.code == 2
    assert "thiếu tham số" in capsys.readouterr().err


CRASH_SCRIPT = """
import sys
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store
store = Store.open(sys.argv[1])
data = demo.generate(households=4000, villages=10, seed=1)
def progress(pct, text):
    if pct >= 55:
        print("writing", flush=True)
dataset.import_data(store, data, progress=progress)
print("done", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_killed_in_the_middle_of_an_import_leaves_the_file_intact(tmp_path, demo_data, delay):
    path = tmp_path / "crash.sqlite"
    store = Store.open(path)
    dataset.import_data(store, demo_data)
    before = _fingerprint(store)
    store.close()
    with subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as proc:
        assert proc.stdout.readline().strip() == "writing"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    store = Store.open(path)
    assert sql(store, "PRAGMA integrity_check")[0][0] == "ok"
    after = _fingerprint(store)
    count = sql(store, "SELECT count(*) FROM household")[0][0]
    # Either nothing of the import landed, or all of it did.
    assert after == before or count == len(demo_data["households"]) + 4000
