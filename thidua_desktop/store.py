"""The one SQLite file of a commune (or of the level above): all SQL lives here.

Records go in and come out as plain dicts in the dataset's shape (shared/schema), so the forms, the
dataset import and the export share one write path. Every public write is one transaction; the file
uses a rollback journal with full sync, so a crash or power cut leaves either the old or the new state.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlite_utils import Database

from . import paths, rules
from .migrations import (APPLICATION_ID, AUDIT_HOUSEHOLD_INDEX, migrations, pause_insert_audit,
                         resume_insert_audit)
from .text import clean, fold


class StoreError(Exception):
    """A situation the officer can act on (locked, full, read-only, foreign or newer file)."""


def explain_sqlite_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        msg = (f"Tệp dữ liệu {path} đang được một chương trình khác sử dụng. "
               "Hãy đóng chương trình đó (hoặc cửa sổ ThiDua thứ hai) rồi thử lại.")
    elif "readonly" in text or "read-only" in text:
        msg = (f"Không ghi được vào tệp {path} vì tệp chỉ cho phép đọc. "
               "Hãy chép tệp sang ổ đĩa của máy hoặc bỏ thuộc tính chỉ đọc.")
    elif "disk is full" in text or "database or disk is full" in text:
        msg = "Ổ đĩa đã đầy, dữ liệu chưa được ghi. Hãy giải phóng dung lượng ổ đĩa rồi lưu lại."
    elif "not a database" in text or "malformed" in text or "encrypted" in text:
        msg = (f"Tệp {path} không phải tệp dữ liệu ThiDua hoặc đã bị hỏng. "
               "Hãy mở bản sao lưu gần nhất trong thư mục backups.")
    elif "unable to open" in text:
        msg = f"Không mở được tệp {path}. Hãy kiểm tra thư mục có tồn tại và có quyền ghi."
    else:
        return StoreError(f"Lỗi cơ sở dữ liệu khi làm việc với {path}: {exc}")
    return StoreError(msg)


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
VILLAGE_YEAR_KEYS = ("cultural_title", "ntm_participation", "budget_rotation_rule",
                     "replicated_models", "community_resources_vnd")

HOUSEHOLD_COLS = ("id", "village_id", "code", "head_name", "head_gender", "head_birth_year",
                  "head_ethnicity", "head_id_number", "head_single", "members", "policy_household",
                  "left_in", "search", "sort_name")
REVIEW_COLS = ("household_id", "year", "status", "income_per_capita", "deprivations",
               "cultural_family", "registered_to_exit", *HOUSEHOLD_ASSESSMENT_KEYS, "note")
EVIDENCE_COLS = tuple(f"{k}_evidence" for k in HOUSEHOLD_ASSESSMENT_KEYS)
LOAN_COLS = ("id", "household_id", "program", "amount_vnd", "disbursed_on", "due_on", "purpose",
             "used_as_intended", "repaid_on_time")
VILLAGE_COLS = ("id", "name", "kind")
VILLAGE_YEAR_COLS = ("village_id", "year", *VILLAGE_YEAR_KEYS, "mutual_help")
COMMUNE_COLS = ("singleton", "code", "name", "province_code", "province_name", "district_name",
                "area", "region", "poor_commune", "former_units")
COMMUNE_YEAR_COLS = ("year", *COMMUNE_ASSESSMENT_KEYS)
COMMUNE_EVIDENCE_COLS = tuple(f"{k}_evidence" for k in COMMUNE_ASSESSMENT_KEYS)
MEETING_COLS = ("id", "village_id", "year", "held_on", "purpose", "chair", "secretary", "attendees",
                "households_represented", "households_on_list", "place", "officials")
DECISION_COLS = ("meeting_id", "household_id", "agree", "disagree", "abstain")
NOMINATION_COLS = ("id", "year", "nominee_kind", "household_id", "village_id", "nominee_name",
                   "achievements", "award", "status", "override_reason", "decision_number",
                   "decision_date", "comment")


def _upsert_sql(table: str, cols: Sequence[str], key: Sequence[str], extra_set: str = "") -> str:
    sets = [f"{c} = excluded.{c}" for c in cols if c not in key]
    if extra_set:
        sets.append(extra_set)
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(sets)}")


# --- conversions between dataset dicts and rows -------------------------------------------------

def household_row(hh: dict) -> tuple:
    head = hh["head"]
    name = clean(head["name"])
    code = clean(hh["code"]) if hh.get("code") else None
    id_number = head.get("id_number") or None
    search = " " + " ".join(filter(None, (fold(name), fold(code), id_number)))
    return (hh["id"], hh["village_id"], code, name, head["gender"], head.get("birth_year"),
            clean(head["ethnicity"]) if head.get("ethnicity") else None, id_number,
            int(bool(head.get("single"))), hh["members"], int(bool(hh.get("policy_household"))),
            hh.get("left_in"), search, sort_name(name))


def _key_list(keys: Iterable[str]) -> str:
    """A JSON list of indicator keys; they are plain identifiers, so joining is enough (and fast)."""
    keys = list(keys)
    if all(k.isidentifier() and k.isascii() for k in keys):
        return '["' + '","'.join(keys) + '"]' if keys else "[]"
    return json.dumps(keys, ensure_ascii=False)


def review_row(household_id: str, r: dict, with_evidence: bool) -> tuple:
    a = r.get("assessments") or {}
    deps = r.get("deprivations")
    row = (household_id, r["year"], r["status"], r.get("income_per_capita"),
           None if deps is None else _key_list(deps),
           _b(r.get("cultural_family")), _b(r.get("registered_to_exit")),
           *(_b(a.get(k)) for k in HOUSEHOLD_ASSESSMENT_KEYS), r.get("note") or None)
    if with_evidence:
        ev = r.get("evidence") or {}
        row += tuple((ev.get(k) or None) for k in HOUSEHOLD_ASSESSMENT_KEYS)
    return row


def review_dict(row: sqlite3.Row, with_evidence: bool = False) -> dict:
    rec = {
        "year": row["year"],
        "status": row["status"],
        "income_per_capita": row["income_per_capita"],
        "deprivations": None if row["deprivations"] is None else json.loads(row["deprivations"]),
        "cultural_family": _j(row["cultural_family"]),
        "registered_to_exit": _j(row["registered_to_exit"]),
        "assessments": {k: _j(row[k]) for k in HOUSEHOLD_ASSESSMENT_KEYS},
        "note": row["note"],
    }
    if with_evidence:
        rec["evidence"] = {k: row[f"{k}_evidence"] for k in HOUSEHOLD_ASSESSMENT_KEYS}
    return rec


def loan_row(household_id: str, loan: dict) -> tuple:
    return (loan["id"], household_id, loan.get("program"), loan["amount_vnd"], loan["disbursed_on"],
            loan.get("due_on"), loan.get("purpose"), _b(loan.get("used_as_intended")),
            _b(loan.get("repaid_on_time")))


def loan_dict(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "program": row["program"], "amount_vnd": row["amount_vnd"],
            "disbursed_on": row["disbursed_on"], "due_on": row["due_on"], "purpose": row["purpose"],
            "used_as_intended": _j(row["used_as_intended"]), "repaid_on_time": _j(row["repaid_on_time"])}


def household_dict(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "village_id": row["village_id"],
        "code": row["code"],
        "head": {"name": row["head_name"], "gender": row["head_gender"],
                 "birth_year": row["head_birth_year"], "ethnicity": row["head_ethnicity"],
                 "id_number": row["head_id_number"], "single": bool(row["head_single"])},
        "members": row["members"],
        "policy_household": bool(row["policy_household"]),
        "left_in": row["left_in"],
        "years": [],
        "loans": [],
    }


def village_year_row(village_id: str, vy: dict, with_evidence: bool) -> tuple:
    a = vy.get("assessments") or {}
    row = (village_id, vy["year"], _b(vy.get("cultural_title")), _b(vy.get("ntm_participation")),
           _b(vy.get("budget_rotation_rule")), vy.get("replicated_models"),
           vy.get("community_resources_vnd"), _b(a.get("mutual_help")))
    if with_evidence:
        row += ((vy.get("evidence") or {}).get("mutual_help") or None,)
    return row


def village_year_dict(row: sqlite3.Row, with_evidence: bool = False) -> dict:
    vy = {"year": row["year"], "cultural_title": _j(row["cultural_title"]),
          "ntm_participation": _j(row["ntm_participation"]),
          "budget_rotation_rule": _j(row["budget_rotation_rule"]),
          "replicated_models": row["replicated_models"],
          "community_resources_vnd": row["community_resources_vnd"],
          "assessments": {"mutual_help": _j(row["mutual_help"])}}
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


def _has_evidence(entries: Sequence[dict]) -> bool:
    """Forms send evidence notes; a dataset file has none, and then the stored notes are kept."""
    return any("evidence" in e for e in entries)


def meeting_row(m: dict) -> tuple:
    return (m["id"], m["village_id"], m["year"], m["held_on"], m["purpose"], m.get("chair"),
            m.get("secretary"), m["attendees"], m.get("households_represented"),
            m.get("households_on_list"), m.get("place"),
            json.dumps(m.get("officials") or [], ensure_ascii=False))


def meeting_dict(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "village_id": row["village_id"], "year": row["year"],
            "held_on": row["held_on"], "purpose": row["purpose"], "chair": row["chair"],
            "secretary": row["secretary"], "attendees": row["attendees"],
            "households_represented": row["households_represented"],
            "households_on_list": row["households_on_list"], "decisions": [],
            "place": row["place"], "officials": json.loads(row["officials"])}


def nomination_row(n: dict) -> tuple:
    return tuple(n.get(c) for c in NOMINATION_COLS)


# --- the household list ---------------------------------------------------------------------------

@dataclass
class HouseholdFilter:
    text: str = ""
    village_id: str | None = None
    year: int | None = None          # the status shown and filtered is that of this year
    status: str | None = None        # poor / near_poor / non_poor / "none" (no record that year)
    policy_only: bool = False
    sort_column: str = "name"
    descending: bool = False


LIST_COLUMNS = ("code", "name", "gender", "birth_year", "ethnicity", "id_number", "village",
                "members", "policy", "status")
_SORT_SQL = {
    "code": "h.code", "name": "h.sort_name", "gender": "h.head_gender",
    "birth_year": "h.head_birth_year", "ethnicity": "h.head_ethnicity",
    "id_number": "h.head_id_number", "village": "v.name", "members": "h.members",
    "policy": "h.policy_household", "status": "r.status",
}


@dataclass
class DeletedItem:
    kind: str  # household / village / meeting
    id: str
    label: str
    deleted_at: str


@dataclass
class AuditEntry:
    at: str
    actor: str
    table: str
    record_id: str
    action: str
    field: str | None
    old: str | None
    new: str | None


@dataclass
class Store:
    path: Path
    actor: str
    db: Database = field(repr=False)

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, actor: str | None = None) -> "Store":
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"Không mở được tệp {path}: {exc}") from exc
        actor = actor or default_actor()
        store = cls(path=path, actor=actor, db=Database(conn, execute_plugins=False))
        try:
            conn.row_factory = sqlite3.Row
            conn.create_function("thidua_actor", 0, lambda: store.actor)
            conn.execute("PRAGMA foreign_keys = ON")
            # A rollback journal with full sync: safe on a power cut, and safe on a network share.
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA cache_size = -32000")  # 32 MB: the 300,000-household upper-level file
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise explain_sqlite_error(exc, path) from exc
        except StoreError:
            conn.close()
            raise
        return store

    def _migrate(self) -> None:
        applied = {m.name for m in migrations.applied(self.db)}
        known = {m.name for m in migrations._migrations}
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id != APPLICATION_ID:
            raise StoreError(f"Tệp {self.path} là một cơ sở dữ liệu khác, không phải tệp dữ liệu ThiDua.")
        if applied - known:
            raise StoreError(
                f"Tệp {self.path} được tạo bởi một phiên bản ThiDua mới hơn phiên bản đang chạy. "
                "Hãy cài phiên bản mới nhất rồi mở lại; tệp không bị thay đổi.")
        pending = migrations.pending(self.db)
        if not pending:
            return
        if applied:
            self.backup("truoc-nang-cap")
        migrations.apply(self.db)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    def backup(self, reason: str) -> Path:
        """A consistent copy of the file in backups/, made with SQLite's online backup."""
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = paths.backups_dir(self.path) / f"{self.path.stem}-{stamp}-{reason}{self.path.suffix}"
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        return target

    def restore_from(self, copy: Path) -> Path:
        """Put a backup's content in place of this file's, keeping a copy of what was there first.

        SQLite's backup API writes the pages in one go into the open file; the copy's schema is then
        brought up to date as any older file would be.
        """
        before = self.backup("truoc-khoi-phuc")
        source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            source.backup(self.conn)
        except sqlite3.Error as exc:
            raise explain_sqlite_error(exc, copy) from exc
        finally:
            source.close()
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()
        return before

    @contextmanager
    def bulk_transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction for thousands of rows. Added rows are audited in one statement a table at the
        end (changed and removed ones by the triggers as always); the audit index is rebuilt once.

        Rows are told apart by rowid: tables here only grow at the end (households and villages are
        never removed, only sent to the recycle bin).
        """
        with self.transaction() as c:
            c.execute("DROP INDEX IF EXISTS audit_household")
            marks = pause_insert_audit(c)
            yield c
            resume_insert_audit(self.db, marks)
            c.execute(AUDIT_HOUSEHOLD_INDEX)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it or none of it."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise explain_sqlite_error(exc, self.path) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise explain_sqlite_error(exc, self.path) from exc
            raise

    def query(self, sql: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    # --- settings ---------------------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction() as c:
            self.write_setting(c, key, value)

    @staticmethod
    def write_setting(c: sqlite3.Connection, key: str, value: str | None) -> None:
        """A setting inside a larger transaction."""
        c.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def is_upper_level(self) -> bool:
        """A file of the level above (upper.init), not of a commune."""
        return self.setting("mode") == "upper"

    # --- commune ----------------------------------------------------------------------------
    def commune(self, with_evidence: bool = False) -> dict | None:
        row = self.conn.execute("SELECT * FROM commune").fetchone()
        if row is None:
            return None
        return {"code": row["code"], "name": row["name"], "province_code": row["province_code"],
                "province_name": row["province_name"], "district_name": row["district_name"],
                "area": row["area"], "region": row["region"], "poor_commune": bool(row["poor_commune"]),
                "years": self.commune_years(with_evidence), "former_units": json.loads(row["former_units"])}

    def commune_years(self, with_evidence: bool = False) -> list[dict]:
        return [commune_year_dict(r, with_evidence)
                for r in self.query("SELECT * FROM commune_year ORDER BY year")]

    def save_commune(self, commune: dict) -> None:
        with self.transaction() as c:
            self._write_commune(c, commune)

    def save_commune_year(self, entry: dict) -> None:
        with self.transaction() as c:
            self._write_commune_years(c, [entry])

    def _write_commune(self, c: sqlite3.Connection, commune: dict) -> None:
        row = (1, commune["code"], clean(commune["name"]), commune["province_code"],
               clean(commune["province_name"]),
               clean(commune["district_name"]) if commune.get("district_name") else None,
               commune["area"], commune.get("region"), int(bool(commune.get("poor_commune"))),
               json.dumps(commune.get("former_units") or [], ensure_ascii=False))
        c.execute(_upsert_sql("commune", COMMUNE_COLS, ("singleton",)), row)
        if "years" in commune:
            self._write_commune_years(c, commune["years"] or [])

    @staticmethod
    def _write_commune_years(c: sqlite3.Connection, years: Iterable[dict]) -> None:
        years = list(years)
        evidence = _has_evidence(years)
        cols = COMMUNE_YEAR_COLS + (COMMUNE_EVIDENCE_COLS if evidence else ())
        c.executemany(_upsert_sql("commune_year", cols, ("year",)),
                      [commune_year_row(y, evidence) for y in years])

    # --- villages ---------------------------------------------------------------------------
    def villages(self, include_deleted: bool = False, with_evidence: bool = False) -> list[dict]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self.query(f"SELECT * FROM village {where} ORDER BY pk")
        years: dict[str, list] = {}
        for r in self.query("SELECT * FROM village_year ORDER BY village_id, year"):
            years.setdefault(r["village_id"], []).append(village_year_dict(r, with_evidence))
        return [{"id": r["id"], "name": r["name"], "kind": r["kind"], "years": years.get(r["id"], [])}
                for r in rows]

    def village(self, village_id: str) -> dict | None:
        return next((v for v in self.villages(True, with_evidence=True) if v["id"] == village_id), None)

    def village_household_counts(self) -> dict[str, int]:
        return dict(self.query("SELECT village_id, count(*) FROM household "
                               "WHERE deleted_at IS NULL GROUP BY village_id"))

    def save_village(self, village: dict) -> None:
        with self.transaction() as c:
            self._write_villages(c, [village])

    def _write_villages(self, c: sqlite3.Connection, villages: Sequence[dict]) -> None:
        c.executemany(_upsert_sql("village", VILLAGE_COLS, ("id",), "deleted_at = NULL"),
                      [(v["id"], clean(v["name"]), v["kind"]) for v in villages])
        with_years = [v for v in villages if "years" in v]
        all_years = [y for v in with_years for y in v["years"] or ()]
        evidence = _has_evidence(all_years)
        cols = VILLAGE_YEAR_COLS + (("mutual_help_evidence",) if evidence else ())
        c.executemany(_upsert_sql("village_year", cols, ("village_id", "year")),
                      [village_year_row(v["id"], y, evidence) for v in with_years for y in v["years"] or ()])
        self._delete_stale(c, "village_year", "village_id", "year",
                           [(v["id"], [y["year"] for y in v["years"] or ()]) for v in with_years])

    def delete_village(self, village_id: str) -> None:
        with self.transaction() as c:
            n = c.execute("SELECT count(*) FROM household WHERE village_id = ? AND deleted_at IS NULL",
                          (village_id,)).fetchone()[0]
            if n:
                raise StoreError(f"Thôn này còn {n} hộ. Hãy chuyển các hộ sang thôn khác "
                                 "hoặc xóa các hộ trước khi xóa thôn.")
            c.execute("UPDATE village SET deleted_at = ? WHERE id = ?", (now_iso(), village_id))

    # --- households -------------------------------------------------------------------------
    def household(self, household_id: str, with_evidence: bool = True) -> dict | None:
        row = self.conn.execute("SELECT * FROM household WHERE id = ?", (household_id,)).fetchone()
        if row is None:
            return None
        hh = household_dict(row)
        hh["deleted"] = row["deleted_at"] is not None
        hh["years"] = [review_dict(r, with_evidence) for r in self.query(
            "SELECT * FROM review_record WHERE household_id = ? ORDER BY year", (household_id,))]
        hh["loans"] = [loan_dict(r) for r in self.query(
            "SELECT * FROM loan WHERE household_id = ? ORDER BY rowid", (household_id,))]
        return hh

    def iter_households(self, pks: Sequence[int] | None = None, batch: int = 2000) -> Iterator[dict]:
        """Households in the dataset's shape, a batch at a time, so 300,000 go out without ever being in
        memory together: every one (recycle bin left out) by row id, or those of `pks` in that order."""
        last, offset = 0, 0
        while True:
            if pks is None:
                rows = self.query("SELECT * FROM household WHERE deleted_at IS NULL AND pk > ? ORDER BY pk LIMIT ?",
                                  (last, batch))
            else:
                chunk = list(pks[offset:offset + batch])
                offset += batch
                found = {r["pk"]: r for r in self.query(
                    "SELECT * FROM household WHERE pk IN (SELECT value FROM json_each(?))", (json.dumps(chunk),))}
                rows = [found[pk] for pk in chunk if pk in found]
            if not rows:
                return
            last = rows[-1]["pk"]
            households = {r["id"]: household_dict(r) for r in rows}
            ids = json.dumps(list(households))
            for r in self.query("SELECT * FROM review_record WHERE household_id IN (SELECT value FROM json_each(?)) "
                                "ORDER BY household_id, year", (ids,)):
                households[r["household_id"]]["years"].append(review_dict(r))
            for r in self.query("SELECT * FROM loan WHERE household_id IN (SELECT value FROM json_each(?)) "
                                "ORDER BY rowid", (ids,)):
                households[r["household_id"]]["loans"].append(loan_dict(r))
            yield from households.values()

    def save_household(self, hh: dict) -> None:
        """Insert or update one household with its review records and loans, as the form holds them."""
        with self.transaction() as c:
            self._write_households(c, [hh], with_evidence=True)

    def _write_households(self, c: sqlite3.Connection, households: Sequence[dict],
                          with_evidence: bool) -> None:
        c.executemany(_upsert_sql("household", HOUSEHOLD_COLS, ("id",), "deleted_at = NULL"),
                      [household_row(h) for h in households])
        review_cols = REVIEW_COLS + (EVIDENCE_COLS if with_evidence else ())
        c.executemany(_upsert_sql("review_record", review_cols, ("household_id", "year")),
                      [review_row(h["id"], r, with_evidence) for h in households for r in h["years"]])
        self._delete_stale(c, "review_record", "household_id", "year",
                           [(h["id"], [r["year"] for r in h["years"]]) for h in households])
        c.executemany(_upsert_sql("loan", LOAN_COLS, ("id",)),
                      [loan_row(h["id"], loan) for h in households for loan in h.get("loans") or ()])
        self._delete_stale(c, "loan", "household_id", "id",
                           [(h["id"], [loan["id"] for loan in h.get("loans") or ()]) for h in households])

    @staticmethod
    def _delete_stale(c: sqlite3.Connection, table: str, parent_col: str, key_col: str,
                      keep: Iterable[tuple[str, list]]) -> None:
        """Children of each parent that are not in its new list go (the audit log keeps them)."""
        c.executemany(
            f"DELETE FROM {table} WHERE {parent_col} = ? AND {key_col} NOT IN "
            f"(SELECT value FROM json_each(?))",
            [(parent, json.dumps(keys)) for parent, keys in keep])

    def delete_household(self, household_id: str) -> None:
        """To the recycle bin: hidden everywhere, restorable, nothing removed."""
        with self.transaction() as c:
            c.execute("UPDATE household SET deleted_at = ? WHERE id = ?", (now_iso(), household_id))

    def possible_duplicates(self, hh: dict) -> list[dict]:
        """Other households with the same CCCD, or the same head name and birth year in the village."""
        head = hh["head"]
        rows = self.query(
            "SELECT h.id, h.code, h.head_name, h.head_birth_year, h.head_id_number, v.name AS village "
            "FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.id != ? AND h.deleted_at IS NULL AND ("
            " (? IS NOT NULL AND h.head_id_number = ?) OR"
            " (h.village_id = ? AND h.sort_name = ? AND h.head_birth_year IS ?))",
            (hh["id"], head.get("id_number") or None, head.get("id_number") or None,
             hh["village_id"], sort_name(clean(head["name"])), head.get("birth_year")))
        return [dict(r) for r in rows]

    def household_ids(self, flt: HouseholdFilter) -> list[int]:
        """Row ids of the households matching the filter, in display order, chosen and sorted in SQL."""
        where = ["h.deleted_at IS NULL"]
        params: list[Any] = [flt.year]
        for term in fold(flt.text).split():
            # Words match from their start ("an" finds An and Ánh, not Văn); digits anywhere (CCCD, codes).
            where.append("h.search LIKE ? ESCAPE '\\'")
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%" if term.isdigit() else f"% {escaped}%")
        if flt.village_id:
            where.append("h.village_id = ?")
            params.append(flt.village_id)
        if flt.policy_only:
            where.append("h.policy_household = 1")
        if flt.status == "none":
            where.append("r.status IS NULL")
        elif flt.status:
            where.append("r.status = ?")
            params.append(flt.status)
        order = _SORT_SQL[flt.sort_column]
        direction = "DESC" if flt.descending else "ASC"
        join_village = "JOIN village v ON v.id = h.village_id" if flt.sort_column == "village" else ""
        sql = (f"SELECT h.pk FROM household h {join_village} "
               f"LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
               f"WHERE {' AND '.join(where)} ORDER BY {order} {direction}, h.pk {direction}")
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: 300,000 ids come back several times faster
        return [r[0] for r in cursor.execute(sql, params)]

    def household_rows(self, pks: Sequence[int], year: int | None) -> dict[int, tuple]:
        """The list's columns (LIST_COLUMNS, then the id) for some row ids, by row id."""
        if not pks:
            return {}
        sql = ("SELECT h.pk, h.code, h.head_name, h.head_gender, h.head_birth_year, h.head_ethnicity,"
               " h.head_id_number, v.name, h.members, h.policy_household, r.status, h.id "
               "FROM household h JOIN village v ON v.id = h.village_id "
               "LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
               "WHERE h.pk IN (SELECT value FROM json_each(?))")
        return {row[0]: tuple(row[1:]) for row in self.conn.execute(sql, (year, json.dumps(list(pks))))}

    def household_pk(self, household_id: str) -> int | None:
        row = self.conn.execute("SELECT pk FROM household WHERE id = ?", (household_id,)).fetchone()
        return row[0] if row else None

    def record_years(self) -> list[int]:
        """Years that have review records, by one index seek a year (not a scan of every record)."""
        return [r[0] for r in self.query(
            "WITH RECURSIVE y(v) AS (SELECT min(year) FROM review_record UNION ALL "
            "SELECT (SELECT min(year) FROM review_record WHERE year > v) FROM y WHERE v IS NOT NULL) "
            "SELECT v FROM y WHERE v IS NOT NULL")]

    def household_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM household WHERE deleted_at IS NULL").fetchone()[0]

    # --- the yearly review grid -------------------------------------------------------------
    def review_grid(self, year: int, village_id: str | None = None) -> list[dict]:
        """Households present in `year` (not left before it), with their record of `year` or None."""
        params: list[Any] = [year, year]
        village = ""
        if village_id:
            village = "AND h.village_id = ?"
            params.append(village_id)
        rows = self.query(
            "SELECT h.id, h.code, h.head_name, v.name AS village, r.* FROM household h "
            "JOIN village v ON v.id = h.village_id "
            "LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
            f"WHERE h.deleted_at IS NULL AND (h.left_in IS NULL OR h.left_in > ?) {village} "
            "ORDER BY v.pk, h.sort_name, h.pk", params)
        out = []
        for r in rows:
            out.append({"household_id": r[0], "code": r["code"], "name": r["head_name"],
                        "village": r["village"],
                        "record": review_dict(r, with_evidence=True) if r["status"] else None})
        return out

    def records_of_year(self, year: int, household_ids: Sequence[str]) -> dict[str, dict]:
        rows = self.query("SELECT * FROM review_record WHERE year = ? AND household_id IN "
                          "(SELECT value FROM json_each(?))", (year, json.dumps(list(household_ids))))
        return {r["household_id"]: review_dict(r, with_evidence=True) for r in rows}

    def save_review_records(self, records: Sequence[tuple[str, dict]]) -> None:
        """Many households' records of one review in one transaction: (household id, record)."""
        with self.transaction() as c:
            c.executemany(_upsert_sql("review_record", REVIEW_COLS + EVIDENCE_COLS,
                                      ("household_id", "year")),
                          [review_row(hid, rec, True) for hid, rec in records])

    # --- recycle bin and audit --------------------------------------------------------------
    def deleted_items(self) -> list[DeletedItem]:
        items = [DeletedItem("household", r["id"], f"{r['head_name']} ({r['code'] or 'không mã'})",
                             r["deleted_at"])
                 for r in self.query("SELECT id, head_name, code, deleted_at FROM household "
                                     "WHERE deleted_at IS NOT NULL")]
        items += [DeletedItem("village", r["id"], r["name"], r["deleted_at"])
                  for r in self.query("SELECT id, name, deleted_at FROM village WHERE deleted_at IS NOT NULL")]
        items += [DeletedItem("meeting", r["id"], f"Họp ngày {r['held_on']}", r["deleted_at"])
                  for r in self.query("SELECT id, held_on, deleted_at FROM meeting WHERE deleted_at IS NOT NULL")]
        return sorted(items, key=lambda i: i.deleted_at, reverse=True)

    def restore(self, item: DeletedItem) -> None:
        table = {"household": "household", "village": "village", "meeting": "meeting"}[item.kind]
        with self.transaction() as c:
            if item.kind == "household":
                village_gone = c.execute(
                    "SELECT v.deleted_at IS NOT NULL FROM household h JOIN village v ON v.id = h.village_id "
                    "WHERE h.id = ?", (item.id,)).fetchone()[0]
                if village_gone:
                    raise StoreError("Thôn của hộ này đang ở trong thùng rác. Hãy khôi phục thôn trước.")
            c.execute(f"UPDATE {table} SET deleted_at = NULL WHERE id = ?", (item.id,))

    def audit_for_household(self, household_id: str) -> list[AuditEntry]:
        rows = self.query("SELECT at, actor, tbl, record_id, action, field, old, new FROM audit_log "
                          "WHERE household_id = ? ORDER BY id DESC", (household_id,))
        return [AuditEntry(*r) for r in rows]

    # --- meetings and nominations -------------------------------------------------------------
    def meetings(self, year: int | None = None, ids: Sequence[str] | None = None) -> list[dict]:
        """Meetings (not in the recycle bin) in the dataset shape, oldest first."""
        where, params = ["m.deleted_at IS NULL"], []
        if year is not None:
            where.append("m.year = ?")
            params.append(year)
        if ids is not None:
            where.append(f"m.id IN ({', '.join('?' * len(ids))})")
            params += list(ids)
        cond = " AND ".join(where)
        rows = self.query(f"SELECT m.* FROM meeting m WHERE {cond} ORDER BY m.held_on, m.rowid", params)
        meetings = {r["id"]: meeting_dict(r) for r in rows}
        for r in self.query(f"SELECT d.* FROM decision d JOIN meeting m ON m.id = d.meeting_id WHERE {cond} "
                            "ORDER BY d.rowid", params):
            meetings[r["meeting_id"]]["decisions"].append(
                {"household_id": r["household_id"], "agree": r["agree"], "disagree": r["disagree"],
                 "abstain": r["abstain"]})
        return list(meetings.values())

    def meeting(self, meeting_id: str) -> dict | None:
        found = self.meetings(ids=[meeting_id])
        return found[0] if found else None

    def save_meeting(self, meeting: dict) -> None:
        """Check a meeting against the register, then write it whole, or refuse it with the reasons."""
        with self.transaction() as c:
            villages = {r[0] for r in c.execute("SELECT id FROM village WHERE deleted_at IS NULL")}
            wanted = [d["household_id"] for d in meeting["decisions"]]
            present = {r[0] for r in c.execute(
                f"SELECT id FROM household WHERE deleted_at IS NULL AND id IN ({', '.join('?' * len(wanted))})",
                wanted)} if wanted else set()
            problems = rules.check_meeting(meeting, villages, present)
            if problems:
                raise StoreError("; ".join(p.message for p in problems))
            self._write_meetings(c, [meeting])

    def delete_meeting(self, meeting_id: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE meeting SET deleted_at = ? WHERE id = ?", (now_iso(), meeting_id))

    def nominations(self, year: int | None = None) -> list[dict]:
        sql, params = "SELECT * FROM nomination", ()
        if year is not None:
            sql, params = sql + " WHERE year = ?", (year,)
        return [{c: row[c] for c in NOMINATION_COLS} for row in self.query(sql + " ORDER BY rowid", params)]

    def save_nominations(self, nominations: Sequence[dict]) -> None:
        """Several nominations in one transaction (a list picked from the evaluation, or one edit)."""
        with self.transaction() as c:
            villages = {r[0] for r in c.execute("SELECT id FROM village WHERE deleted_at IS NULL")}
            households = {r[0] for r in c.execute("SELECT id FROM household WHERE deleted_at IS NULL")}
            problems = [p for n in nominations for p in rules.check_nomination(n, villages, households)]
            if problems:
                raise StoreError("; ".join(p.message for p in problems))
            self._write_nominations(c, nominations)

    def delete_nomination(self, nomination_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM nomination WHERE id = ?", (nomination_id,))

    def _write_meetings(self, c: sqlite3.Connection, meetings: Sequence[dict]) -> None:
        c.executemany(_upsert_sql("meeting", MEETING_COLS, ("id",), "deleted_at = NULL"),
                      [meeting_row(m) for m in meetings])
        c.executemany(_upsert_sql("decision", DECISION_COLS, ("meeting_id", "household_id")),
                      [(m["id"], d["household_id"], d["agree"], d["disagree"], d["abstain"])
                       for m in meetings for d in m["decisions"]])
        self._delete_stale(c, "decision", "meeting_id", "household_id",
                           [(m["id"], [d["household_id"] for d in m["decisions"]]) for m in meetings])

    def _write_nominations(self, c: sqlite3.Connection, nominations: Sequence[dict]) -> None:
        c.executemany(_upsert_sql("nomination", NOMINATION_COLS, ("id",)),
                      [nomination_row(n) for n in nominations])


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some Windows service accounts
        return "không rõ"


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"Không đọc được tệp {path}: {exc.strerror}") from exc
    if head != _SQLITE_MAGIC:
        raise StoreError(f"Tệp {path} không phải tệp dữ liệu ThiDua (không phải cơ sở dữ liệu SQLite).")

