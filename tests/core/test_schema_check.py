"""The compiled checker agrees with a reference JSON Schema validator, and speaks Vietnamese."""

import copy
import json

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_desktop.register import demo
from thidua_desktop.register.schema_check import check_dataset_shape, load_schema

SCHEMA = load_schema()
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)
BASE = demo.generate(households=6, villages=2, seed=3)

# Values to drop into any place of a valid dataset.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.text(max_size=5),
    st.just("2019-02-30"),
    st.just("1e5c3a7b-0000-4000-8000-00000000000g"),
    st.lists(st.integers(0, 2), max_size=3),
    st.just({}),
    st.floats(allow_nan=False),
)


def _places(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _places(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _places(v, path + (i,))


PLACES = [p for p in _places(BASE) if p]


def test_valid_files_pass():
    assert check_dataset_shape(BASE) == []
    with open(__file__.rsplit("/tests/", 1)[0] + "/resources/schema/thidua-dataset-v1.schema.json") as fh:
        json.load(fh)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PLACES), ODD_VALUES, st.booleans())
def test_agrees_with_reference_validator(place, value, delete):
    data = copy.deepcopy(BASE)
    parent = data
    for key in place[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[place[-1]]
    else:
        parent[place[-1]] = value
    ours = check_dataset_shape(data)
    reference_ok = REFERENCE.is_valid(data)
    assert (ours == []) == reference_ok, (place, value, ours[:3])


def test_every_problem_is_listed_with_its_path():
    data = copy.deepcopy(BASE)
    data["households"][1]["head"]["gender"] = "nam"
    data["households"][2]["members"] = 0
    data["households"][3]["years"][0]["status"] = "ngheo"
    data["villages"][0]["color"] = "đỏ"
    del data["households"][4]["head"]
    problems = {p.path: p.message for p in check_dataset_shape(data)}
    assert problems["households[1].head.gender"].startswith('giá trị "nam" không hợp lệ')
    assert problems["households[2].members"] == "phải từ 1 trở lên"
    assert "ngheo" in problems["households[3].years[0].status"]
    assert problems["villages[0].color"] == "trường này không có trong định dạng dữ liệu"
    assert problems["households[4]"] == "thiếu trường bắt buộc 'head'"
