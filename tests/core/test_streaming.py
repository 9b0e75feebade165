"""What goes out a batch at a time is byte for byte what went out whole: the dataset file written by
`write_file` and the JSON indenting that writes it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_desktop.register import dataset, demo

AT = "2026-12-01T09:30:00+07:00"

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', "\\", "\n", "\t", "Nguyễn Thị Ánh", "e\u0301", "\x7f", "</", "\u2028"]
)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**15), 10**15) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_indenting_is_json_own(value):
    assert dataset.indented(value) == json.dumps(value, ensure_ascii=False, indent=1)
    nested = {"a": [value, {"b": value}]}
    assert dataset.indented(nested) == json.dumps(nested, ensure_ascii=False, indent=1)


def test_values_json_writes_its_own_way_are_left_to_json():
    for value in (1.5, (1, [2]), {1: "một"}, [float("nan")]):
        assert dataset.indented(value) == json.dumps(value, ensure_ascii=False, indent=1)


def _same_file(store, tmp_path) -> dataset.Exported:
    done = dataset.write_file(store, tmp_path / "out.json", AT)
    whole = dataset.json_bytes(dataset.export_data(store, AT))
    assert (tmp_path / "out.json").read_bytes() == whole
    return done


def test_the_streamed_file_is_the_whole_file(filled_store, tmp_path):
    done = _same_file(filled_store, tmp_path)
    data = dataset.export_data(filled_store)
    assert (done.villages, done.households) == (len(data["villages"]), len(data["households"]))


def test_a_commune_of_many_batches_with_households_in_the_bin(store, tmp_path):
    data = demo.generate(households=4500, villages=5, seed=4, meetings=False)  # three batches of 2,000
    dataset.import_data(store, data)
    for hh in data["households"][::7]:
        store.register.delete_household(hh["id"])
    assert _same_file(store, tmp_path).households == len(data["households"]) - len(data["households"][::7])


def test_a_commune_without_households(store, tmp_path):
    dataset.import_data(store, demo.generate(households=0, villages=2, seed=1))
    assert _same_file(store, tmp_path).households == 0
