"""The SQL of the level above's own file: the communes it knows (their keys), the packages it took,
and its decisions on their nominations. Each commune's data is in that commune's own copy."""

from __future__ import annotations

import json

from thidua_desktop.store.rows import Repository, now_iso

MAX_PENDING_KEYS = 500  # every commune of a province twice over; a flood of forged packages stops here


class UpperLevelRepository(Repository):
    # --- communes and their keys -------------------------------------------------------------------
    def unit(self, code: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM upper_unit WHERE code = ?", (code,)).fetchone()
        return dict(row) if row else None

    def units(self) -> list[dict]:
        """Every commune, the former units of a merger right after the commune they became."""
        return [dict(r) for r in self._query("SELECT * FROM upper_unit ORDER BY coalesce(merged_into, code), code")]

    def remember_pending_key(self, code: str, key: bytes, fingerprint: str) -> None:
        """A key an untrusted package carried, kept (apart from the communes) for the phone check. The
        list is bounded: past MAX_PENDING_KEYS the keys seen longest ago are forgotten."""
        now = now_iso()
        with self.transaction() as c:
            c.execute(
                "INSERT INTO upper_pending_key (code, fingerprint, key, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (code, fingerprint) DO UPDATE SET last_seen = excluded.last_seen, "
                "packages = packages + 1",
                (code, fingerprint, key, now, now),
            )
            c.execute(
                "DELETE FROM upper_pending_key WHERE rowid NOT IN "
                "(SELECT rowid FROM upper_pending_key ORDER BY last_seen DESC, rowid DESC LIMIT ?)",
                (MAX_PENDING_KEYS,),
            )

    def pending_keys(self, code: str | None = None) -> list[dict]:
        """Keys waiting for the phone check, newest first."""
        where, params = ("WHERE code = ?", (code,)) if code else ("", ())
        return [
            dict(r)
            for r in self.conn.execute(
                f"SELECT code, fingerprint, key, first_seen, last_seen, packages FROM upper_pending_key {where} "
                "ORDER BY last_seen DESC, rowid DESC",
                params,
            )
        ]

    def trust_key(self, code: str, key: bytes, fingerprint: str) -> None:
        """The key confirmed by phone becomes the commune's; the keys waiting for it are forgotten."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO upper_unit (code, verify_key, fingerprint, trusted_at, trusted_by) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET verify_key = excluded.verify_key, "
                "fingerprint = excluded.fingerprint, trusted_at = excluded.trusted_at, trusted_by = excluded.trusted_by",
                (code, key, fingerprint, now_iso(), self.db.actor),
            )
            c.execute("DELETE FROM upper_pending_key WHERE code = ?", (code,))

    # --- packages -------------------------------------------------------------------------------
    def package(self, sha256: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM upper_package WHERE sha256 = ?", (sha256,)).fetchone()
        return dict(row) if row else None

    def last_package(self, code: str) -> dict | None:
        row = self.conn.execute(
            "SELECT * FROM upper_package WHERE commune_code = ? ORDER BY rowid DESC LIMIT 1", (code,)
        ).fetchone()
        return dict(row) if row else None

    def last_manifest(self, code: str) -> dict | None:
        last = self.last_package(code)
        return json.loads(last["manifest"]) if last else None

    def record_import(
        self,
        code: str,
        name: str,
        sequence: int,
        sha256: str,
        manifest: dict,
        file_name: str,
        added: int,
        changed: int,
        note: str | None,
        former_units: list[tuple[str, str]],
    ) -> None:
        """A package taken in: the commune's last package, the package itself, and the former units of a
        merger recorded as merged into the commune."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO upper_unit (code, name) VALUES (?, ?) "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                (code, name),
            )
            c.execute(
                "UPDATE upper_unit SET last_sequence = ?, last_sha256 = ?, last_package_at = ? WHERE code = ?",
                (sequence, sha256, manifest.get("created_at"), code),
            )
            c.execute(
                "INSERT INTO upper_package (sha256, commune_code, sequence, previous_sha256, created_at, "
                "imported_at, file_name, manifest, added, changed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sha256,
                    code,
                    sequence,
                    manifest.get("previous_sha256"),
                    manifest.get("created_at"),
                    now_iso(),
                    file_name,
                    json.dumps(manifest, ensure_ascii=False),
                    added,
                    changed,
                    note,
                ),
            )
            for old_code, old_name in former_units:
                c.execute(
                    "INSERT INTO upper_unit (code, name, merged_into) VALUES (?, ?, ?) "
                    "ON CONFLICT (code) DO UPDATE SET merged_into = excluded.merged_into",
                    (old_code, old_name, code),
                )

    def years_in_last_packages(self) -> dict[str, list[int]]:
        """Each commune's years with records, as its last package says (no commune copy is opened)."""
        return {
            r[0]: json.loads(r[1] or "[]")
            for r in self.conn.execute(
                "SELECT commune_code, json_extract(manifest, '$.years') FROM upper_package p WHERE rowid = "
                "(SELECT max(rowid) FROM upper_package q WHERE q.commune_code = p.commune_code)"
            )
        }

    def first_sent_with_year(self, code: str, year: int) -> str | None:
        """When the commune first sent a package holding the year's records."""
        return self.conn.execute(
            "SELECT min(created_at) FROM upper_package WHERE commune_code = ? AND "
            "EXISTS (SELECT 1 FROM json_each(json_extract(manifest, '$.years')) WHERE value = ?)",
            (code, year),
        ).fetchone()[0]

    # --- the state of each commune's year ------------------------------------------------------------
    def year_states(self, year: int) -> dict[str, dict]:
        """Each commune's state for the year (received, checked, returned, approved), with who and when."""
        return {r["commune_code"]: dict(r) for r in self._query("SELECT * FROM upper_year WHERE year = ?", (year,))}

    def set_year_state(self, code: str, year: int, state: str, comment: str | None = None) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO upper_year (commune_code, year, state, at, actor, comment) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (commune_code, year) DO UPDATE SET state = excluded.state, at = excluded.at, "
                "actor = excluded.actor, comment = excluded.comment",
                (code, year, state, now_iso(), self.db.actor, comment),
            )

    # --- heads of household across communes -------------------------------------------------------
    def replace_persons(self, code: str, persons: list[tuple]) -> None:
        """The commune's heads of household as its last package holds them: (household id, name, CCCD or
        None, person key = name, birth year and village folded, village name).

        Only the heads that changed are written: a commune's next package holds mostly the same heads, and
        each row written touches a page of the CCCD index shared by every commune."""
        with self.transaction() as c:
            held = {
                r[0]: tuple(r)
                for r in c.execute(
                    "SELECT household_id, head_name, id_number, person_key, village FROM upper_person "
                    "WHERE commune_code = ?",
                    (code,),
                )
            }
            wanted = {p[0]: tuple(p) for p in persons}
            c.executemany(
                "DELETE FROM upper_person WHERE commune_code = ? AND household_id = ?",
                [(code, hid) for hid, row in held.items() if wanted.get(hid) != row],
            )
            c.executemany(
                "INSERT INTO upper_person (commune_code, household_id, head_name, id_number, person_key, village) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(code, *row) for hid, row in wanted.items() if held.get(hid) != row],
            )

    def shared_id_numbers(self, code: str | None = None) -> list[dict]:
        """Every head of household whose CCCD another head holds too, in any commune (with `code`: only
        the CCCDs this commune's heads hold, and every holder of them)."""
        mine = "AND id_number IN (SELECT id_number FROM upper_person WHERE commune_code = ?)" if code else ""
        return [
            dict(r)
            for r in self._query(
                "SELECT * FROM upper_person WHERE id_number IN (SELECT id_number FROM upper_person "
                f"WHERE id_number IS NOT NULL {mine} GROUP BY id_number HAVING count(*) > 1) "
                "ORDER BY id_number, commune_code",
                (code,) if code else (),
            )
        ]

    def shared_persons(self, code: str | None = None) -> list[dict]:
        """Heads of household with the same name, birth year and village twice in one commune."""
        mine = "AND p.commune_code = ?" if code else ""
        return [
            dict(r)
            for r in self._query(
                "SELECT * FROM upper_person p WHERE (SELECT count(*) FROM upper_person q WHERE q.commune_code = "
                f"p.commune_code AND q.person_key = p.person_key) > 1 {mine} ORDER BY commune_code, person_key",
                (code,) if code else (),
            )
        ]

    # --- decisions on nominations ------------------------------------------------------------------
    def decide(
        self, code: str, nomination_id: str, status: str, number: str | None, date: str | None, comment: str | None
    ) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO upper_decision (commune_code, nomination_id, status, decision_number, "
                "decision_date, comment, decided_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (commune_code, nomination_id) DO UPDATE SET status = excluded.status, "
                "decision_number = excluded.decision_number, decision_date = excluded.decision_date, "
                "comment = excluded.comment, decided_at = excluded.decided_at, actor = excluded.actor",
                (code, nomination_id, status, number, date, comment, now_iso(), self.db.actor),
            )

    def decisions_for(self, code: str) -> list[dict]:
        """What travels back in the commune's receipts, oldest first."""
        return [
            dict(r)
            for r in self._query(
                "SELECT nomination_id, status, decision_number, decision_date, comment, decided_at FROM upper_decision "
                "WHERE commune_code = ? ORDER BY decided_at",
                (code,),
            )
        ]

    def all_decisions(self) -> dict[tuple[str, str], dict]:
        return {(r["commune_code"], r["nomination_id"]): dict(r) for r in self._query("SELECT * FROM upper_decision")}
