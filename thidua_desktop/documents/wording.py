"""How the papers word things: one percent format, clock times, dates, citations, counts of nominees,
and the Vietnamese collation of names."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from fractions import Fraction

from thidua_desktop import domain
from thidua_desktop.evaluation.criteria import Citation, CriteriaSet
from thidua_desktop.store import sort_name
from thidua_desktop.text import format_vnd, lower_first

DOTS = "…………"


# --- numbers ------------------------------------------------------------------------------------------


def percent(value: Fraction | float | int | None) -> str:
    """A percentage as every paper prints it: two decimals, a decimal comma, rounded half up ('43,90%')."""
    if value is None:
        return f"{DOTS}%"
    exact = value if isinstance(value, Fraction) else Fraction(str(value))
    hundredths = (exact * 100 + Fraction(1, 2)).__floor__()
    whole, cents = divmod(abs(hundredths), 100)
    return f"{'-' if hundredths < 0 else ''}{whole},{cents:02d}%"


_PERCENT_IN_TEXT = re.compile(r"(?<![\d,])(\d+)(?:,(\d+))?%")


def percents_in(text: str) -> str:
    """An evaluator's reason as a paper prints it: every percentage in the papers' one format
    ('40% → 33,33%' becomes '40,00% → 33,33%')."""

    def two_decimals(m: re.Match) -> str:
        return percent(Fraction(f"{m.group(1)}.{m.group(2) or '0'}"))

    return _PERCENT_IN_TEXT.sub(two_decimals, text)


def share(part: Fraction | None) -> str:
    """A share of one (1/2) as a percentage ('50,00%')."""
    return percent(None if part is None else part * 100)


def money(amount: int | None) -> str:
    return f"{format_vnd(amount)} đồng" if amount is not None else f"{DOTS} đồng"


# --- time -----------------------------------------------------------------------------------------------

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def clock(hhmm: str | None) -> str:
    """'19:30' as minutes write it: '19 giờ 30 phút'; unknown, a space to write it by hand."""
    found = _CLOCK.fullmatch(hhmm or "")
    if not found:
        return f"{DOTS} giờ {DOTS} phút"
    return f"{int(found.group(1)):02d} giờ {found.group(2)} phút"


def day_month(day: _dt.date) -> tuple[str, str]:
    """Days below 10 and months 1-2 with a leading zero (NĐ 30/2020)."""
    return f"{day.day:02d}", f"{day.month:02d}" if day.month <= 2 else str(day.month)


def long_date(day: _dt.date | None) -> str:
    """'ngày 05 tháng 01 năm 2020' (a space to write by hand when the day is unknown)."""
    if day is None:
        return f"ngày {DOTS[:6]} tháng {DOTS[:6]} năm {DOTS[:8]}"
    d, m = day_month(day)
    return f"ngày {d} tháng {m} năm {day.year}"


def short_date(day: _dt.date | None) -> str:
    """'05/01/2020'."""
    return f"{DOTS[:4]}/{DOTS[:4]}/{DOTS[:6]}" if day is None else day.strftime("%d/%m/%Y")


def iso_date(iso: str | None) -> str:
    return short_date(_dt.date.fromisoformat(iso)) if iso else short_date(None)


def local_time(iso: str | None) -> str:
    """An ISO time stamp as a paper writes it, in the computer's time zone: '01/12/2026 21:42'."""
    if not iso:
        return ""
    moment = _dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


# --- citations ------------------------------------------------------------------------------------------


def cite(c: Citation) -> str:
    """'Kế hoạch số 112/KH-UBND ngày 19 tháng 12 năm 2017 của Ủy ban nhân dân tỉnh Tuyên Quang về ...'."""
    text = f"{c.kind} số {c.number} {long_date(c.date)} của {c.issuer}"
    return text + (f" về {c.subject}" if c.subject else "")


def movement(criteria: CriteriaSet) -> str:
    """The movement's name in quotes, as titles write it."""
    return f"“{criteria.movement.name}”"


def plan_basis(criteria: CriteriaSet) -> list[str]:
    """The 'Căn cứ' lines of the movement: the national plan that launched it and the province's plan
    (or, for a set that names no plan, its title)."""
    m = criteria.movement
    out = [cite(m.launch)] if m.launch else []
    out.append(cite(m.plan) if m.plan else criteria.title)
    return out


# --- counting nominees ----------------------------------------------------------------------------------

KIND_WORDS = {"household": "hộ gia đình", "organization": "tập thể", "individual": "cá nhân"}


def unit_word(village: Mapping | None) -> str:
    """'thôn', 'bản' or 'tổ dân phố' for a village record."""
    kind = (village or {}).get("kind") or "thon"
    return lower_first(domain.VILLAGE_KIND_LABELS.get(kind, "Thôn"))


def count_phrase(counts: Mapping[str, int]) -> str:
    """{'hộ gia đình': 2, 'thôn': 1} -> '2 hộ gia đình và 1 thôn'."""
    parts = [f"{n} {word}" for word, n in counts.items() if n]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1] if parts else ""


def in_sentence(unit_name: str) -> str:
    """'Thôn Nà Khà' inside a sentence: 'thôn Nà Khà' (the kind of unit is not a proper name)."""
    for label in domain.VILLAGE_KIND_LABELS.values():
        if unit_name.startswith(label + " "):
            return lower_first(unit_name)
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if unit_name.startswith(prefix):
            return lower_first(unit_name)
    return unit_name


# --- collation ------------------------------------------------------------------------------------------

_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_LETTERS)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # ă; â ê ô; ơ ư


def _vietnamese(text: str) -> tuple:
    """Vietnamese dictionary order: letters (a ă â … d đ … o ô ơ … u ư), then tones, then case."""
    letters, tones, cases = [], [], []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if not unicodedata.combining(c) or c in _SHAPES)
        base = unicodedata.normalize("NFC", base)
        low = base.lower()
        if low in _RANK:
            letters.append(100 + _RANK[low])
        elif low.isspace():
            letters.append(0)
        elif low.isdigit():
            letters.append(10 + int(low))
        else:
            letters.append(1000 + ord(low))
        tones.append(next((_TONES[c] for c in parts if c in _TONES), 0))
        cases.append(0 if base == low else 1)
    return tuple(letters), tuple(tones), tuple(cases)


def name_key(full_name: str) -> tuple:
    """How every list of a paper orders people: as the household list does (by given name, then the
    whole name, diacritics folded), ties broken in Vietnamese dictionary order."""
    return sort_name(full_name), _vietnamese(full_name)
