"""The rules of the register, shared by the forms and the dataset import.

Each field check returns None when the value is acceptable, or a Vietnamese sentence saying what is
wrong and how to put it right. `check_dataset_rules` applies them to a whole dataset that already
has the schema's shape and lists every problem with its path.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Container, Iterable
from typing import Any

from thidua_desktop import domain
from thidua_desktop.register.schema_check import Problem, join
from thidua_desktop.text import clean

CURRENT_YEAR = _dt.date.today().year


def check_name(value: str | None, what: str = "Họ và tên") -> str | None:
    if value is None or not clean(value):
        return f"{what} không được để trống."
    if len(clean(value)) > 200:
        return f"{what} dài quá 200 ký tự."
    return None


def check_birth_year(value: int | None) -> str | None:
    if value is None:
        return None
    if not 1900 <= value <= CURRENT_YEAR:
        return f"Năm sinh {value} không hợp lệ (từ 1900 đến {CURRENT_YEAR})."
    return None


def check_money(value: int | None, what: str = "Số tiền") -> str | None:
    if value is not None and value < 0:
        return f"{what} không được âm."
    return None


def parse_money(text: str) -> int | None:
    """Whole đồng as officers type them: '1500000', '1.500.000', '1 500 000 đ'. Empty is unknown.

    Raises ValueError with a Vietnamese message for anything else ('1,5 triệu', '-5', '12.5').
    """
    compact = text.strip().lower().removesuffix("đồng").removesuffix("đ").strip()
    if not compact:
        return None
    if compact.startswith("-"):
        raise ValueError("Số tiền không được âm.")
    digits = compact.replace(" ", "")
    groups = digits.split(".")
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ValueError(f"'{text.strip()}' không phải số tiền; hãy ghi số đồng, ví dụ 1.500.000.")
    digits = "".join(groups)
    if not digits.isdigit():
        raise ValueError(f"'{text.strip()}' không phải số tiền; hãy ghi số đồng, ví dụ 1.500.000.")
    return int(digits)


def check_id_number(number: str | None, gender: str | None, birth_year: int | None) -> str | None:
    """CCCD: 12 digits, the 4th telling century and sex, the 5th-6th the birth year; CMND: 9 digits."""
    if not number:
        return None
    if not number.isdigit() or len(number) not in (9, 12):
        return "Số CCCD phải gồm 12 chữ số (hoặc số CMND cũ gồm 9 chữ số)."
    if len(number) == 9:
        return None
    code = int(number[3])
    if code > 9:
        return None
    century = 1900 + (code // 2) * 100
    code_gender = "female" if code % 2 else "male"
    if gender in ("male", "female") and code_gender != gender:
        return (
            f"Chữ số thứ 4 của CCCD ({code}) ứng với giới tính "
            f"{domain.GENDER_LABELS[code_gender].lower()}, nhưng chủ hộ là "
            f"{domain.GENDER_LABELS[gender].lower()}."
        )
    if birth_year is not None:
        if birth_year // 100 * 100 != century:
            return (
                f"Chữ số thứ 4 của CCCD ({code}) ứng với người sinh trong thế kỷ "
                f"{century}-{century + 99}, nhưng năm sinh là {birth_year}."
            )
        if int(number[4:6]) != birth_year % 100:
            return f"Chữ số thứ 5-6 của CCCD ({number[4:6]}) phải là hai số cuối của năm sinh ({birth_year % 100:02d})."
    return None


def check_deprivations(year: int, keys: Iterable[str] | None) -> str | None:
    if keys is None:
        return None
    keys = list(keys)
    allowed = domain.indicators_for(year)
    if allowed is None:
        if keys:
            return f"Chưa có danh mục chỉ số thiếu hụt cho năm {year}; bộ tiêu chí của tỉnh phải cung cấp danh mục này."
        return None
    unknown = [k for k in keys if k not in allowed]
    if unknown:
        standard = domain.standard_for(year)
        basis = standard.basis if standard else ""
        return f"Chỉ số thiếu hụt {', '.join(unknown)} không thuộc chuẩn nghèo năm {year} ({basis})."
    if len(set(keys)) != len(keys):
        return "Một chỉ số thiếu hụt bị ghi hai lần."
    return None


def check_record_year(year: int, left_in: int | None) -> str | None:
    if left_in is not None and year >= left_in:
        return f"Hộ đã rời khỏi xã năm {left_in} nên không thể có kết quả rà soát năm {year}."
    return None


def check_vote(agree: int, disagree: int, abstain: int, attendees: int | None) -> str | None:
    if min(agree, disagree, abstain) < 0:
        return "Số phiếu không được âm."
    if not attendees or attendees < 1:
        return "Số người dự họp phải từ 1 trở lên."
    total = agree + disagree + abstain
    if total > attendees:
        return (
            f"Tổng số ý kiến ({agree} đồng ý + {disagree} không đồng ý + {abstain} không ý kiến "
            f"= {total}) vượt quá số người dự họp ({attendees})."
        )
    return None


def check_loan_dates(disbursed_on: str, due_on: str | None) -> str | None:
    try:
        start = _dt.date.fromisoformat(disbursed_on)
    except ValueError:
        return f"Ngày giải ngân {disbursed_on} không phải ngày có thật."
    if due_on:
        try:
            end = _dt.date.fromisoformat(due_on)
        except ValueError:
            return f"Ngày đến hạn {due_on} không phải ngày có thật."
        if end < start:
            return "Ngày đến hạn phải sau ngày giải ngân."
    return None


def _real_date(value: str | None) -> bool:
    if value is None:
        return True
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_dataset_rules(data: dict[str, Any], known_village_ids: Iterable[str] = ()) -> list[Problem]:
    """The register's rules and every reference of a dataset that already fits the schema.

    `known_village_ids` are villages already in the store, which households may refer to.
    """
    checker = DatasetRules(known_village_ids)
    checker.commune(data["commune"])
    checker.villages(data["villages"])
    for i, hh in enumerate(data["households"]):
        checker.household(i, hh)
    checker.meetings(data["meetings"])
    checker.nominations(data.get("nominations") or ())
    return checker.problems


_UNSEEN: Any = object()


class DatasetRules:
    """`check_dataset_rules` a part at a time, for a dataset read piece by piece: the commune, the
    villages (before any household), each household, then the meetings and nominations; the problems
    gather in `problems` in that order."""

    def __init__(self, known_village_ids: Iterable[str] = ()):
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, str] = {}
        self.village_ids = set(known_village_ids)
        self.household_ids: set[str] = set()
        self._indicators: dict[int, frozenset[str] | None] = {}  # a year's deprivation keys, looked up once

    def _unique_id(self, value: str, path: str) -> None:
        first = self.seen_ids.setdefault(value, path)
        if first != path:
            self.problems.append(Problem(join(path, "id"), f"mã {value} trùng với {first}"))

    def commune(self, commune: dict) -> None:
        add = self.problems.append
        if len(commune.get("district_name") or "") > MAX_NAME:
            add(Problem("commune.district_name", f"tên huyện dài quá {MAX_NAME} ký tự"))
        years_seen: set[int] = set()
        for i, cy in enumerate(commune.get("years") or ()):
            if cy["year"] in years_seen:
                add(Problem(f"commune.years[{i}].year", f"năm {cy['year']} được ghi hai lần"))
            years_seen.add(cy["year"])

    def villages(self, villages: Iterable[dict]) -> None:
        add = self.problems.append
        for i, village in enumerate(villages):
            path = f"villages[{i}]"
            self._unique_id(village["id"], path)
            self.village_ids.add(village["id"])
            if not clean(village["name"]):
                add(Problem(join(path, "name"), "tên thôn không được để trống"))
            seen: set[int] = set()
            for j, vy in enumerate(village.get("years") or ()):
                if vy["year"] in seen:
                    add(Problem(f"{path}.years[{j}].year", f"năm {vy['year']} được ghi hai lần"))
                seen.add(vy["year"])
                self.problems.extend(_over(vy, f"{path}.years[{j}]", ("replicated_models", "community_resources_vnd")))

    def household(self, i: int, hh: dict) -> None:
        add = self.problems.append
        path = f"households[{i}]"
        self._unique_id(hh["id"], path)
        self.household_ids.add(hh["id"])
        head = hh["head"]
        if hh["village_id"] not in self.village_ids:
            add(Problem(join(path, "village_id"), f"không có thôn nào mang mã {hh['village_id']}"))
        if not clean(head["name"]):
            add(Problem(f"{path}.head.name", "họ và tên chủ hộ không được để trống"))
        msg = check_birth_year(head.get("birth_year"))
        if msg:
            add(Problem(f"{path}.head.birth_year", msg))
        msg = check_id_number(head.get("id_number"), head["gender"], head.get("birth_year"))
        if msg:
            add(Problem(f"{path}.head.id_number", msg))
        left_in = hh.get("left_in")
        seen: set[int] = set()
        most = MAXIMA["income_per_capita"][0]
        indicators = self._indicators
        for j, record in enumerate(hh["years"]):
            # Most records break no rule: told in one test, their problems looked for only where one may be.
            year = record["year"]
            keys = record.get("deprivations")
            income = record.get("income_per_capita")
            if keys:
                allowed = indicators.get(year, _UNSEEN)
                if allowed is _UNSEEN:
                    found = domain.indicators_for(year)
                    allowed = indicators[year] = None if found is None else frozenset(found)
            if (
                year in seen
                or (left_in is not None and year >= left_in)
                or (keys and (allowed is None or not allowed.issuperset(keys) or len(set(keys)) != len(keys)))
                or (isinstance(income, int) and income > most)
            ):
                self._record(f"{path}.years[{j}]", record, year in seen, left_in)
            seen.add(year)
        for j, loan in enumerate(hh.get("loans") or ()):
            lpath = f"{path}.loans[{j}]"
            self._unique_id(loan["id"], lpath)
            msg = check_loan_dates(loan["disbursed_on"], loan.get("due_on"))
            if msg:
                add(Problem(lpath, msg))
            self.problems.extend(_over(loan, lpath, ("amount_vnd",)))

    def _record(self, rpath: str, record: dict, twice: bool, left_in: int | None) -> None:
        """The problems of a household's review record, in the order they are listed."""
        add = self.problems.append
        year = record["year"]
        if twice:
            add(Problem(join(rpath, "year"), f"năm {year} được ghi hai lần cho cùng một hộ"))
        msg = check_record_year(year, left_in)
        if msg:
            add(Problem(join(rpath, "year"), msg))
        msg = check_deprivations(year, record.get("deprivations"))
        if msg:
            add(Problem(join(rpath, "deprivations"), msg))
        self.problems.extend(_over(record, rpath, ("income_per_capita",)))

    def meetings(self, meetings: Iterable[dict]) -> None:
        for i, meeting in enumerate(meetings):
            path = f"meetings[{i}]"
            self._unique_id(meeting["id"], path)
            self.problems += check_meeting(meeting, self.village_ids, self.household_ids, path)

    def nominations(self, nominations: Iterable[dict]) -> None:
        for i, nom in enumerate(nominations):
            path = f"nominations[{i}]"
            self._unique_id(nom["id"], path)
            self.problems += check_nomination(nom, self.village_ids, self.household_ids, path)


# The most a field can hold: the schema gives no maximum, and a number far past any real one is a
# mistake or an attack (an income of 10^30 đồng), refused before it reaches the evaluator.
MAX_NAME = 200
MAXIMA = {
    "income_per_capita": (1_000_000_000, "thu nhập bình quân (đồng/người/tháng)"),
    "amount_vnd": (100_000_000_000, "số tiền vay (đồng)"),
    "community_resources_vnd": (10_000_000_000_000, "nguồn lực cộng đồng (đồng)"),
    "replicated_models": (10_000, "số mô hình nhân rộng"),
    "attendees": (100_000, "số người dự họp"),
    "households_represented": (100_000, "số hộ có đại diện"),
    "households_on_list": (100_000, "số hộ trong danh sách"),
}


def _over(record: dict, path: str, keys: Iterable[str]) -> list[Problem]:
    out = []
    for key in keys:
        value = record.get(key)
        most, what = MAXIMA[key]
        if isinstance(value, int) and value > most:
            out.append(Problem(join(path, key), f"{what} {value:,} vượt quá mức có thể ({most:,})".replace(",", ".")))
    return out


def _clock(value: object) -> bool:
    """'19:30': hours 00-23 and minutes 00-59, always two digits each."""
    return (
        isinstance(value, str)
        and len(value) == 5
        and value[2] == ":"
        and value[:2].isdigit()
        and value[3:].isdigit()
        and int(value[:2]) < 24
        and int(value[3:]) < 60
    )


def check_meeting(meeting: dict, villages: Container[str], households: Container[str], path: str = "") -> list[Problem]:
    """A meeting's references, date and votes (criteria.md, community vote)."""
    out: list[Problem] = _over(meeting, path, ("attendees", "households_represented", "households_on_list"))
    add = out.append
    if meeting["village_id"] not in villages:
        add(Problem(join(path, "village_id"), f"không có thôn nào mang mã {meeting['village_id']}"))
    if not _real_date(meeting["held_on"]):
        add(Problem(join(path, "held_on"), f"ngày {meeting['held_on']} không phải ngày có thật"))
    elif not meeting["year"] <= int(meeting["held_on"][:4]) <= meeting["year"] + 1:
        add(
            Problem(join(path, "held_on"), f"cuộc họp xét năm {meeting['year']} phải họp trong năm đó hoặc đầu năm sau")
        )
    decided: set[str] = set()
    for j, vote in enumerate(meeting["decisions"]):
        dpath = join(path, f"decisions[{j}]")
        hid = vote["household_id"]
        if hid not in households:
            add(Problem(join(dpath, "household_id"), f"không có hộ nào mang mã {hid}"))
        if hid in decided:
            add(Problem(join(dpath, "household_id"), "hộ này được biểu quyết hai lần trong cùng cuộc họp"))
        decided.add(hid)
        msg = check_vote(vote["agree"], vote["disagree"], vote["abstain"], meeting["attendees"])
        if msg:
            add(Problem(dpath, msg))
    times = [meeting.get(k) for k in ("start_time", "end_time")]
    for key, value in zip(("start_time", "end_time"), times):
        if value is not None and not _clock(value):
            add(Problem(join(path, key), f"giờ '{str(value)[:10]}' không hợp lệ; hãy ghi dạng 19:30"))
    start, end = times
    if isinstance(start, str) and isinstance(end, str) and _clock(start) and _clock(end) and end <= start:
        add(Problem(join(path, "end_time"), f"giờ kết thúc ({end}) phải sau giờ bắt đầu ({start})"))
    represented, listed = meeting.get("households_represented"), meeting.get("households_on_list")
    if represented is not None and listed is not None and represented > listed:
        add(
            Problem(
                join(path, "households_represented"),
                f"số hộ có đại diện ({represented}) vượt quá số hộ trong danh sách ({listed})",
            )
        )
    return out


def check_nomination(nom: dict, villages: Container[str], households: Container[str], path: str = "") -> list[Problem]:
    """A nomination's nominee, and the facts each status needs."""
    out: list[Problem] = []
    add = out.append
    kind = nom["nominee_kind"]
    if kind == "household":
        if nom.get("household_id") not in households:
            add(Problem(join(path, "household_id"), "đề nghị khen thưởng hộ nhưng không chỉ ra hộ có trong dữ liệu"))
    elif kind == "village":
        if nom.get("village_id") not in villages:
            add(Problem(join(path, "village_id"), "đề nghị khen thưởng thôn nhưng không chỉ ra thôn có trong dữ liệu"))
    elif not (nom.get("nominee_name") or "").strip():
        add(Problem(join(path, "nominee_name"), "cần ghi tên cá nhân hoặc tập thể được đề nghị"))
    if nom.get("decision_date") and not _real_date(nom["decision_date"]):
        add(Problem(join(path, "decision_date"), f"ngày {nom['decision_date']} không phải ngày có thật"))
    return out
