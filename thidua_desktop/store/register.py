"""The register's SQL: the commune, its villages and households, review records, loans, the recycle
bin and the change history.

Every public write is one transaction (a repository's write joins the caller's transaction when one is
open, so a service can make several writes one unit).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from thidua_desktop.errors import Refused
from thidua_desktop.store.meetings import write_meetings, write_nominations
from thidua_desktop.store.rows import (
    COMMUNE_COLS,
    COMMUNE_EVIDENCE_COLS,
    COMMUNE_YEAR_COLS,
    EVIDENCE_COLS,
    HOUSEHOLD_COLS,
    HOUSEHOLD_READ,
    LOAN_COLS,
    LOAN_READ,
    REVIEW_COLS,
    REVIEW_READ,
    VILLAGE_COLS,
    VILLAGE_YEAR_COLS,
    Repository,
    commune_year_dict,
    commune_year_row,
    delete_stale,
    has_evidence,
    household_dict,
    household_from,
    household_row,
    insert_sql,
    json_list,
    loan_dict,
    loan_from,
    loan_row,
    now_iso,
    review_dict,
    review_from,
    review_row,
    sort_name,
    upsert_sql,
    village_year_dict,
    village_year_row,
)
from thidua_desktop.text import clean, fold, format_date


class HouseholdFilter(NamedTuple):
    text: str = ""
    village_id: str | None = None
    year: int | None = None  # the status shown and filtered is that of this year
    status: str | None = None  # poor / near_poor / non_poor / "none" (no record that year)
    policy_only: bool = False
    sort_column: str = "name"
    descending: bool = False


LIST_COLUMNS = (
    "code",
    "name",
    "gender",
    "birth_year",
    "ethnicity",
    "id_number",
    "village",
    "members",
    "policy",
    "status",
)
_SORT_SQL = {
    "code": "h.code",
    "name": "h.sort_name",
    "gender": "h.head_gender",
    "birth_year": "h.head_birth_year",
    "ethnicity": "h.head_ethnicity",
    "id_number": "h.head_id_number",
    "village": "v.name",
    "members": "h.members",
    "policy": "h.policy_household",
    "status": "r.status",
}


class DeletedItem(NamedTuple):
    kind: str  # household / village / meeting
    id: str
    label: str
    deleted_at: str


class HouseholdName(NamedTuple):
    """What a list, a dialog or a paper shows of a household next to something that points at it."""

    id: str
    code: str | None
    head_name: str
    gender: str
    birth_year: int | None
    ethnicity: str | None
    members: int
    village_id: str
    village: str

    @property
    def label(self) -> str:
        """'Nguyễn Văn An (H00001, Thôn Nà Khà)': tells apart households whose heads share a name."""
        return f"{self.head_name} ({self.code or 'không mã'}, {self.village})"


class AuditEntry(NamedTuple):
    at: str
    actor: str
    table: str
    record_id: str
    action: str
    field: str | None
    old: str | None
    new: str | None


class RegisterRepository(Repository):
    # --- commune ----------------------------------------------------------------------------
    def commune(self, with_evidence: bool = False) -> dict | None:
        row = self.conn.execute("SELECT * FROM commune").fetchone()
        if row is None:
            return None
        return {
            "code": row["code"],
            "name": row["name"],
            "province_code": row["province_code"],
            "province_name": row["province_name"],
            "district_name": row["district_name"],
            "area": row["area"],
            "region": row["region"],
            "poor_commune": bool(row["poor_commune"]),
            "years": self.commune_years(with_evidence),
            "former_units": json.loads(row["former_units"]),
        }

    def commune_years(self, with_evidence: bool = False) -> list[dict]:
        return [commune_year_dict(r, with_evidence) for r in self._query("SELECT * FROM commune_year ORDER BY year")]

    def save_commune(self, commune: dict) -> None:
        with self.transaction() as c:
            write_commune(c, commune)

    def save_commune_year(self, entry: dict) -> None:
        with self.transaction() as c:
            write_commune_years(c, [entry])

    def write_dataset(
        self,
        data: dict,
        mirror: bool = False,
        and_then: Callable[[], object] | None = None,
        households: HouseholdRows | None = None,
        known: Container[str] | None = None,
    ) -> dict[str, int]:
        """A whole checked dataset in one bulk transaction: the commune, its villages, households (with
        their records and loans), meetings with their votes, and nominations. Checked: it fits the
        dataset schema, so its household, record and loan rows are not asked SCHEMA_HELD_CHECKS again.
        The households are `data`'s, or the rows gathered as the file was read (`households`, never
        mirrored); `known` are the households the file had before (see `write_household_rows`).

        With `mirror`, the file becomes exactly the dataset: villages, households and meetings it does not
        hold go to the recycle bin (their last content stays, and the change history says who removed
        them), nominations it does not hold are removed (the history keeps them). Returns how many of
        each were removed. `and_then` runs inside the same transaction (a write that must not happen
        without this one, nor this one without it)."""
        with self.db.bulk_transaction() as c:
            write_commune(c, data["commune"])
            write_villages(c, data["villages"])
            if households is None:
                households = HouseholdRows()
                for hh in data["households"]:
                    households.add(hh)
            else:
                assert not mirror  # a mirror removes what the dataset does not hold: it needs the households
            # Into a file with no household yet, the lists' indexes are built once at the end, not row by row,
            # and the rows are only added: there is nothing they could replace.
            fresh = not c.execute(
                "SELECT EXISTS (SELECT 1 FROM household) OR EXISTS (SELECT 1 FROM review_record) "
                "OR EXISTS (SELECT 1 FROM loan)"
            ).fetchone()[0]
            rebuilt = _drop_indexes(c, ("household", "review_record", "loan")) if fresh else []
            with _checked_rows(c):
                write_household_rows(c, households, known, fresh)
            for sql in rebuilt:
                c.execute(sql)
            write_meetings(c, data["meetings"])
            write_nominations(c, data.get("nominations") or [])
            if and_then is not None:
                and_then()
            if not mirror:
                return {}
            now = now_iso()
            removed = {}
            for table, key in (("household", "households"), ("village", "villages"), ("meeting", "meetings")):
                removed[key] = c.execute(
                    f"UPDATE {table} SET deleted_at = ? WHERE deleted_at IS NULL AND id NOT IN "
                    "(SELECT value FROM json_each(?))",
                    (now, json_list(x["id"] for x in data[key])),
                ).rowcount
            removed["nominations"] = c.execute(
                "DELETE FROM nomination WHERE id NOT IN (SELECT value FROM json_each(?))",
                (json_list(n["id"] for n in data.get("nominations") or ()),),
            ).rowcount
            return removed

    # --- villages ---------------------------------------------------------------------------
    def villages(self, include_deleted: bool = False, with_evidence: bool = False) -> list[dict]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self._query(f"SELECT * FROM village {where} ORDER BY pk")
        years: dict[str, list] = {}
        for r in self._query("SELECT * FROM village_year ORDER BY village_id, year"):
            years.setdefault(r["village_id"], []).append(village_year_dict(r, with_evidence))
        return [{"id": r["id"], "name": r["name"], "kind": r["kind"], "years": years.get(r["id"], [])} for r in rows]

    def village(self, village_id: str) -> dict | None:
        return next((v for v in self.villages(True, with_evidence=True) if v["id"] == village_id), None)

    def village_household_counts(self) -> dict[str, int]:
        rows = self._query("SELECT village_id, count(*) FROM household WHERE deleted_at IS NULL GROUP BY village_id")
        return {r[0]: r[1] for r in rows}

    def save_village(self, village: dict) -> None:
        with self.transaction() as c:
            write_villages(c, [village])

    def delete_village(self, village_id: str) -> None:
        """To the recycle bin, refused while households, meetings or nominations still point at it."""
        with self.transaction() as c:
            n = c.execute(
                "SELECT count(*) FROM household WHERE village_id = ? AND deleted_at IS NULL", (village_id,)
            ).fetchone()[0]
            if n:
                raise Refused(
                    f"Thôn này còn {n} hộ. Hãy chuyển các hộ sang thôn khác hoặc xóa các hộ trước khi xóa thôn."
                )
            meetings = [
                f"cuộc họp ngày {_vn_date(r[0])}"
                for r in c.execute(
                    "SELECT held_on FROM meeting WHERE village_id = ? AND deleted_at IS NULL ORDER BY held_on",
                    (village_id,),
                )
            ]
            nominated = [
                f"đề nghị khen thưởng năm {r[0]}"
                for r in c.execute("SELECT year FROM nomination WHERE village_id = ? ORDER BY year", (village_id,))
            ]
            if meetings or nominated:
                raise Refused(
                    f"Chưa xóa được thôn này vì còn {_listing(meetings + nominated)} của thôn. Hãy xóa các cuộc "
                    "họp và đề nghị đó trước (cuộc họp vào thùng rác, khôi phục được)."
                )
            c.execute("UPDATE village SET deleted_at = ? WHERE id = ?", (now_iso(), village_id))

    # --- households -------------------------------------------------------------------------
    def household(self, household_id: str, with_evidence: bool = True) -> dict | None:
        row = self.conn.execute("SELECT * FROM household WHERE id = ?", (household_id,)).fetchone()
        if row is None:
            return None
        hh = household_dict(row)
        hh["deleted"] = row["deleted_at"] is not None
        hh["years"] = [
            review_dict(r, with_evidence)
            for r in self._query("SELECT * FROM review_record WHERE household_id = ? ORDER BY year", (household_id,))
        ]
        hh["loans"] = [
            loan_dict(r)
            for r in self._query("SELECT * FROM loan WHERE household_id = ? ORDER BY rowid", (household_id,))
        ]
        return hh

    def iter_households(self, pks: Sequence[int] | None = None, batch: int = 2000) -> Iterator[dict]:
        """Households in the dataset's shape, a batch at a time, so 300,000 go out without ever being in
        memory together: every one (recycle bin left out) by row id, or those of `pks` in that order."""
        head = f"SELECT pk, {', '.join(HOUSEHOLD_READ)} FROM household"
        records = (
            f"SELECT household_id, {', '.join(REVIEW_READ)} FROM review_record "
            "WHERE household_id IN (SELECT value FROM json_each(?)) ORDER BY household_id, year"
        )
        loans = (
            f"SELECT household_id, {', '.join(LOAN_READ)} FROM loan "
            "WHERE household_id IN (SELECT value FROM json_each(?)) ORDER BY rowid"
        )
        last, offset = 0, 0
        while True:
            if pks is None:
                rows = self._tuples(f"{head} WHERE deleted_at IS NULL AND pk > ? ORDER BY pk LIMIT ?", (last, batch))
            else:
                chunk = list(pks[offset : offset + batch])
                offset += batch
                found = {
                    r[0]: r
                    for r in self._tuples(f"{head} WHERE pk IN (SELECT value FROM json_each(?))", (json.dumps(chunk),))
                }
                rows = [found[pk] for pk in chunk if pk in found]
            if not rows:
                return
            last = rows[-1][0]
            households = {r[1]: household_from(r[1:]) for r in rows}
            ids = json.dumps(list(households))
            for r in self._tuples(records, (ids,)):
                households[r[0]]["years"].append(review_from(r[1:]))
            for r in self._tuples(loans, (ids,)):
                households[r[0]]["loans"].append(loan_from(r[1:]))
            yield from households.values()

    def save_household(self, hh: dict) -> None:
        """Insert or update one household with its review records and loans, as the form holds them."""
        with self.transaction() as c:
            write_households(c, [hh], with_evidence=True)

    def delete_household(self, household_id: str) -> None:
        """To the recycle bin (with its review records and loans): hidden everywhere, restorable, nothing
        removed. Refused while a meeting's vote or a nomination points at it, naming them: the commune's
        file must stay one the level above can take whole."""
        with self.transaction() as c:
            references = self.references_to_household(household_id)
            if references:
                raise Refused(
                    f"Chưa xóa được hộ này vì hộ có {_listing(references)}. Hãy bỏ hộ khỏi các cuộc họp và đề "
                    'nghị đó trước. Nếu hộ đã chuyển đi hoặc không còn ở xã, đừng xóa: hãy ghi "Năm rời khỏi xã" '
                    "trong thông tin của hộ, để kết quả các năm trước vẫn còn."
                )
            c.execute("UPDATE household SET deleted_at = ? WHERE id = ?", (now_iso(), household_id))

    def references_to_household(self, household_id: str) -> list[str]:
        """What still points at a household: votes in meetings not in the recycle bin, and nominations."""
        votes = [
            f"phiếu biểu quyết trong cuộc họp ngày {_vn_date(r[0])} ({r[1]})"
            for r in self.conn.execute(
                "SELECT m.held_on, v.name FROM decision d JOIN meeting m ON m.id = d.meeting_id "
                "JOIN village v ON v.id = m.village_id WHERE d.household_id = ? AND m.deleted_at IS NULL "
                "ORDER BY m.held_on",
                (household_id,),
            )
        ]
        nominated = [
            f"đề nghị khen thưởng năm {r[0]}"
            for r in self.conn.execute(
                "SELECT year FROM nomination WHERE household_id = ? ORDER BY year", (household_id,)
            )
        ]
        return votes + nominated

    def possible_duplicates(self, hh: dict) -> list[dict]:
        """Other households with the same CCCD, or the same head name and birth year in the village."""
        head = hh["head"]
        rows = self._query(
            "SELECT h.id, h.code, h.head_name, h.head_birth_year, h.head_id_number, v.name AS village "
            "FROM household h JOIN village v ON v.id = h.village_id "
            "WHERE h.id != ? AND h.deleted_at IS NULL AND ("
            " (? IS NOT NULL AND h.head_id_number = ?) OR"
            " (h.village_id = ? AND h.sort_name = ? AND h.head_birth_year IS ?))",
            (
                hh["id"],
                head.get("id_number") or None,
                head.get("id_number") or None,
                hh["village_id"],
                sort_name(clean(head["name"])),
                head.get("birth_year"),
            ),
        )
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
        sql = (
            f"SELECT h.pk FROM household h {join_village} "
            f"LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
            f"WHERE {' AND '.join(where)} ORDER BY {order} {direction}, h.pk {direction}"
        )
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: 300,000 ids come back several times faster
        return [r[0] for r in cursor.execute(sql, params)]

    def household_rows(self, pks: Sequence[int], year: int | None) -> dict[int, tuple]:
        """The list's columns (LIST_COLUMNS, then the id) for some row ids, by row id."""
        if not pks:
            return {}
        sql = (
            "SELECT h.pk, h.code, h.head_name, h.head_gender, h.head_birth_year, h.head_ethnicity,"
            " h.head_id_number, v.name, h.members, h.policy_household, r.status, h.id "
            "FROM household h JOIN village v ON v.id = h.village_id "
            "LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
            "WHERE h.pk IN (SELECT value FROM json_each(?))"
        )
        return {row[0]: tuple(row[1:]) for row in self.conn.execute(sql, (year, json.dumps(list(pks))))}

    def household_pk(self, household_id: str) -> int | None:
        row = self.conn.execute("SELECT pk FROM household WHERE id = ?", (household_id,)).fetchone()
        return row[0] if row else None

    def record_years(self) -> list[int]:
        """Years that have review records, by one index seek a year (not a scan of every record)."""
        return [
            r[0]
            for r in self._query(
                "WITH RECURSIVE y(v) AS (SELECT min(year) FROM review_record UNION ALL "
                "SELECT (SELECT min(year) FROM review_record WHERE year > v) FROM y WHERE v IS NOT NULL) "
                "SELECT v FROM y WHERE v IS NOT NULL"
            )
        ]

    def household_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM household WHERE deleted_at IS NULL").fetchone()[0]

    # --- a year counted, not judged household by household (the level above's overview) --------------
    # Plain tuples of the few columns wanted: 150 communes are read in seconds. Households in the recycle
    # bin are left out everywhere, as the dataset leaves them out.
    def status_counts(self) -> list[tuple[int, str, int, int]]:
        """(year, status, records, records of a head of an ethnic minority: not Kinh nor unsaid). Counted
        from the records' index on (year, status), less the records of households in the recycle bin, and
        the records of whichever side is smaller (heads of a minority, or the rest) read with their
        household: reading every record's row is what costs."""
        minority = "coalesce(h.head_ethnicity, '') NOT IN ('', 'Kinh')"
        of_minority, others = self.conn.execute(
            f"SELECT count(*) FILTER (WHERE {minority}), count(*) FILTER (WHERE NOT {minority}) "
            "FROM household h WHERE h.deleted_at IS NULL"
        ).fetchone()
        side = minority if of_minority <= others else f"NOT {minority}"
        read = {
            (y, status): (deleted, on_side)
            for y, status, deleted, on_side in self._tuples(
                "SELECT r.year, r.status, count(*) FILTER (WHERE h.deleted_at IS NOT NULL), "
                f"count(*) FILTER (WHERE h.deleted_at IS NULL AND {side}) FROM household h "  # (CROSS: those first)
                f"CROSS JOIN review_record r ON r.household_id = h.id WHERE h.deleted_at IS NOT NULL OR {side} "
                "GROUP BY r.year, r.status"
            )
        }
        counted = []
        for y, status, records in self._tuples(
            "SELECT year, status, count(*) FROM review_record INDEXED BY review_record_year GROUP BY year, status"
        ):
            deleted, on_side = read.get((y, status), (0, 0))
            here = records - deleted
            if here:
                counted.append((y, status, here, on_side if side == minority else here - on_side))
        return counted

    def households_by_years(self) -> list[tuple[str, int | None, str | None, int, int]]:
        """The households grouped by what says where and when they were there: (village id, year left,
        the years of their records joined by commas or None, the first one's row id, how many)."""
        return self._tuples(
            "SELECT h.village_id, h.left_in, (SELECT group_concat(r.year) FROM review_record r "
            "WHERE r.household_id = h.id), min(h.pk), count(*) FROM household h WHERE h.deleted_at IS NULL "
            "GROUP BY 1, 2, 3"
        )

    def policy_statuses(self) -> list[tuple[int, str | None, str, int | None, str | None]]:
        """(row id, code, head's name, year, status) of each record of every policy household, oldest
        year first; a policy household without records once, with year and status None."""
        return self._tuples(
            "SELECT h.pk, h.code, h.head_name, r.year, r.status FROM household h "
            "LEFT JOIN review_record r ON r.household_id = h.id "
            "WHERE h.deleted_at IS NULL AND h.policy_household = 1 ORDER BY h.pk, r.year"
        )

    def year_records(
        self, year: int, needs: Iterable[tuple[Iterable[str], Iterable[str]]], voted_in: str | None = None
    ) -> list[tuple]:
        """The year's record of the households there that year (not left by then) whose record has, for one
        of `needs` (statuses, judgements), one of the statuses and every judgement true, and (given
        `voted_in`) that a meeting of that purpose that year voted on: (household id, status, cultural
        family, registered to exit, effort, initiative, supports others, role model), the judgements as
        stored (1, 0 or None)."""
        either: list[str] = []
        params: list[object] = [year, year]
        for statuses, judgements in needs:
            statuses, judgements = list(statuses), list(judgements)
            unknown = set(judgements) - set(REVIEW_COLS)
            if unknown:  # column names go into the SQL: only the record's own
                raise ValueError(f"not a column of review_record: {sorted(unknown)}")
            either.append(
                f"(r.status IN (SELECT value FROM json_each(?)){''.join(f' AND r.{j} = 1' for j in judgements)})"
            )
            params.append(json_list(statuses))
        voted = ""
        if voted_in is not None:
            voted = (
                "AND EXISTS (SELECT 1 FROM decision d JOIN meeting m ON m.id = d.meeting_id WHERE "
                "d.household_id = h.id AND m.deleted_at IS NULL AND m.year = ? AND m.purpose = ?)"
            )
            params += [year, voted_in]
        return self._tuples(
            "SELECT h.id, r.status, r.cultural_family, r.registered_to_exit, r.effort, r.initiative, "
            "r.supports_others, r.role_model FROM review_record r JOIN household h ON h.id = r.household_id "
            "WHERE r.year = ? AND h.deleted_at IS NULL AND (h.left_in IS NULL OR h.left_in > ?) "
            f"AND ({' OR '.join(either) or '0'}) {voted}",
            params,
        )

    def statuses_of(self, ids: Iterable[str]) -> list[tuple[str, int, str]]:
        """(household id, year, status) of every record of these households."""
        return self._tuples(
            "SELECT household_id, year, status FROM review_record "
            "WHERE household_id IN (SELECT value FROM json_each(?)) ORDER BY household_id, year",
            (json_list(ids),),
        )

    def loans_of(self, ids: Iterable[str]) -> list[tuple[str, str, int | None, int | None]]:
        """(household id, disbursed on, used as intended, repaid on time) of these households' loans."""
        return self._tuples(
            "SELECT household_id, disbursed_on, used_as_intended, repaid_on_time FROM loan "
            "WHERE household_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (json_list(ids),),
        )

    def votes_of(self, ids: Iterable[str], year: int, purpose: str) -> list[tuple[str, str, int, int]]:
        """(household id, held on, attendees, agree) of these households' votes in the year's meetings of
        `purpose` (not in the recycle bin), in the order the dataset lists meetings and votes."""
        return self._tuples(
            "SELECT d.household_id, m.held_on, m.attendees, d.agree FROM decision d "
            "JOIN meeting m ON m.id = d.meeting_id WHERE m.deleted_at IS NULL AND m.year = ? AND m.purpose = ? "
            "AND d.household_id IN (SELECT value FROM json_each(?)) ORDER BY m.held_on, m.rowid, d.rowid",
            (year, purpose, json_list(ids)),
        )

    # --- the yearly review grid -------------------------------------------------------------
    def review_grid(self, year: int, village_id: str | None = None) -> list[dict]:
        """Households present in `year` (not left before it), with their record of `year` or None."""
        params: list[Any] = [year, year]
        village = ""
        if village_id:
            village = "AND h.village_id = ?"
            params.append(village_id)
        rows = self._query(
            "SELECT h.id, h.code, h.head_name, v.name AS village, r.* FROM household h "
            "JOIN village v ON v.id = h.village_id "
            "LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
            f"WHERE h.deleted_at IS NULL AND (h.left_in IS NULL OR h.left_in > ?) {village} "
            "ORDER BY v.pk, h.sort_name, h.pk",
            params,
        )
        out = []
        for r in rows:
            out.append(
                {
                    "household_id": r[0],
                    "code": r["code"],
                    "name": r["head_name"],
                    "village": r["village"],
                    "record": review_dict(r, with_evidence=True) if r["status"] else None,
                }
            )
        return out

    def records_of_year(self, year: int, household_ids: Sequence[str]) -> dict[str, dict]:
        rows = self._query(
            "SELECT * FROM review_record WHERE year = ? AND household_id IN (SELECT value FROM json_each(?))",
            (year, json.dumps(list(household_ids))),
        )
        return {r["household_id"]: review_dict(r, with_evidence=True) for r in rows}

    def save_review_records(self, records: Sequence[tuple[str, dict]]) -> None:
        """Many households' records of one review in one transaction: (household id, record)."""
        with self.transaction() as c:
            c.executemany(
                upsert_sql("review_record", REVIEW_COLS + EVIDENCE_COLS, ("household_id", "year")),
                [review_row(hid, rec, True) for hid, rec in records],
            )

    # --- recycle bin and audit --------------------------------------------------------------
    def deleted_items(self) -> list[DeletedItem]:
        items = [
            DeletedItem("household", r["id"], f"{r['head_name']} ({r['code'] or 'không mã'})", r["deleted_at"])
            for r in self._query("SELECT id, head_name, code, deleted_at FROM household WHERE deleted_at IS NOT NULL")
        ]
        items += [
            DeletedItem("village", r["id"], r["name"], r["deleted_at"])
            for r in self._query("SELECT id, name, deleted_at FROM village WHERE deleted_at IS NOT NULL")
        ]
        items += [
            DeletedItem("meeting", r["id"], f"Họp ngày {r['held_on']}", r["deleted_at"])
            for r in self._query("SELECT id, held_on, deleted_at FROM meeting WHERE deleted_at IS NOT NULL")
        ]
        return sorted(items, key=lambda i: i.deleted_at, reverse=True)

    def restore(self, item: DeletedItem) -> None:
        """Out of the recycle bin; refused while what it points at is still there (its village, or the
        households a meeting voted on), so that nothing restored points at a deleted record."""
        table = {"household": "household", "village": "village", "meeting": "meeting"}[item.kind]
        with self.transaction() as c:
            if item.kind in ("household", "meeting"):
                village_gone = c.execute(
                    f"SELECT v.deleted_at IS NOT NULL FROM {table} x JOIN village v ON v.id = x.village_id "
                    "WHERE x.id = ?",
                    (item.id,),
                ).fetchone()[0]
                if village_gone:
                    what = "hộ" if item.kind == "household" else "cuộc họp"
                    raise Refused(f"Thôn của {what} này đang ở trong thùng rác. Hãy khôi phục thôn trước.")
            if item.kind == "meeting":
                gone = [
                    r[0]
                    for r in c.execute(
                        "SELECT h.head_name FROM decision d JOIN household h ON h.id = d.household_id "
                        "WHERE d.meeting_id = ? AND h.deleted_at IS NOT NULL ORDER BY h.sort_name",
                        (item.id,),
                    )
                ]
                if gone:
                    raise Refused(
                        f"Cuộc họp này có phiếu biểu quyết của {_listing(['hộ ' + g for g in gone])} đang ở trong "
                        "thùng rác. Hãy khôi phục các hộ đó trước."
                    )
            c.execute(f"UPDATE {table} SET deleted_at = NULL WHERE id = ?", (item.id,))

    def household_names(
        self, ids: Iterable[str] | None = None, village_id: str | None = None, include_deleted: bool = False
    ) -> dict[str, HouseholdName]:
        """Households by id, in list order (given name first), as lists and papers name them: all of
        them, those of `ids`, or those of one village."""
        where, params = [], []
        if not include_deleted:
            where.append("h.deleted_at IS NULL")
        if ids is not None:
            where.append("h.id IN (SELECT value FROM json_each(?))")
            params.append(json_list(ids))
        if village_id is not None:
            where.append("h.village_id = ?")
            params.append(village_id)
        cond = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.conn.execute(
            "SELECT h.id, h.code, h.head_name, h.head_gender, h.head_birth_year, h.head_ethnicity, h.members, "
            f"h.village_id, v.name FROM household h JOIN village v ON v.id = h.village_id {cond} "
            "ORDER BY h.sort_name, h.pk",
            params,
        )
        return {r[0]: HouseholdName(*r) for r in rows}

    def household_id_set(self, include_deleted: bool = True) -> set[str]:
        """The ids of the register's households (with the recycle bin's, unless asked otherwise)."""
        cond = "" if include_deleted else " WHERE deleted_at IS NULL"
        return {r[0] for r in self.conn.execute(f"SELECT id FROM household{cond}")}

    def heads_with_id_numbers(self, numbers: Iterable[str]) -> list[tuple[str, str, str]]:
        """(CCCD, household id, head's name) of the households (not in the recycle bin) holding these numbers."""
        return [
            tuple(r)
            for r in self.conn.execute(
                "SELECT head_id_number, id, head_name FROM household WHERE deleted_at IS NULL AND "
                "head_id_number IN (SELECT value FROM json_each(?))",
                (json_list(numbers),),
            )
        ]

    def matching_keys(self) -> list[tuple[str, str | None, str | None, str, int | None, str]]:
        """(id, code, CCCD, sort name, birth year, village) of every household not in the recycle bin:
        what an Excel import matches its rows against."""
        return [
            tuple(r)
            for r in self.conn.execute(
                "SELECT id, code, head_id_number, sort_name, head_birth_year, village_id FROM household "
                "WHERE deleted_at IS NULL"
            )
        ]

    def heads(self) -> list[tuple[str, str, str | None, str, str]]:
        """(id, head's name, CCCD, person key, village name) of every household not in the recycle bin;
        the person key is the sorted name, birth year and folded village name, for finding a head twice."""
        return [
            (r[0], r[1], r[2], f"{r[3]}|{r[4] or ''}|{fold(r[5])}", r[5])
            for r in self.conn.execute(
                "SELECT h.id, h.head_name, h.head_id_number, h.sort_name, h.head_birth_year, v.name FROM household h "
                "JOIN village v ON v.id = h.village_id WHERE h.deleted_at IS NULL"
            )
        ]

    def member_changes(self) -> list[tuple[str, int, int, str, str]]:
        """(household id, members before, after, when, by whom) of every change of a household's members,
        oldest first: at the level above, each package that changed it is named in `by whom`."""
        return [
            (r[0], int(r[1]), int(r[2]), r[3], r[4])
            for r in self.conn.execute(
                "SELECT record_id, old, new, at, actor FROM audit_log WHERE tbl = 'household' AND field = 'members' "
                "AND old IS NOT NULL AND new IS NOT NULL ORDER BY id"
            )
        ]

    def review_record_count(self) -> int:
        """Review records of the households not in the recycle bin."""
        return self.conn.execute(
            "SELECT count(*) FROM review_record r JOIN household h ON h.id = r.household_id WHERE h.deleted_at IS NULL"
        ).fetchone()[0]

    def audit_for_household(self, household_id: str) -> list[AuditEntry]:
        rows = self._query(
            "SELECT at, actor, tbl, record_id, action, field, old, new FROM audit_log "
            "WHERE household_id = ? ORDER BY id DESC",
            (household_id,),
        )
        return [AuditEntry(*r) for r in rows]


# --- writers shared by the forms and the bulk import (inside a transaction) ---------------------


def write_commune(c: sqlite3.Connection, commune: dict) -> None:
    row = (
        1,
        commune["code"],
        clean(commune["name"]),
        commune["province_code"],
        clean(commune["province_name"]),
        clean(commune["district_name"]) if commune.get("district_name") else None,
        commune["area"],
        commune.get("region"),
        int(bool(commune.get("poor_commune"))),
        json.dumps(commune.get("former_units") or [], ensure_ascii=False),
    )
    c.execute(upsert_sql("commune", COMMUNE_COLS, ("singleton",)), row)
    if "years" in commune:
        write_commune_years(c, commune["years"] or [])


def write_commune_years(c: sqlite3.Connection, years: Iterable[dict]) -> None:
    years = list(years)
    evidence = has_evidence(years)
    cols = COMMUNE_YEAR_COLS + (COMMUNE_EVIDENCE_COLS if evidence else ())
    c.executemany(upsert_sql("commune_year", cols, ("year",)), [commune_year_row(y, evidence) for y in years])


def write_villages(c: sqlite3.Connection, villages: Sequence[dict]) -> None:
    c.executemany(
        upsert_sql("village", VILLAGE_COLS, ("id",), "deleted_at = NULL"),
        [(v["id"], clean(v["name"]), v["kind"]) for v in villages],
    )
    with_years = [v for v in villages if "years" in v]
    all_years = [y for v in with_years for y in v["years"] or ()]
    evidence = has_evidence(all_years)
    cols = VILLAGE_YEAR_COLS + (("mutual_help_evidence",) if evidence else ())
    c.executemany(
        upsert_sql("village_year", cols, ("village_id", "year")),
        [village_year_row(v["id"], y, evidence) for v in with_years for y in v["years"] or ()],
    )
    delete_stale(
        c, "village_year", "village_id", "year", [(v["id"], [y["year"] for y in v["years"] or ()]) for v in with_years]
    )


class HouseholdRows:
    """Households as the rows that store them, gathered one household at a time (so a file read piece by
    piece never holds its households), and written by `write_household_rows`."""

    def __init__(self, with_evidence: bool = False):
        self.with_evidence = with_evidence
        self.households: list[tuple] = []
        self.records: list[tuple] = []
        self.record_years: list[tuple[str, list]] = []
        self.loans: list[tuple] = []
        self.loan_ids: list[tuple[str, list]] = []

    def add(self, hh: dict) -> None:
        hid = hh["id"]
        loans = hh.get("loans") or ()
        self.households.append(household_row(hh))
        self.records += [review_row(hid, r, self.with_evidence) for r in hh["years"]]
        self.record_years.append((hid, [r["year"] for r in hh["years"]]))
        self.loans += [loan_row(hid, loan) for loan in loans]
        self.loan_ids.append((hid, [loan["id"] for loan in loans]))

    def __len__(self) -> int:
        return len(self.households)


def write_households(c: sqlite3.Connection, households: Sequence[dict], with_evidence: bool) -> None:
    rows = HouseholdRows(with_evidence)
    for hh in households:
        rows.add(hh)
    write_household_rows(c, rows)


def write_household_rows(
    c: sqlite3.Connection, rows: HouseholdRows, known: Container[str] | None = None, fresh: bool = False
) -> None:
    """Households with their records and loans; records and loans a household no longer has go. Given
    `known` (the households the file had before), only those can have any to go: the others' records
    and loans are all new (a record or loan points at a household that exists). `fresh`: the file has
    no household, record or loan yet, so every row is added (and checked rows, unique, never clash)."""
    review_cols = REVIEW_COLS + (EVIDENCE_COLS if rows.with_evidence else ())
    if fresh:
        c.executemany(insert_sql("household", HOUSEHOLD_COLS), rows.households)
        c.executemany(insert_sql("review_record", review_cols), rows.records)
        c.executemany(insert_sql("loan", LOAN_COLS), rows.loans)
        return
    c.executemany(upsert_sql("household", HOUSEHOLD_COLS, ("id",), "deleted_at = NULL"), rows.households)
    c.executemany(upsert_sql("review_record", review_cols, ("household_id", "year")), rows.records)
    stale = rows.record_years if known is None else [k for k in rows.record_years if k[0] in known]
    delete_stale(c, "review_record", "household_id", "year", stale)
    c.executemany(upsert_sql("loan", LOAN_COLS, ("id",)), rows.loans)
    stale = rows.loan_ids if known is None else [k for k in rows.loan_ids if k[0] in known]
    delete_stale(c, "loan", "household_id", "id", stale)


# The CHECK constraints of the household, record and loan rows, each of which the dataset schema holds
# its values to already (tests/core/test_bulk_import.py keeps this list and the schema in step).
SCHEMA_HELD_CHECKS = {
    "household": ("head_gender IN ('male', 'female')", "members BETWEEN 1 AND 60"),
    "review_record": ("status IN ('poor', 'near_poor', 'non_poor')", "income_per_capita >= 0"),
    "loan": ("amount_vnd >= 1",),
}


@contextmanager
def _checked_rows(c: sqlite3.Connection) -> Iterator[None]:
    """Rows of a dataset that fits the schema meet SCHEMA_HELD_CHECKS: SQLite is not asked them again
    row by row (an IN list costs it a temporary table a row, a third of the rows' writing), and asks
    them of every other statement as before (the setting makes SQLite prepare each statement anew)."""
    c.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        c.execute("PRAGMA ignore_check_constraints = OFF")


def _drop_indexes(c: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    """Drop the tables' own indexes (not those of their keys and unique columns); returns the statements
    that make them again, as they were made."""
    found = c.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json_list(tables),),
    ).fetchall()
    for name, _ in found:
        c.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _vn_date(iso: str) -> str:
    return format_date(iso[:10]) if iso else ""


def _listing(items: Sequence[str], limit: int = 5) -> str:
    """'a, b và 2 mục khác' for a refusal that names what stands in the way."""
    shown = ", ".join(items[:limit])
    return shown + (f" và {len(items) - limit} mục khác" if len(items) > limit else "")
