"""The SQL of evaluation runs: which criteria set and version judged which year, when and by whom; and
what judging a year by counting reads."""

from __future__ import annotations

from collections.abc import Iterator

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

    # --- a year judged by counting (the `evaluate` command's summary) ---------------------------------
    # Plain tuples of the few columns wanted, the households read one after another rather than held.
    # Households in the recycle bin are left out everywhere, as the dataset leaves them out.
    def households_by_history(self, year: int) -> Iterator[tuple]:
        """Every household by row id, one row each: (id, village id, year left, whether its head is a woman
        or single, whether a policy household, and of a policy household its code and head's name, the
        years of its records and their statuses (both joined by commas, in the same order; None without
        records), the number of deprivations of `year` and of the year before, and of the record of
        `year`: income per capita, cultural family, registered to exit, effort, initiative, supports
        others, role model, the judgements as stored: 1, 0 or None)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        # y, the record of the year, is the same in all the rows of a household: its columns are the group's.
        return cursor.execute(
            "SELECT h.id, h.village_id, h.left_in, h.head_gender = 'female' OR h.head_single, h.policy_household, "
            "CASE WHEN h.policy_household THEN h.code END, CASE WHEN h.policy_household THEN h.head_name END, "
            "group_concat(r.year), group_concat(r.status), json_array_length(y.deprivations), "
            "max(CASE WHEN r.year = :year - 1 THEN json_array_length(r.deprivations) END), "
            "y.income_per_capita, y.cultural_family, y.registered_to_exit, y.effort, y.initiative, "
            "y.supports_others, y.role_model FROM household h "
            "LEFT JOIN review_record y ON y.household_id = h.id AND y.year = :year "
            "LEFT JOIN review_record r ON r.household_id = h.id "
            "WHERE h.deleted_at IS NULL GROUP BY h.pk ORDER BY h.pk",
            {"year": year},
        )

    def loans_by_household(self, year: int) -> list[tuple[str, int, int, int]]:
        """(household id, its loans disbursed by the end of `year`, of them those not used as intended or
        not repaid on time, and those of which either is not yet judged); households in the recycle bin
        too."""
        return self._tuples(
            "SELECT household_id, count(*), count(*) FILTER (WHERE used_as_intended IS 0 OR repaid_on_time IS 0), "
            "count(*) FILTER (WHERE used_as_intended IS NULL OR repaid_on_time IS NULL) FROM loan "
            "WHERE CAST(substr(disbursed_on, 1, 4) AS INTEGER) <= ? GROUP BY household_id",
            (year,),
        )

    def votes_of_year(self, year: int, purpose: str) -> list[tuple[str, str, int, int]]:
        """(household id, held on, attendees, agree) of every vote in the year's meetings of `purpose`
        (not in the recycle bin), in the order the dataset lists meetings and votes."""
        return self._tuples(
            "SELECT d.household_id, m.held_on, m.attendees, d.agree FROM decision d "
            "JOIN meeting m ON m.id = d.meeting_id WHERE m.deleted_at IS NULL AND m.year = ? AND m.purpose = ? "
            "ORDER BY m.held_on, m.rowid, d.rowid",
            (year, purpose),
        )
