"""The dataset file (shared/schema/thidua-dataset-v1): reading, checking, storing and writing it."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thidua_desktop import safejson
from thidua_desktop.errors import Refused
from thidua_desktop.files import atomic_write, reason
from thidua_desktop.register import rules
from thidua_desktop.register.schema_check import Problem, check_dataset_shape, fits, required_keys
from thidua_desktop.store import Store
from thidua_desktop.store.register import HouseholdRows

Progress = Callable[[int, str], None]  # percent done, what is happening (Vietnamese)
MAX_DATASET_BYTES = 512 * 1024 * 1024  # a commune of 20,000 households is about 40 MB of JSON


class DatasetRefused(Refused):
    """The file was refused; nothing was written. `problems` says where and why."""

    def __init__(self, source: str, problems: Sequence[Any]):  # Problems, or an Excel sheet's RowProblems
        self.source = source
        self.problems = problems
        super().__init__(self.summary())

    def summary(self, limit: int = 50) -> str:
        lines = [f"Tệp {self.source} bị từ chối, không có gì được ghi. Tìm thấy {len(self.problems)} vấn đề:"]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... và {len(self.problems) - limit} vấn đề khác.")
        return "\n".join(lines)


@dataclass
class ImportResult:
    villages: int = 0
    households: int = 0
    records: int = 0
    meetings: int = 0
    nominations: int = 0
    new_households: int = 0
    backup: Path | None = field(default=None)
    removed: dict[str, int] = field(default_factory=dict)  # mirror: what the dataset no longer holds

    def summary(self) -> str:
        return (
            f"Đã nhập {self.villages} thôn, {self.households} hộ "
            f"({self.new_households} hộ mới), {self.records} kết quả rà soát, "
            f"{self.meetings} cuộc họp, {self.nominations} đề nghị khen thưởng."
        )


def read_file(path: Path | str) -> Any:
    """A dataset file, read under the limits of outside JSON (size, depth, numbers, strings)."""
    path = Path(path)
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_DATASET_BYTES else None
    except OSError as exc:
        raise DatasetRefused(str(path), [Problem("", f"không đọc được tệp: {reason(exc)}")]) from exc
    if raw is None:
        limit = MAX_DATASET_BYTES // (1024 * 1024)
        raise DatasetRefused(str(path), [Problem("", f"tệp lớn hơn {limit} MB, không phải tệp dữ liệu của một xã")])
    try:
        return safejson.loads(raw, str(path))
    except safejson.JsonRefused as exc:
        raise DatasetRefused(str(path), [Problem("", exc.reason)]) from None


def _label(data: dict, path: str) -> str:
    """'households[3]' -> 'households[3] (Nguyễn Văn An)' so the officer can find the record."""
    head = path.split(".", 1)[0]
    if "[" not in head:
        return path
    section, index = head.rstrip("]").split("[")
    try:
        item = data[section][int(index)]
        name = item["head"]["name"] if section == "households" else item.get("name") or item.get("held_on")
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return path
    return path.replace(head, f"{head} ({name})", 1) if name else path


def check(data: Any, store: Store, mirror: bool = False) -> list[Problem]:
    """Every problem of the dataset against the schema, the register's rules and the store. With
    `mirror` the dataset is to replace what the store holds, so it must stand on its own: households
    may refer only to its own villages, and a CCCD is checked within the file alone."""
    problems = [] if fits(data) else check_dataset_shape(data)
    if problems:
        return [Problem(_label(data, p.path) if isinstance(data, dict) else p.path, p.message) for p in problems]
    known = [] if mirror else [v["id"] for v in store.register.villages(include_deleted=True)]
    problems = rules.check_dataset_rules(data, known)
    return [Problem(_label(data, p.path), p.message) for p in _store_problems(data, store, mirror) + problems]


def _store_problems(data: dict, store: Store, mirror: bool) -> list[Problem]:
    """What depends on the store's present content (another writer may change it until the write lock
    is held): the commune's code, and CCCDs held by other households."""
    problems = []
    current = store.register.commune()
    if current and current["code"] != data["commune"]["code"]:
        problems.append(
            Problem(
                "commune.code",
                (
                    f"tệp thuộc xã {data['commune']['name']} (mã {data['commune']['code']}), nhưng tệp dữ liệu "
                    f"đang mở là của xã {current['name']} (mã {current['code']})"
                ),
            )
        )
    return problems + _identity_clashes(data, None if mirror else store)


def _identity_clashes(data: dict, store: Store | None) -> list[Problem]:
    """One CCCD belongs to one head: within the file and (given a store) against its other households."""
    out = []
    owner: dict[str, str] = {}
    for i, hh in enumerate(data["households"]):
        number = hh["head"].get("id_number")
        if number:
            if number in owner and owner[number] != hh["id"]:
                out.append(
                    Problem(
                        f"households[{i}].head.id_number",
                        f"số CCCD {number} đã được dùng cho một chủ hộ khác trong tệp",
                    )
                )
            owner.setdefault(number, hh["id"])
    if owner and store is not None:
        for number, hid, name in store.register.heads_with_id_numbers(owner):
            if owner[number] != hid:
                idx = next(i for i, h in enumerate(data["households"]) if h["head"].get("id_number") == number)
                out.append(
                    Problem(
                        f"households[{idx}].head.id_number", f"số CCCD {number} đã thuộc hộ {name} trong tệp dữ liệu"
                    )
                )
    return out


def import_data(
    store: Store,
    data: Any,
    source: str = "tệp",
    progress: Progress | None = None,
    mirror: bool = False,
    and_then: Callable[[], object] | None = None,
) -> ImportResult:
    """Check, back up, then store the whole dataset in one transaction, or refuse it whole. With
    `mirror` (the level above's copy of a commune) the store becomes exactly the dataset; `and_then`
    is written in the same transaction."""
    with safejson.without_collector():
        return _import_checked(store, data, source, progress, mirror, and_then)


def _import_checked(
    store: Store,
    data: Any,
    source: str,
    progress: Progress | None,
    mirror: bool,
    and_then: Callable[[], object] | None,
) -> ImportResult:
    say = progress or (lambda pct, text: None)
    say(5, "Đang kiểm tra tệp...")
    problems = check(data, store, mirror)
    if problems:
        raise DatasetRefused(source, problems)
    result = ImportResult()
    if store.register.commune() is not None:
        say(25, "Đang sao lưu dữ liệu hiện có...")
        result.backup = store.backup("truoc-nhap-json")
    say(40, "Đang ghi dữ liệu...")
    with store.transaction():  # the write lock first: what another writer did meanwhile is checked again
        again = _store_problems(data, store, mirror)
        if again:
            raise DatasetRefused(source, [Problem(_label(data, p.path), p.message) for p in again])
        existing = store.register.household_id_set()
        result.removed = store.register.write_dataset(data, mirror, and_then, known=existing)
    say(100, "Xong.")
    result.villages = len(data["villages"])
    result.households = len(data["households"])
    result.new_households = sum(1 for h in data["households"] if h["id"] not in existing)
    result.records = sum(len(h["years"]) for h in data["households"])
    result.meetings = len(data["meetings"])
    result.nominations = len(data.get("nominations") or [])
    return result


def import_file(store: Store, path: Path | str, progress: Progress | None = None) -> ImportResult:
    """`import_data` of the file. A file as the program writes it is read a household at a time, each
    checked and turned into the rows that store it, so a large commune is never held whole; any other
    (or one with any problem) is read whole, and refused as `import_data` says."""
    with safejson.without_collector():
        try:
            return _import_streamed(store, Path(path), progress)
        except safejson.NotStreamed:
            return import_data(store, read_file(path), str(path), progress)


def _import_streamed(store: Store, path: Path, progress: Progress | None) -> ImportResult:
    """`import_data(store, read_file(path))` for a file that has no problem, or NotStreamed before
    anything is written: the same checks (shape, rules, the store's commune and CCCDs), as it is read."""
    say = progress or (lambda pct, text: None)
    try:
        if path.stat().st_size > MAX_DATASET_BYTES:
            raise safejson.NotStreamed
        fh = open(path, "rb")
    except OSError:
        raise safejson.NotStreamed from None
    say(5, "Đang kiểm tra tệp...")
    checks = rules.DatasetRules(v["id"] for v in store.register.villages(include_deleted=True))
    rows = HouseholdRows()
    data: dict[str, Any] = {}
    owner: dict[str, str] = {}  # CCCD -> the first household holding it
    with fh:
        # A household that fits its shape nests six deep at most: the reader need not walk it for depth.
        for key, value in safejson.iter_document(fh, "households", walk_items=False):
            if value is safejson.ARRAY:
                data[key] = []
                continue
            if key != "households" or key not in data:
                if key in data or not fits(value, f"properties/{key}"):
                    raise safejson.NotStreamed
                data[key] = value
                continue
            if len(rows) == 0:  # the first household: the villages must have come before it
                if "villages" not in data:
                    raise safejson.NotStreamed
                checks.villages(data["villages"])
            if not fits(value, "household"):
                raise safejson.NotStreamed
            checks.household(len(rows), value)
            number = value["head"].get("id_number")
            if checks.problems or (number and owner.setdefault(number, value["id"]) != value["id"]):
                raise safejson.NotStreamed
            rows.add(value)
    if not required_keys() <= data.keys():
        raise safejson.NotStreamed
    if not rows:
        checks.villages(data["villages"])
    checks.commune(data["commune"])
    checks.meetings(data["meetings"])
    checks.nominations(data.get("nominations") or ())
    if checks.problems or _clashes(data, owner, store):
        raise safejson.NotStreamed
    result = ImportResult()
    if store.register.commune() is not None:
        say(25, "Đang sao lưu dữ liệu hiện có...")
        result.backup = store.backup("truoc-nhap-json")
    say(40, "Đang ghi dữ liệu...")
    with store.transaction():  # the write lock first: what another writer did meanwhile is checked again
        if _clashes(data, owner, store):
            raise safejson.NotStreamed
        existing = store.register.household_id_set()
        result.removed = store.register.write_dataset(data, households=rows, known=existing)
    say(100, "Xong.")
    result.villages = len(data["villages"])
    result.households = len(rows)
    result.new_households = sum(1 for h in rows.households if h[0] not in existing)
    result.records = len(rows.records)
    result.meetings = len(data["meetings"])
    result.nominations = len(data.get("nominations") or [])
    return result


def _clashes(data: dict, owner: dict[str, str], store: Store) -> bool:
    """What `_store_problems` finds, found or not: the store's commune is another, or a CCCD of the file
    belongs to another household of the store."""
    current = store.register.commune()
    if current and current["code"] != data["commune"]["code"]:
        return True
    return bool(owner) and any(owner[n] != hid for n, hid, _ in store.register.heads_with_id_numbers(owner))


def commune_to_export(store: Store) -> dict:
    """The commune's own part of its dataset, or refused for a file that has no commune yet."""
    commune = store.register.commune()
    if commune is None:
        raise Refused(f"Tệp dữ liệu {store.path} chưa có thông tin xã nên chưa có gì để xuất.")
    return commune


def export_data(store: Store, exported_at: str | None = None) -> dict:
    """The whole commune (recycle bin left out) in the dataset format."""
    commune = commune_to_export(store)
    households = list(store.register.iter_households())
    return {
        "format": "thidua-dataset",
        "version": 1,
        "exported_at": exported_at or _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commune": commune,
        "villages": store.register.villages(),
        "households": households,
        "meetings": store.meetings.find(),
        "nominations": store.nominations.find(),
    }


def household_data(store: Store, household_id: str) -> dict:
    """One household with what judging it needs (its commune, village and meetings), as a dataset.

    A household's verdict depends on nothing else, so after an edit it is judged again on this alone.
    """
    hh = store.register.household(household_id, with_evidence=False)
    if hh is None:
        raise Refused("Hộ này không còn trong sổ (có thể đã bị xóa ở cửa sổ khác).")
    hh.pop("deleted", None)
    village = store.register.village(hh["village_id"])
    return {
        "format": "thidua-dataset",
        "version": 1,
        "commune": store.register.commune(),
        "villages": [village],
        "households": [hh],
        "meetings": store.meetings.of_household(household_id),
        "nominations": [],
    }


def json_bytes(payload: Any) -> bytes:
    """A dataset (or any JSON document we write) as people can read it: UTF-8, indented."""
    return (indented(payload) + "\n").encode("utf-8")


def export_file(store: Store, path: Path | str) -> dict:
    data = export_data(store)
    atomic_write(path, json_bytes(data))
    return data


_quoted = json.encoder.encode_basestring  # json.dumps' own string encoding with ensure_ascii=False


def indented(item: Any, level: int = 0) -> str:
    """`json.dumps(item, ensure_ascii=False, indent=1)` of an item nested `level` deep in the document
    (its lines indented a space more a level), several times faster than json's own indenting encoder
    for the dataset's plain values; anything else is left to json."""
    kind = type(item)
    if kind is str:
        return _quoted(item)
    if item is None:
        return "null"
    if item is True:
        return "true"
    if item is False:
        return "false"
    if kind is int:
        return int.__repr__(item)
    inner = "\n" + " " * (level + 1)
    if kind is dict and all(type(k) is str for k in item):
        if not item:
            return "{}"
        parts = [_quoted(k) + ": " + indented(v, level + 1) for k, v in item.items()]
        return "{" + inner + ("," + inner).join(parts) + "\n" + " " * level + "}"
    if kind is list:
        if not item:
            return "[]"
        return "[" + inner + ("," + inner).join([indented(v, level + 1) for v in item]) + "\n" + " " * level + "]"
    return json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * level)


@dataclass
class Exported:
    villages: int
    households: int


def write_file(store: Store, path: Path | str, exported_at: str | None = None) -> Exported:
    """The bytes of `json_bytes(export_data(store))`, written a batch of households at a time: a commune
    of 300,000 households goes out without ever being in memory whole."""
    commune = commune_to_export(store)
    villages = store.register.villages()
    head = {
        "format": "thidua-dataset",
        "version": 1,
        "exported_at": exported_at or _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commune": commune,
        "villages": villages,
    }
    counted = Exported(len(villages), 0)
    value = indented

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            fh.write("{")
            for key, item in head.items():
                fh.write(f"\n {json.dumps(key)}: {value(item, 1)},")
            fh.write('\n "households": [')
            for hh in store.register.iter_households():
                fh.write(("," if counted.households else "") + "\n  " + value(hh, 2))
                counted.households += 1
            fh.write("\n ]," if counted.households else "],")
            tail = {"meetings": store.meetings.find(), "nominations": store.nominations.find()}
            fh.write(",".join(f"\n {json.dumps(key)}: {value(item, 1)}" for key, item in tail.items()))
            fh.write("\n}\n")

    atomic_write(path, write)
    return counted
