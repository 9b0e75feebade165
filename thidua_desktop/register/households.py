"""Saving households and review records: the register's rules first, then the store.

Every caller (the household form, the review grid, a script) gets the same Vietnamese refusal for a
household the register cannot hold, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from thidua_desktop.errors import Refused
from thidua_desktop.register import rules
from thidua_desktop.register.schema_check import Problem, check_shape
from thidua_desktop.store import Store

MAX_EVIDENCE = 2000


def problems(store: Store, hh: dict) -> list[Problem]:
    """Everything wrong with a household as a form holds it (with its records' evidence notes)."""
    bare = {k: v for k, v in hh.items() if k != "deleted"}
    bare["years"] = [{k: v for k, v in r.items() if k != "evidence"} for r in hh.get("years") or ()]
    found = check_shape(bare, "household")
    if found:
        return found
    for i, record in enumerate(hh["years"]):
        for key, note in (record.get("evidence") or {}).items():
            if note is not None and (not isinstance(note, str) or len(note) > MAX_EVIDENCE):
                found.append(Problem(f"years[{i}].evidence.{key}", f"ghi chú minh chứng dài quá {MAX_EVIDENCE} ký tự"))
    villages = [v["id"] for v in store.register.villages()]
    data = {"commune": {}, "villages": [], "households": [bare], "meetings": [], "nominations": []}
    prefix = "households[0]."
    found += [Problem(p.path.removeprefix(prefix), p.message) for p in rules.check_dataset_rules(data, villages)]
    return found


def save(store: Store, hh: dict) -> None:
    """Insert or update one household with its review records and loans, or refuse it whole."""
    found = problems(store, hh)
    if found:
        name = (hh.get("head") or {}).get("name") if isinstance(hh.get("head"), dict) else None
        raise Refused(f"Không lưu được hộ {name or ''}: " + "; ".join(str(p) for p in found[:10]))
    store.register.save_household(hh)


def save_review_records(store: Store, records: Sequence[tuple[str, dict]]) -> None:
    """Many households' records of one review in one transaction: (household id, record), each checked
    as part of its household (the year it left the commune, the standard of the year), or none written."""
    found: list[str] = []
    for household_id, record in records:
        hh = store.register.household(household_id)
        if hh is None or hh["deleted"]:
            found.append(f"hộ {household_id} không còn trong sổ")
            continue
        hh["years"] = [r for r in hh["years"] if r["year"] != record["year"]] + [record]
        found += [f"{hh['head']['name']}: {p.message}" for p in problems(store, hh)]
    if found:
        raise Refused("Chưa lưu kết quả rà soát: " + "; ".join(found[:10]))
    store.register.save_review_records(records)
