"""The SQL of evaluation runs: which criteria set and version judged which year, when and by whom."""

from __future__ import annotations

from thidua_desktop.store.rows import Repository, now_iso


class RunRepository(Repository):
    def record(
        self, year: int, criteria_set: str, criteria_version: int, households: int, eligible: int, commune_verdict: str
    ) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO evaluation_run (at, actor, year, criteria_set, criteria_version, households, "
                "eligible, commune_verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), self.db.actor, year, criteria_set, criteria_version, households, eligible, commune_verdict),
            )

    def latest_per_year(self) -> list[dict]:
        """The last run of each year, oldest year first (what a package tells the level above)."""
        return [
            dict(r)
            for r in self._query(
                "SELECT year, criteria_set, criteria_version, households, eligible, commune_verdict, at "
                "FROM evaluation_run WHERE id IN (SELECT max(id) FROM evaluation_run GROUP BY year) ORDER BY year"
            )
        ]
