"""The SQL of village meetings (with each household's vote) and of the year's nominations.

The rules a meeting or a nomination must keep are checked by their services (evaluation/votes.py,
evaluation/nominations.py) before these writes; the store only stores.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from thidua_desktop.store.rows import (
    MEETING_COLS,
    MEETING_TIME_COLS,
    NOMINATION_COLS,
    VOTE_COLS,
    Repository,
    delete_stale,
    has_times,
    json_list,
    meeting_dict,
    meeting_row,
    nomination_row,
    now_iso,
    upsert_sql,
)


class MeetingRepository(Repository):
    def find(self, year: int | None = None, ids: Sequence[str] | None = None, with_times: bool = False) -> list[dict]:
        """Meetings (not in the recycle bin) in the dataset shape, oldest first; `with_times` adds their
        start and end times ("19:30"), which the dataset format has no place for."""
        where: list[str] = ["m.deleted_at IS NULL"]
        params: list[object] = []
        if year is not None:
            where.append("m.year = ?")
            params.append(year)
        if ids is not None:
            where.append("m.id IN (SELECT value FROM json_each(?))")
            params.append(json_list(ids))
        cond = " AND ".join(where)
        rows = self._query(f"SELECT m.* FROM meeting m WHERE {cond} ORDER BY m.held_on, m.rowid", params)
        meetings = {r["id"]: meeting_dict(r, with_times) for r in rows}
        for r in self._query(
            f"SELECT d.* FROM decision d JOIN meeting m ON m.id = d.meeting_id WHERE {cond} ORDER BY d.rowid", params
        ):
            meetings[r["meeting_id"]]["decisions"].append(
                {
                    "household_id": r["household_id"],
                    "agree": r["agree"],
                    "disagree": r["disagree"],
                    "abstain": r["abstain"],
                }
            )
        return list(meetings.values())

    def get(self, meeting_id: str, with_times: bool = False) -> dict | None:
        """One meeting in the dataset shape; `with_times` adds its start and end times (for a form that
        edits them, or its minutes)."""
        found = self.find(ids=[meeting_id], with_times=with_times)
        return found[0] if found else None

    def of_household(self, household_id: str) -> list[dict]:
        """The meetings that voted on a household, each with that household's vote only."""
        ids = [
            r[0] for r in self.conn.execute("SELECT meeting_id FROM decision WHERE household_id = ?", (household_id,))
        ]
        meetings = self.find(ids=ids)
        for m in meetings:
            m["decisions"] = [d for d in m["decisions"] if d["household_id"] == household_id]
        return meetings

    def save(self, meeting: dict) -> None:
        """Write a checked meeting whole (votes not in it any more go)."""
        with self.transaction() as c:
            write_meetings(c, [meeting])

    def delete(self, meeting_id: str) -> None:
        """To the recycle bin, with its votes."""
        with self.transaction() as c:
            c.execute("UPDATE meeting SET deleted_at = ? WHERE id = ?", (now_iso(), meeting_id))


class NominationRepository(Repository):
    def find(self, year: int | None = None) -> list[dict]:
        sql, params = "SELECT * FROM nomination", []
        if year is not None:
            sql, params = sql + " WHERE year = ?", [year]
        return [{c: row[c] for c in NOMINATION_COLS} for row in self._query(sql + " ORDER BY rowid", params)]

    def save(self, nominations: Sequence[dict]) -> None:
        """Several checked nominations in one transaction (a list picked from the evaluation, or one edit)."""
        with self.transaction() as c:
            write_nominations(c, nominations)

    def delete(self, nomination_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM nomination WHERE id = ?", (nomination_id,))

    def apply_decision(
        self, nomination_id: str, status: str, number: str | None, date: str | None, comment: str | None
    ) -> int:
        """The level above's decision on a nomination, as a receipt brings it; 1 when something changed."""
        with self.transaction() as c:
            return c.execute(
                "UPDATE nomination SET status = ?, decision_number = coalesce(?, decision_number), "
                "decision_date = coalesce(?, decision_date), comment = coalesce(?, comment) WHERE id = ? AND "
                "(status IS NOT ? OR decision_number IS NOT ? OR comment IS NOT ?)",
                (status, number, date, comment, nomination_id, status, number, comment),
            ).rowcount


def write_meetings(c: sqlite3.Connection, meetings: Sequence[dict]) -> None:
    for times in (False, True):  # a meeting whose dict has no times keeps those the file holds
        group = [m for m in meetings if has_times([m]) == times]
        if group:
            cols = MEETING_COLS + (MEETING_TIME_COLS if times else ())
            c.executemany(
                upsert_sql("meeting", cols, ("id",), "deleted_at = NULL"), [meeting_row(m, times) for m in group]
            )
    c.executemany(
        upsert_sql("decision", VOTE_COLS, ("meeting_id", "household_id")),
        [
            (m["id"], v["household_id"], v["agree"], v["disagree"], v["abstain"])
            for m in meetings
            for v in m["decisions"]
        ],
    )
    delete_stale(
        c,
        "decision",
        "meeting_id",
        "household_id",
        [(m["id"], [v["household_id"] for v in m["decisions"]]) for m in meetings],
    )


def write_nominations(c: sqlite3.Connection, nominations: Sequence[dict]) -> None:
    c.executemany(upsert_sql("nomination", NOMINATION_COLS, ("id",)), [nomination_row(n) for n in nominations])
