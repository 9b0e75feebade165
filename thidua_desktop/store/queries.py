"""The SQL of the level above's queries about a household and returns of a commune's year.

The same table at both ends: the level above asks (one row a question, `commune_code` the commune
asked), the receipt carries the question down, the commune answers, the next package carries the answer
up, and the level above closes it. A question only moves forward: open, answered, closed.
"""

from __future__ import annotations

from thidua_desktop.store.rows import Repository, new_id, now_iso

ORDER = {"open": 0, "answered": 1, "closed": 2}


class QueryRepository(Repository):
    def ask(self, commune_code: str, kind: str, text: str, household_id: str | None, year: int | None) -> str:
        query_id = new_id()
        with self.transaction() as c:
            c.execute(
                "INSERT INTO query (id, commune_code, household_id, year, kind, text, status, asked_at, asked_by) "
                "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (query_id, commune_code, household_id, year, kind, text, now_iso(), self.db.actor),
            )
        return query_id

    def find(self, commune_code: str | None = None, status: str | None = None) -> list[dict]:
        where, params = [], []
        if commune_code is not None:
            where.append("commune_code = ?")
            params.append(commune_code)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        cond = f"WHERE {' AND '.join(where)}" if where else ""
        return [dict(r) for r in self._query(f"SELECT * FROM query {cond} ORDER BY asked_at, rowid", params)]

    def get(self, query_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM query WHERE id = ?", (query_id,)).fetchone()
        return dict(row) if row else None

    def take_down(self, commune_code: str, asked: list[dict]) -> int:
        """At the commune: the questions a receipt carries. New ones are kept; a known one only moves
        forward (one closed above closes here; an answer given here is never taken back). How many changed."""
        changed = 0
        with self.transaction() as c:
            for q in asked:
                mine = self.get(q["id"])
                if mine is None:
                    c.execute(
                        "INSERT INTO query (id, commune_code, household_id, year, kind, text, status, asked_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (q["id"], commune_code, q.get("household_id"), q.get("year"), q["kind"], q["text"],
                         "closed" if q["status"] == "closed" else "open", q["asked_at"]),
                    )  # fmt: skip
                    changed += 1
                elif q["status"] == "closed" and mine["status"] != "closed":
                    c.execute("UPDATE query SET status = 'closed', closed_at = ? WHERE id = ?", (now_iso(), q["id"]))
                    changed += 1
        return changed

    def answer(self, query_id: str, text: str) -> None:
        """At the commune: the officer's written answer (it travels in the next package)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE query SET status = 'answered', answer = ?, answered_at = ? WHERE id = ? AND status != 'closed'",
                (text, now_iso(), query_id),
            )

    def take_up(self, commune_code: str, answers: list[dict]) -> int:
        """At the level above: the answers a package carries, for this commune's open questions only."""
        taken = 0
        with self.transaction() as c:
            for a in answers:
                taken += c.execute(
                    "UPDATE query SET status = 'answered', answer = ?, answered_at = ?, changed = ? "
                    "WHERE id = ? AND commune_code = ? AND status = 'open'",
                    (a["answer"], a["answered_at"], a.get("changed"), a["id"], commune_code),
                ).rowcount
        return taken

    def close(self, query_id: str) -> bool:
        with self.transaction() as c:
            return (
                c.execute(
                    "UPDATE query SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND status != 'closed'",
                    (now_iso(), self.db.actor, query_id),
                ).rowcount
                == 1
            )
