"""What goes out a batch at a time is byte for byte what went out whole: the dataset file written by
`write_file` and the JSON indenting that writes it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import sql
from thidua_desktop import safejson
from thidua_desktop.errors import Refused
from thidua_desktop.register import dataset, demo, schema_check

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


def _walked(raw: bytes | str, source: str) -> object:
    """safejson.loads as it was: every string walked (the reference for its plain-text shortcut)."""
    with mock.patch.object(safejson, "_plain", lambda text: False):
        return safejson.loads(raw, source)


def _outcome(fn, raw):
    try:
        return ("value", fn(raw, "tệp.json"))
    except safejson.JsonRefused as exc:
        return ("refused", str(exc))


nasty = st.sampled_from(
    [
        "\\u0000",
        "\\ud800",
        "\\u0301",
        "\\u00e9",
        "e\\u0301",
        "\\\\u",
        '\\"',
        "\\\\",
        "\\n",
        "e\u0301",
        "\u1ec5",
        "x" * 40,
    ]
)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans(), st.lists(st.tuples(st.integers(0, 10_000), nasty), max_size=3))
def test_the_plain_text_shortcut_reads_what_the_walk_reads(value, ascii_only, splices):
    text = json.dumps(value, ensure_ascii=ascii_only)
    for at, piece in splices:  # pieces put inside strings, where they make a difference
        quote = text.find('"', at % (len(text) + 1))
        if quote >= 0:
            text = text[: quote + 1] + piece + text[quote + 1 :]
    assert _outcome(safejson.loads, text.encode()) == _outcome(_walked, text.encode())


def test_long_strings_and_deep_documents_are_refused_alike():
    for text in (
        json.dumps({"a": "x" * (safejson.MAX_STRING + 1)}),
        json.dumps(["x" * safejson.MAX_STRING, "y" * 10]),
        json.dumps([list(range(10))] * 20_000),
        "[" * 40 + "]" * 40,
        json.dumps({"k" * (safejson.MAX_STRING + 1): 1}),
    ):
        assert _outcome(safejson.loads, text.encode()) == _outcome(_walked, text.encode())


def test_our_own_files_take_the_shortcut(demo_data):
    assert safejson._plain(dataset.json_bytes(demo_data).decode("utf-8"))


# --- import-json read a household at a time ---------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"


def _state(store) -> tuple:
    """What an import leaves: the dataset the file holds now, and its change history (without times)."""
    data = dataset.export_data(store, AT) if store.register.commune() else None
    audit = sql(store, "SELECT tbl, record_id, household_id, action, field, old, new FROM audit_log ORDER BY id")
    return data, [tuple(r) for r in audit]


def _imported(store, path, streamed: bool) -> tuple:
    """import-json of `path`, read a household at a time or whole: what it said and what it left."""
    try:
        if streamed:
            result = dataset.import_file(store, path)
        else:
            result = dataset.import_data(store, dataset.read_file(path), str(path))
        said = ("done", result.summary(), result.removed, result.backup is not None)
    except Refused as exc:
        said = ("refused", str(exc))
    return said, _state(store)


def _both(store_factory, raw: bytes, tmp_path, start=None) -> tuple:
    path = tmp_path / "tệp.json"
    path.write_bytes(raw)
    outcomes = []
    for streamed in (True, False):
        s = store_factory(f"{'a' if streamed else 'b'}-{len(list(tmp_path.iterdir()))}.sqlite")
        if start is not None:
            dataset.import_data(s, start)
        outcomes.append(_imported(s, path, streamed))
    return tuple(outcomes)


@pytest.mark.parametrize("shape", ["demo", "example", "bom", "spaced", "reordered", "empty", "over"])
def test_a_file_read_a_household_at_a_time_imports_as_read_whole(store_factory, tmp_path, shape):
    data = demo.generate(households=120, villages=5, seed=6)
    data["nominations"] = [
        {"id": "5c0f6a42-94d1-4b8e-a3a1-6b3f3a1f0c11", "year": 2019, "nominee_kind": "household",
         "household_id": data["households"][3]["id"], "award": "giay_khen_xa", "status": "draft"}
    ]  # fmt: skip
    raw = dataset.json_bytes(data)
    start = None
    if shape == "example":
        raw = EXAMPLE.read_bytes()
    elif shape == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif shape == "spaced":
        raw = json.dumps(data, ensure_ascii=False, indent=4).encode() + b"\n\n"
    elif shape == "reordered":  # households first, then villages: read whole
        raw = json.dumps({k: data[k] for k in ("households", "format", "meetings", "villages", "commune", "version")},
                         ensure_ascii=False).encode()  # fmt: skip
    elif shape == "empty":
        raw = dataset.json_bytes({**data, "households": [], "meetings": [], "nominations": []})
    elif shape == "over":  # over the same commune already there: backed up first, every household known
        start = copy.deepcopy(data)
        for hh in data["households"][::3]:
            hh["years"] = hh["years"][:-1]
            hh["loans"] = []
    with mock.patch.object(dataset, "read_file", wraps=dataset.read_file) as whole:
        streamed, read_whole = _both(store_factory, raw, tmp_path, start)
    assert streamed == read_whole
    assert streamed[0][0] == "done"
    assert whole.call_count == (2 if shape == "reordered" else 1)  # the streamed import read it whole only then


MUTATIONS = st.sampled_from(
    [
        ("households", 0, "id", "not-a-uuid"),
        ("households", 1, "village_id", "00000000-0000-4000-8000-000000000000"),
        ("households", 2, "members", 0),
        ("households", 3, "members", 10**16),
        ("households", 4, "extra", 1),
        ("households", 5, "head", {"name": "", "gender": "male"}),
        ("households", 6, "left_in", 2016),
        ("households", 7, "years", [{"year": 2019, "status": "poor"}, {"year": 2019, "status": "poor"}]),
        ("meetings", 0, "village_id", "00000000-0000-4000-8000-000000000001"),
        ("villages", 0, "name", "  "),
        ("commune", None, "code", "123"),
        ("commune", None, "name", "Xa\u0301 Ho\u0300ng"),
        ("households", 8, "code", "H\u0301"),
        ("top", None, "unknown", []),
        ("top", None, "households", {}),
        ("top", None, "version", 2),
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MUTATIONS, max_size=3), st.sampled_from([None, "cut", "tail", "dup-key", "dup-cccd", "nul"]))
def test_a_broken_file_is_refused_as_read_whole(store_factory, tmp_path_factory, mutations, damage):
    tmp_path = tmp_path_factory.mktemp("broken")
    data = demo.generate(households=30, villages=3, seed=9)
    for section, index, key, value in mutations:
        try:
            target = data if section == "top" else data[section] if index is None else data[section][index]
        except (KeyError, IndexError):
            continue  # an earlier change took it away
        target[key] = value
    raw = dataset.json_bytes(data)
    if damage == "cut":
        raw = raw[: len(raw) // 2]
    elif damage == "tail":
        raw += b"{}"
    elif damage == "dup-key":
        raw = raw.replace(b'"members": ', b'"members": 3, "members": ', 1)
    elif damage == "dup-cccd":
        listed = data["households"] if isinstance(data["households"], list) else []
        numbers = [
            h["head"]["id_number"] for h in listed if isinstance(h.get("head"), dict) and h["head"].get("id_number")
        ]
        if len(numbers) > 1:
            raw = raw.replace(numbers[1].encode(), numbers[0].encode())
    elif damage == "nul":
        raw = raw.replace('"Thôn'.encode(), '"\\u0000Thôn'.encode(), 1)
    streamed, read_whole = _both(store_factory, raw, tmp_path)
    assert streamed == read_whole


def test_a_cccd_of_another_household_of_the_file_is_refused_as_read_whole(store_factory, tmp_path):
    data = demo.generate(households=30, villages=3, seed=9)
    start = demo.generate(households=30, villages=3, seed=10)
    taken = next(h["head"]["id_number"] for h in start["households"] if h["head"].get("id_number"))
    mine = next(h for h in data["households"] if h["head"].get("id_number"))
    mine["head"]["id_number"] = taken
    mine["head"]["gender"] = next(h for h in start["households"] if h["head"].get("id_number"))["head"]["gender"]
    mine["head"]["birth_year"] = next(h for h in start["households"] if h["head"].get("id_number"))["head"][
        "birth_year"
    ]
    streamed, read_whole = _both(store_factory, dataset.json_bytes(data), tmp_path, start)
    assert streamed == read_whole
    assert streamed[0][0] == "refused"


# --- the schema's fast yes or no ---------------------------------------------------------------------

leaves = (
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.floats(allow_nan=True)
    | st.sampled_from(
        [
            "",
            " ",
            "poor",
            "male",
            "2019-01-05",
            "2019-02-30",
            "x" * 61,
            "008075001234",
            "thon",
            "2021-01-15T09:30:00+07:00",
        ]
    )
)
anything = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _replaced(value, path, new):
    if not path:
        return new
    value = copy.copy(value)
    value[path[0]] = _replaced(value[path[0]], path[1:], new)
    return value


SMALL = demo.generate(households=4, villages=2, seed=3)
SMALL["nominations"] = [
    {"id": "5c0f6a42-94d1-4b8e-a3a1-6b3f3a1f0c11", "year": 2019, "nominee_kind": "household",
     "household_id": SMALL["households"][0]["id"], "award": "giay_khen_xa", "status": "draft"}
]  # fmt: skip
PATHS = list(_paths(SMALL))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), anything, st.booleans()), min_size=1, max_size=3))
def test_the_fast_yes_or_no_is_the_checker_own(changes):
    data = SMALL
    for path, new, delete in changes:
        try:
            if delete and path:
                parent = _replaced(data, path[:-1], None)  # a copy of the way down
                holder = copy.copy(_get(data, path[:-1]))
                del holder[path[-1]]
                data = _replaced(parent, path[:-1], holder)
            else:
                data = _replaced(data, path, new)
        except (KeyError, IndexError, TypeError):
            continue
    assert schema_check.fits(data) == (schema_check.check_dataset_shape(data) == [])
    listed = data.get("households") if isinstance(data, dict) else None
    for hh in listed if isinstance(listed, list) else []:
        assert schema_check.fits(hh, "household") == (schema_check.check_shape(hh, "household") == [])
    if isinstance(data, dict):
        for key, value in data.items():
            whole = schema_check.check_dataset_shape({**SMALL, key: value})
            assert schema_check.fits(value, f"properties/{key}") == (whole == [])


def _get(value, path):
    for key in path:
        value = value[key]
    return value
