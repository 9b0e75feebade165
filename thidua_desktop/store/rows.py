"""Conversions between the dataset's dicts and the database's rows, and the SQL they share.

Records go in and come out as plain dicts in the dataset's shape (shared/schema), so the forms, the
dataset import and the export share one write path.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from thidua_desktop.text import clean, fold


def new_id() -> str:
    import uuid  # loaded at the first new id, not while the window opens

    return str(uuid.uuid4())


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b(value: Any) -> int | None:
    """A judgement or flag as stored: True 1, False 0, unknown NULL."""
    return None if value is None else int(bool(value))


def _j(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def sort_name(full_name: str) -> str:
    """Vietnamese lists sort by given name (the last word), then the whole name."""
    folded = fold(full_name)
    return f"{folded.rsplit(' ', 1)[-1]} {folded}"


HOUSEHOLD_ASSESSMENT_KEYS = ("effort", "initiative", "supports_others", "role_model")
COMMUNE_ASSESSMENT_KEYS = ("socioeconomic_targets", "funds_settled_on_time", "mobilization", "reporting_on_time")
VILLAGE_YEAR_KEYS = (
    "cultural_title",
    "ntm_participation",
    "budget_rotation_rule",
    "replicated_models",
    "community_resources_vnd",
)

HOUSEHOLD_COLS = (
    "id",
    "village_id",
    "code",
    "head_name",
    "head_gender",
    "head_birth_year",
    "head_ethnicity",
    "head_id_number",
    "head_single",
    "members",
    "policy_household",
    "left_in",
    "search",
    "sort_name",
)
REVIEW_COLS = (
    "household_id",
    "year",
    "status",
    "income_per_capita",
    "deprivations",
    "cultural_family",
    "registered_to_exit",
    *HOUSEHOLD_ASSESSMENT_KEYS,
    "note",
)
EVIDENCE_COLS = tuple(f"{k}_evidence" for k in HOUSEHOLD_ASSESSMENT_KEYS)
LOAN_COLS = (
    "id",
    "household_id",
    "program",
    "amount_vnd",
    "disbursed_on",
    "due_on",
    "purpose",
    "used_as_intended",
    "repaid_on_time",
)
VILLAGE_COLS = ("id", "name", "kind")
VILLAGE_YEAR_COLS = ("village_id", "year", *VILLAGE_YEAR_KEYS, "mutual_help")
COMMUNE_COLS = (
    "singleton",
    "code",
    "name",
    "province_code",
    "province_name",
    "district_name",
    "area",
    "region",
    "poor_commune",
    "former_units",
)
COMMUNE_YEAR_COLS = ("year", *COMMUNE_ASSESSMENT_KEYS)
COMMUNE_EVIDENCE_COLS = tuple(f"{k}_evidence" for k in COMMUNE_ASSESSMENT_KEYS)
MEETING_COLS = (
    "id",
    "village_id",
    "year",
    "held_on",
    "purpose",
    "chair",
    "secretary",
    "attendees",
    "households_represented",
    "households_on_list",
    "place",
    "officials",
)
# Not in the dataset format: written when a form sends them (the keys are there), kept otherwise.
MEETING_TIME_COLS = ("start_time", "end_time")
VOTE_COLS = ("meeting_id", "household_id", "agree", "disagree", "abstain")
NOMINATION_COLS = (
    "id",
    "year",
    "nominee_kind",
    "household_id",
    "village_id",
    "nominee_name",
    "achievements",
    "award",
    "status",
    "override_reason",
    "decision_number",
    "decision_date",
    "comment",
)


def insert_sql(table: str, cols: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def upsert_sql(table: str, cols: Sequence[str], key: Sequence[str], extra_set: str = "") -> str:
    sets = [f"{c} = excluded.{c}" for c in cols if c not in key]
    if extra_set:
        sets.append(extra_set)
    return (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(sets)}"
    )


# --- conversions between dataset dicts and rows -------------------------------------------------


def household_row(hh: dict) -> tuple:
    head = hh["head"]
    name = clean(head["name"])
    code = clean(hh["code"]) if hh.get("code") else None
    id_number = head.get("id_number") or None
    folded = fold(name)
    search = " " + " ".join(filter(None, (folded, fold(code), id_number)))
    return (
        hh["id"],
        hh["village_id"],
        code,
        name,
        head["gender"],
        head.get("birth_year"),
        clean(head["ethnicity"]) if head.get("ethnicity") else None,
        id_number,
        int(bool(head.get("single"))),
        hh["members"],
        int(bool(hh.get("policy_household"))),
        hh.get("left_in"),
        search,
        f"{folded.rsplit(' ', 1)[-1]} {folded}",  # sort_name(name), its name folded once
    )


_KEY_LISTS: dict[tuple, str] = {}  # the lists a file holds repeat: each written once


def _key_list(keys: Iterable[str]) -> str:
    """A JSON list of indicator keys; they are plain identifiers, so joining is enough (and fast)."""
    keys = tuple(keys)
    found = _KEY_LISTS.get(keys)
    if found is not None:
        return found
    if not keys:
        return "[]"
    joined = '","'.join(keys)
    if joined.isascii() and all(k.isidentifier() for k in keys):
        found = f'["{joined}"]'
    else:
        found = json.dumps(list(keys), ensure_ascii=False)
    if len(_KEY_LISTS) < 4096:
        _KEY_LISTS[keys] = found
    return found


_STORED = {True: 1, False: 0, None: None}  # _b for the values a checked record holds
_NO_ASSESSMENTS: dict = {}


def review_row(household_id: str, r: dict, with_evidence: bool) -> tuple:
    get = r.get
    a = get("assessments") or _NO_ASSESSMENTS
    deps = get("deprivations")
    stored = _STORED
    judged: tuple[int | None, ...]
    try:
        judged = (
            stored[get("cultural_family")],
            stored[get("registered_to_exit")],
            stored[a.get("effort")],
            stored[a.get("initiative")],
            stored[a.get("supports_others")],
            stored[a.get("role_model")],
        )
    except (KeyError, TypeError):  # anything else a caller passes is taken for its truth, as _b takes it
        judged = (
            _b(get("cultural_family")),
            _b(get("registered_to_exit")),
            *(_b(a.get(k)) for k in HOUSEHOLD_ASSESSMENT_KEYS),
        )
    row: tuple = (
        household_id,
        r["year"],
        r["status"],
        get("income_per_capita"),
        None if deps is None else _key_list(deps),
        *judged,
        get("note") or None,
    )
    if with_evidence:
        ev = get("evidence") or {}
        row += tuple((ev.get(k) or None) for k in HOUSEHOLD_ASSESSMENT_KEYS)
    return row


# The columns the dataset's shape is read from, in the order the converters below take them: a reader
# that wants speed selects exactly these and converts plain tuples (no sqlite3.Row, no SELECT *).
REVIEW_READ = REVIEW_COLS[1:]  # what a record reads back: its columns less its household's id
HOUSEHOLD_READ = HOUSEHOLD_COLS[
    : HOUSEHOLD_COLS.index("search")
]  # what a household reads back: its columns less the search keys
LOAN_READ = (
    "id",
    "program",
    "amount_vnd",
    "disbursed_on",
    "due_on",
    "purpose",
    "used_as_intended",
    "repaid_on_time",
)


def _keys(text: str) -> list:
    """`json.loads` of a list of indicator keys as `_key_list` writes them, without the parser."""
    if text == "[]":
        return []
    if text.startswith('["') and text.endswith('"]') and text.isascii():
        keys = text[2:-2].split('","')
        if all(k.isidentifier() for k in keys):
            return keys
    return json.loads(text)


def review_from(t: Sequence) -> dict:
    """A review record in the dataset's shape from the values of REVIEW_READ."""
    year, status, income, deprivations, cultural, registered, effort, initiative, supports, model, note = t
    return {
        "year": year,
        "status": status,
        "income_per_capita": income,
        "deprivations": None if deprivations is None else _keys(deprivations),
        "cultural_family": None if cultural is None else bool(cultural),
        "registered_to_exit": None if registered is None else bool(registered),
        "assessments": {
            "effort": None if effort is None else bool(effort),
            "initiative": None if initiative is None else bool(initiative),
            "supports_others": None if supports is None else bool(supports),
            "role_model": None if model is None else bool(model),
        },
        "note": note,
    }


def review_dict(row: sqlite3.Row, with_evidence: bool = False) -> dict:
    rec = review_from([row[c] for c in REVIEW_READ])
    if with_evidence:
        rec["evidence"] = {k: row[f"{k}_evidence"] for k in HOUSEHOLD_ASSESSMENT_KEYS}
    return rec


def loan_row(household_id: str, loan: dict) -> tuple:
    return (
        loan["id"],
        household_id,
        loan.get("program"),
        loan["amount_vnd"],
        loan["disbursed_on"],
        loan.get("due_on"),
        loan.get("purpose"),
        _b(loan.get("used_as_intended")),
        _b(loan.get("repaid_on_time")),
    )


def loan_from(t: Sequence) -> dict:
    """A loan in the dataset's shape from the values of LOAN_READ."""
    loan_id, program, amount, disbursed_on, due_on, purpose, used, repaid = t
    return {
        "id": loan_id,
        "program": program,
        "amount_vnd": amount,
        "disbursed_on": disbursed_on,
        "due_on": due_on,
        "purpose": purpose,
        "used_as_intended": None if used is None else bool(used),
        "repaid_on_time": None if repaid is None else bool(repaid),
    }


def loan_dict(row: sqlite3.Row) -> dict:
    return loan_from([row[c] for c in LOAN_READ])


def household_from(t: Sequence) -> dict:
    """A household in the dataset's shape, its years and loans still empty, from the values of HOUSEHOLD_READ."""
    hid, village_id, code, name, gender, birth_year, ethnicity, id_number, single, members, policy, left_in = t
    return {
        "id": hid,
        "village_id": village_id,
        "code": code,
        "head": {
            "name": name,
            "gender": gender,
            "birth_year": birth_year,
            "ethnicity": ethnicity,
            "id_number": id_number,
            "single": bool(single),
        },
        "members": members,
        "policy_household": bool(policy),
        "left_in": left_in,
        "years": [],
        "loans": [],
    }


def household_dict(row: sqlite3.Row) -> dict:
    return household_from([row[c] for c in HOUSEHOLD_READ])


def village_year_row(village_id: str, vy: dict, with_evidence: bool) -> tuple:
    a = vy.get("assessments") or {}
    row: tuple = (
        village_id,
        vy["year"],
        _b(vy.get("cultural_title")),
        _b(vy.get("ntm_participation")),
        _b(vy.get("budget_rotation_rule")),
        vy.get("replicated_models"),
        vy.get("community_resources_vnd"),
        _b(a.get("mutual_help")),
    )
    if with_evidence:
        row += ((vy.get("evidence") or {}).get("mutual_help") or None,)
    return row


def village_year_dict(row: sqlite3.Row, with_evidence: bool = False) -> dict:
    vy = {
        "year": row["year"],
        "cultural_title": _j(row["cultural_title"]),
        "ntm_participation": _j(row["ntm_participation"]),
        "budget_rotation_rule": _j(row["budget_rotation_rule"]),
        "replicated_models": row["replicated_models"],
        "community_resources_vnd": row["community_resources_vnd"],
        "assessments": {"mutual_help": _j(row["mutual_help"])},
    }
    if with_evidence:
        vy["evidence"] = {"mutual_help": row["mutual_help_evidence"]}
    return vy


def commune_year_row(entry: dict, with_evidence: bool) -> tuple:
    a = entry.get("assessments") or {}
    row = (entry["year"], *(_b(a.get(k)) for k in COMMUNE_ASSESSMENT_KEYS))
    if with_evidence:
        ev = entry.get("evidence") or {}
        row += tuple(ev.get(k) or None for k in COMMUNE_ASSESSMENT_KEYS)
    return row


def commune_year_dict(row: sqlite3.Row, with_evidence: bool = False) -> dict:
    entry = {"year": row["year"], "assessments": {k: _j(row[k]) for k in COMMUNE_ASSESSMENT_KEYS}}
    if with_evidence:
        entry["evidence"] = {k: row[f"{k}_evidence"] for k in COMMUNE_ASSESSMENT_KEYS}
    return entry


def has_evidence(entries: Sequence[dict]) -> bool:
    """Forms send evidence notes; a dataset file has none, and then the stored notes are kept."""
    return any("evidence" in e for e in entries)


def has_times(meetings: Sequence[dict]) -> bool:
    """Forms send a meeting's start and end times; a dataset file has none, and then the stored ones stay."""
    return any(k in m for m in meetings for k in MEETING_TIME_COLS)


def meeting_row(m: dict, with_times: bool = False) -> tuple:
    row = (
        m["id"],
        m["village_id"],
        m["year"],
        m["held_on"],
        m["purpose"],
        m.get("chair"),
        m.get("secretary"),
        m["attendees"],
        m.get("households_represented"),
        m.get("households_on_list"),
        m.get("place"),
        json.dumps(m.get("officials") or [], ensure_ascii=False),
    )
    return row + tuple(m.get(k) or None for k in MEETING_TIME_COLS) if with_times else row


def meeting_dict(row: sqlite3.Row, with_times: bool = False) -> dict:
    meeting = {
        "id": row["id"],
        "village_id": row["village_id"],
        "year": row["year"],
        "held_on": row["held_on"],
        "purpose": row["purpose"],
        "chair": row["chair"],
        "secretary": row["secretary"],
        "attendees": row["attendees"],
        "households_represented": row["households_represented"],
        "households_on_list": row["households_on_list"],
        "decisions": [],
        "place": row["place"],
        "officials": json.loads(row["officials"]),
    }
    if with_times:
        meeting.update({k: row[k] for k in MEETING_TIME_COLS})
    return meeting


def nomination_row(n: dict) -> tuple:
    return tuple(n.get(c) for c in NOMINATION_COLS)


def delete_stale(
    c: sqlite3.Connection, table: str, parent_col: str, key_col: str, keep: Iterable[tuple[str, list]]
) -> None:
    """Children of each parent that are not in its new list go (the audit log keeps them)."""
    c.executemany(
        f"DELETE FROM {table} WHERE {parent_col} = ? AND {key_col} NOT IN (SELECT value FROM json_each(?))",
        [(parent, json.dumps(keys)) for parent, keys in keep],
    )


def json_list(values: Iterable[Any]) -> str:
    """A parameter for `IN (SELECT value FROM json_each(?))`: any number of values in one bound string."""
    return json.dumps(list(values))


class Repository:
    """One area's SQL over the one open database (the Store composes one of each)."""

    def __init__(self, db: Any):
        self.db = db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def transaction(self) -> Any:
        return self.db.transaction()

    def _query(self, sql: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def _tuples(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        """Rows as plain tuples: several times faster than sqlite3.Row where thousands come back."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()
