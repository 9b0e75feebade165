"""Who grants what, under which law, and the movement's name: data of the criteria set (or of
resources/awards.json beside it), never code; an old set without these keys still loads."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from thidua_desktop import paths
from thidua_desktop.evaluation import criteria, nominations
from thidua_desktop.evaluation.criteria import CriteriaError

BUILT_IN = paths.resource("criteria", "tuyen-quang-2016-2020.json")


def raw() -> dict:
    return json.loads(BUILT_IN.read_text(encoding="utf-8"))


def old_set(**changes) -> dict:
    """A set as it was written before the papers' keys existed."""
    out = {k: v for k, v in raw().items() if k not in ("movement", "awards", "laws", "local_government")}
    return {**out, **changes}


def test_the_built_in_set_names_its_movement_and_plan():
    c = criteria.load()
    assert c.movement.name == "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"
    assert (c.movement.plan.number, c.movement.plan.date) == ("112/KH-UBND", dt.date(2017, 12, 19))
    assert c.movement.plan.issuer == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert (c.movement.launch.number, c.movement.launch.date) == ("1258/QĐ-TTg", dt.date(2017, 8, 21))


def test_an_old_set_takes_the_national_movement_of_its_period():
    c = criteria.parse(old_set(), "cu.json")
    assert c.movement.name == "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"
    assert c.movement.plan is None and c.awards == criteria.national_awards()
    later = criteria.parse(
        old_set(name="tinh-2021", period={"start": 2021, "end": 2025, "baseline_year": 2020}), "tinh-2021.json"
    )
    assert later.movement.name == "Vì người nghèo - Không để ai bị bỏ lại phía sau"
    assert (later.movement.launch.number, later.movement.launch.date) == ("666/QĐ-TTg", dt.date(2022, 6, 2))


def test_each_award_names_who_decides_it_by_period():
    c = criteria.load()
    day = dt.date(2020, 1, 5)
    assert nominations.deciding_level(c, "Giấy khen của Chủ tịch UBND xã", day) == "commune"
    assert nominations.deciding_level(c, "Bằng khen của Chủ tịch UBND tỉnh", day) == "province"
    # the wording of nominations saved before awards were data still finds its award
    assert nominations.deciding_level(c, "Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen", day) == "province"
    assert nominations.deciding_level(c, "Giấy khen của Chủ tịch UBND huyện", day) == "district"
    # no district after 30/6/2025: such a nomination goes to the level above, and the form no longer offers it
    after = dt.date(2025, 7, 1)
    assert nominations.deciding_level(c, "Giấy khen của Chủ tịch UBND huyện", after) == "upper"
    assert "Giấy khen của Chủ tịch UBND huyện" not in nominations.award_names(c, after)
    assert "Giấy khen của Chủ tịch UBND huyện" in nominations.award_names(c, day)
    assert nominations.deciding_level(c, "Khen thưởng đột xuất", day) == "upper"  # unknown: never self-granted
    assert nominations.COMMUNE_AWARD == "Giấy khen của Chủ tịch UBND xã"


def test_the_law_in_force_depends_on_the_papers_date():
    c = criteria.load()
    assert any("91/2017/NĐ-CP" in t for t in c.laws_on(dt.date(2023, 12, 31)))
    assert any("98/2023/NĐ-CP" in t for t in c.laws_on(dt.date(2024, 1, 1)))
    assert not any("91/2017" in t for t in c.laws_on(dt.date(2024, 1, 1)))
    assert any("2015" in t for t in c.authority_on(dt.date(2025, 6, 30)))
    assert any("2025" in t for t in c.authority_on(dt.date(2025, 7, 1)))


def test_a_province_sets_its_own_awards_and_plan():
    own = old_set(
        name="tinh-moi",
        period={"start": 2021, "end": 2025, "baseline_year": 2020},
        movement={
            "name": "Vì người nghèo - Không để ai bị bỏ lại phía sau",
            "plan": {"kind": "Kế hoạch", "number": "45/KH-UBND", "date": "2022-09-01", "issuer": "UBND tỉnh X"},
        },
        awards=[{"name": "Bằng khen của Chủ tịch UBND tỉnh", "decided_by": [{"level": "province"}]}],
    )
    c = criteria.parse(own, "tinh-moi.json")
    assert c.movement.plan.number == "45/KH-UBND" and c.movement.launch.number == "666/QĐ-TTg"
    assert [a.name for a in c.awards] == ["Bằng khen của Chủ tịch UBND tỉnh"]
    assert c.awards[0].grant == "Bằng khen của Chủ tịch UBND tỉnh"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"awards": [{"name": "X", "decided_by": [{"level": "thôn"}]}]}, "awards[0].decided_by[0].level"),
        ({"awards": [{"decided_by": [{"level": "commune"}]}]}, "awards[0].name"),
        ({"awards": [{"name": "X", "decided_by": [{"level": "commune", "from": "1/1/2024"}]}]}, "from"),
        ({"awards": []}, "awards"),
        (
            {"movement": {"name": "X", "plan": {"kind": "KH", "number": "1", "date": "2017-13-01", "issuer": "Y"}}},
            "date",
        ),
        ({"movement": "Vì người nghèo"}, "movement"),
        ({"laws": [{"emulation": "Luật"}]}, "laws[0].emulation"),
    ],
)
def test_a_malformed_papers_key_is_refused_by_name(change, key):
    with pytest.raises(CriteriaError, match=key.replace("[", r"\[").replace("]", r"\]")):
        criteria.parse(old_set(**change), "tinh.json")
