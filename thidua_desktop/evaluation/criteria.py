"""Criteria sets: every number the evaluator compares against, read from a file and checked.

The built-in sets live in resources/criteria/; a province adds its own as a file in the data folder's
criteria/ (another period, another plan, stricter numbers) without any code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from thidua_desktop import domain, paths, settings
from thidua_desktop.errors import Refused

DEFAULT_SET = "tuyen-quang-2016-2020"


class CriteriaError(Refused):
    """A criteria set that cannot be used; the message names the file, the key and what is wrong."""


@dataclass(frozen=True)
class RegionEnd:
    poor_and_near_poor_below: Fraction
    poor_below: Fraction


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    version: int
    title: str
    period_start: int
    period_end: int
    baseline_year: int
    exit_years: int
    vote_share: Fraction
    vote_operator: str
    reduction_unit: str
    reduction_rule: str
    commune_reduction: Fraction
    region_end_rates: dict[str, RegionEnd]
    policy_deadline_commune: int
    district_reduction: Fraction
    poor_district_reduction: Fraction
    policy_deadline_district: int
    province_reduction: Fraction
    province_reduction_special: Fraction
    indicators: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def vote_passes(self, agree: int, attendees: int) -> bool:
        share = Fraction(agree, attendees)
        return share >= self.vote_share if self.vote_operator == ">=" else share > self.vote_share

    def indicators_for(self, year: int) -> tuple[str, ...] | None:
        standard = domain.standard_for(year)
        if standard is None:
            return None
        return self.indicators.get(standard.key, standard.indicators)


def _fraction(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, str)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))  # 0.5 -> 1/2 exactly, not the binary float
    raise ValueError


def parse(raw: Any, source: str) -> CriteriaSet:
    """Check every key of a criteria set; the first problem found is named in Vietnamese."""

    def fail(key: str, what: str) -> CriteriaError:
        return CriteriaError(f"Bộ tiêu chí {source}: khóa '{key}' {what}.")

    if not isinstance(raw, dict):
        raise CriteriaError(f"Bộ tiêu chí {source}: tệp phải là một đối tượng JSON.")

    def get(key: str, container: dict | None = None, where: str = "") -> Any:
        box = raw if container is None else container
        if key not in box:
            raise fail(where + key, "bị thiếu")
        return box[key]

    def whole(key: str, low: int = 0, high: int = 3000, container=None, where: str = "") -> int:
        value = get(key, container, where)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise fail(where + key, f"phải là số nguyên từ {low} đến {high}, không phải {value!r}")
        return value

    def number(
        key: str, low: Fraction = Fraction(0), high: Fraction = Fraction(100), container=None, where: str = ""
    ) -> Fraction:
        value = get(key, container, where)
        try:
            result = _fraction(value)
        except (ValueError, ZeroDivisionError):
            raise fail(where + key, f"phải là một số, không phải {value!r}") from None
        if not low <= result <= high:
            raise fail(where + key, f"phải nằm trong khoảng {low} đến {high}, không phải {value!r}")
        return result

    def choice(key: str, options: tuple[str, ...]) -> str:
        value = get(key)
        if value not in options:
            raise fail(key, f"chỉ nhận {', '.join(options)}, không phải {value!r}")
        return value

    name = get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "phải là tên của bộ tiêu chí")
    period = get("period")
    if not isinstance(period, dict):
        raise fail("period", "phải có start, end và baseline_year")
    start = whole("start", 2000, 2100, period, "period.")
    end = whole("end", start, 2100, period, "period.")
    baseline = whole("baseline_year", 2000, start, period, "period.")
    regions_raw = get("region_end_rates")
    if not isinstance(regions_raw, dict) or not set(regions_raw) <= {"I", "II", "III"}:
        raise fail("region_end_rates", "phải là đối tượng theo khu vực I, II, III")
    regions = {}
    for region, limits in regions_raw.items():
        where = f"region_end_rates.{region}."
        if not isinstance(limits, dict):
            raise fail(where.rstrip("."), "phải là một đối tượng")
        regions[region] = RegionEnd(
            number("poor_and_near_poor_below", container=limits, where=where),
            number("poor_below", container=limits, where=where),
        )
    indicators_raw = raw.get("indicators", {})
    if not isinstance(indicators_raw, dict):
        raise fail("indicators", "phải là đối tượng: mã chuẩn nghèo -> danh sách chỉ số")
    known = {s.key for s in domain.standards()}
    indicators = {}
    for key, keys in indicators_raw.items():
        if key not in known:
            raise fail(f"indicators.{key}", f"không phải mã chuẩn nghèo đã biết ({', '.join(sorted(known))})")
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k.isidentifier() for k in keys):
            raise fail(f"indicators.{key}", "phải là danh sách mã chỉ số thiếu hụt")
        indicators[key] = tuple(keys)
    version = whole("version", 1, 10_000)
    title = raw.get("title") or name
    return CriteriaSet(
        name=name,
        version=version,
        title=title,
        period_start=start,
        period_end=end,
        baseline_year=baseline,
        exit_years=whole("exit_years", 0, 50),
        vote_share=number("vote_share", Fraction(0), Fraction(1)),
        vote_operator=choice("vote_operator", (">=", ">")),
        reduction_unit=choice("reduction_unit", ("points", "relative")),
        reduction_rule=choice("reduction_rule", ("each_year", "average")),
        commune_reduction=number("commune_reduction"),
        region_end_rates=regions,
        policy_deadline_commune=whole("policy_deadline_commune", 2000, 2100),
        district_reduction=number("district_reduction"),
        poor_district_reduction=number("poor_district_reduction"),
        policy_deadline_district=whole("policy_deadline_district", 2000, 2100),
        province_reduction=number("province_reduction"),
        province_reduction_special=number("province_reduction_special"),
        indicators=indicators,
    )


def _folders() -> list[Path]:
    return [paths.resource("criteria"), paths.data_dir() / "criteria"]


def available() -> dict[str, Path]:
    """Criteria sets by name; a set in the data folder overrides a built-in one of the same name."""
    found: dict[str, Path] = {}
    for folder in _folders():
        for file in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            found[file.stem] = file
    return found


def read_raw(path: Path) -> Any:
    """A criteria set file as JSON, not yet checked (`parse` checks it)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CriteriaError(f"Không đọc được bộ tiêu chí {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CriteriaError(f"Bộ tiêu chí {path} không phải JSON hợp lệ: {exc}") from exc
    return raw


def load_file(path: Path) -> CriteriaSet:
    return parse(read_raw(path), str(path))


def load(name: str = DEFAULT_SET) -> CriteriaSet:
    sets = available()
    if name not in sets:
        raise CriteriaError(f"Không có bộ tiêu chí '{name}'. Các bộ có sẵn: {', '.join(sorted(sets))}.")
    return load_file(sets[name])


def chosen_name(store) -> str:
    """The set the officer last chose for this commune's file (the default set until then)."""
    return settings.CRITERIA_SET.get(store) or DEFAULT_SET


def load_chosen(store) -> CriteriaSet:
    return load(chosen_name(store))
