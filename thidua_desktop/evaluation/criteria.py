"""Criteria sets: every number the evaluator compares against, read from a file and checked.

The built-in sets live in resources/criteria/; a province adds its own as a file in the data folder's
criteria/ (another period, another plan, stricter numbers) without any code.

A set also says what the papers cite: the movement's name and the plan it follows, the awards with the
level that decides each (by period) and the laws in force. These keys are optional; a set without them
takes the national defaults of resources/awards.json.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from thidua_desktop import domain, paths, settings
from thidua_desktop.errors import Refused
from thidua_desktop.text import clean, fold


class CriteriaError(Refused):
    """A criteria set that cannot be used; the message names the file, the key and what is wrong."""


@dataclass(frozen=True)
class RegionEnd:
    poor_and_near_poor_below: Fraction
    poor_below: Fraction


LEVELS = ("commune", "district", "province", "upper")


@dataclass(frozen=True)
class Span:
    """A period of validity; either end may be open (both ends inclusive)."""

    start: _dt.date | None = None
    end: _dt.date | None = None

    def holds(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Award:
    """An award a nomination asks for, and which level decides it in which period."""

    name: str  # as lists and the nomination form show it: "Bằng khen của Chủ tịch UBND tỉnh"
    grant: str  # as a paper writes it after "tặng": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    decided_by: tuple[tuple[Span, str], ...]
    aliases: tuple[str, ...] = ()

    def level_on(self, day: _dt.date) -> str | None:
        """The level that decides this award on `day`; None when nobody grants it then."""
        return next((level for span, level in self.decided_by if span.holds(day)), None)

    def matches(self, text: str) -> bool:
        return fold(text) in {fold(self.name), *(fold(a) for a in self.aliases)}


@dataclass(frozen=True)
class Citation:
    """A document a paper cites: 'Kế hoạch số 112/KH-UBND ngày 19 tháng 12 năm 2017 của ...'."""

    kind: str
    number: str
    date: _dt.date
    issuer: str
    subject: str | None = None


@dataclass(frozen=True)
class Movement:
    name: str  # without quotes: "Vì người nghèo - Không để ai bị bỏ lại phía sau"
    launch: Citation | None = None  # the national plan that launched it
    plan: Citation | None = None  # the province's plan the criteria set reads


@dataclass(frozen=True)
class Basis:
    """The laws a paper dated within `span` cites, each as its "Căn cứ ..." names it."""

    span: Span
    texts: tuple[str, ...]


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
    movement: Movement = field(default_factory=lambda: Movement(""))
    awards: tuple[Award, ...] = ()
    laws: tuple[Basis, ...] = ()  # the emulation law and its decree
    local_government: tuple[Basis, ...] = ()  # the authority of a people's committee and its chairman

    def award(self, text: str) -> Award | None:
        """The award a nomination's text names (its name or a former wording), if the set knows it."""
        return next((a for a in self.awards if a.matches(text)), None)

    def laws_on(self, day: _dt.date) -> tuple[str, ...]:
        return next((b.texts for b in self.laws if b.span.holds(day)), ())

    def authority_on(self, day: _dt.date) -> tuple[str, ...]:
        return next((b.texts for b in self.local_government if b.span.holds(day)), ())

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
        **_papers(raw, source, start, end),
    )


# --- what the papers cite ------------------------------------------------------------------------------

AWARDS_FILE = "awards.json"


@cache
def _defaults() -> dict:
    with open(paths.resource(AWARDS_FILE), encoding="utf-8") as fh:
        return json.load(fh)


class _Reader:
    """Checks the optional keys of a set (or of resources/awards.json), naming the key that is wrong."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, what: str) -> CriteriaError:
        return CriteriaError(f"Bộ tiêu chí {self.source}: khóa '{key}' {what}.")

    def text(self, box: dict, key: str, where: str) -> str:
        value = box.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where + key, "phải là một đoạn chữ" if key in box else "bị thiếu")
        return clean(value)

    def maybe_text(self, box: dict, key: str, where: str) -> str | None:
        return None if box.get(key) is None else self.text(box, key, where)

    def texts(self, box: dict, key: str, where: str, optional: bool = False) -> tuple[str, ...]:
        value = box.get(key, [] if optional else None)
        if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
            raise self.fail(where + key, "phải là danh sách các đoạn chữ")
        return tuple(clean(t) for t in value)

    def day(self, box: dict, key: str, where: str) -> _dt.date:
        value = box.get(key)
        if isinstance(value, str) and len(value) == 10:
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(where + key, f"phải là ngày dạng YYYY-MM-DD, không phải {value!r}")

    def maybe_day(self, box: dict, key: str, where: str) -> _dt.date | None:
        return None if box.get(key) is None else self.day(box, key, where)

    def span(self, box: dict, where: str) -> Span:
        span = Span(self.maybe_day(box, "from", where), self.maybe_day(box, "until", where))
        if span.start and span.end and span.end < span.start:
            raise self.fail(where + "until", "phải sau ngày bắt đầu")
        return span

    def entries(self, value: Any, key: str) -> list[tuple[str, dict]]:
        if not isinstance(value, list) or not value or not all(isinstance(e, dict) for e in value):
            raise self.fail(key, "phải là danh sách các đối tượng")
        return [(f"{key}[{i}].", e) for i, e in enumerate(value)]

    def citation(self, box: Any, where: str) -> Citation | None:
        if box is None:
            return None
        if not isinstance(box, dict):
            raise self.fail(where.rstrip("."), "phải là một đối tượng (kind, number, date, issuer)")
        return Citation(
            self.text(box, "kind", where),
            self.text(box, "number", where),
            self.day(box, "date", where),
            self.text(box, "issuer", where),
            self.maybe_text(box, "subject", where),
        )

    def bases(self, value: Any, key: str, texts_key: str) -> tuple[Basis, ...]:
        return tuple(Basis(self.span(e, w), self.texts(e, texts_key, w)) for w, e in self.entries(value, key))

    def awards(self, value: Any) -> tuple[Award, ...]:
        out = []
        for where, entry in self.entries(value, "awards"):
            levels = []
            for w, d in self.entries(entry.get("decided_by"), where + "decided_by"):
                if d.get("level") not in LEVELS:
                    raise self.fail(w + "level", f"chỉ nhận {', '.join(LEVELS)}, không phải {d.get('level')!r}")
                levels.append((self.span(d, w), d["level"]))
            name = self.text(entry, "name", where)
            grant = self.maybe_text(entry, "grant", where) or name
            out.append(Award(name, grant, tuple(levels), self.texts(entry, "aliases", where, True)))
        return tuple(out)


@cache
def national_awards() -> tuple[Award, ...]:
    """The awards of resources/awards.json, for a set that names none of its own."""
    return _Reader(AWARDS_FILE).awards(_defaults()["awards"])


def _papers(raw: dict, source: str, start: int, end: int) -> dict[str, Any]:
    """The optional keys of a set, each defaulting to resources/awards.json."""
    defaults = _defaults()
    own, national = _Reader(source), _Reader(AWARDS_FILE)

    def pick(key: str):
        return (own, raw[key]) if key in raw else (national, defaults[key])

    out: dict[str, Any] = {"awards": own.awards(raw["awards"]) if "awards" in raw else national_awards()}
    reader, laws = pick("laws")
    out["laws"] = reader.bases(laws, "laws", "emulation")
    reader, local = pick("local_government")
    out["local_government"] = reader.bases(local, "local_government", "basis")
    national_movement = next(
        (m for m in defaults["movements"] if m["from_year"] <= start and end <= m["to_year"]),
        None,
    )
    movement = raw.get("movement")
    if movement is None:
        movement = national_movement or {"name": raw.get("title") or raw["name"]}
        reader, where = national, "movements."
    else:
        reader, where = own, "movement."
        if not isinstance(movement, dict):
            raise own.fail("movement", "phải là một đối tượng (name, plan)")
    launch = movement.get("launch", (national_movement or {}).get("launch"))
    out["movement"] = Movement(
        reader.text(movement, "name", where),
        reader.citation(launch, where + "launch."),
        reader.citation(movement.get("plan"), where + "plan."),
    )
    return out


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


def load(name: str = settings.DEFAULT_CRITERIA_SET) -> CriteriaSet:
    sets = available()
    if name not in sets:
        raise CriteriaError(f"Không có bộ tiêu chí '{name}'. Các bộ có sẵn: {', '.join(sorted(sets))}.")
    return load_file(sets[name])


def chosen_name(store) -> str:
    """The set the officer last chose for this commune's file (the default set until then)."""
    return settings.CRITERIA_SET.get(store) or settings.DEFAULT_CRITERIA_SET


def load_chosen(store) -> CriteriaSet:
    return load(chosen_name(store))
