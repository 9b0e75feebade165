"""Numbered schema migrations. Never edit one that has been released: add the next.

Each runs in a transaction with the record of it being applied (sqlite-utils Migrations). sqlite-utils
is loaded only when a file has a migration to apply: opening a file that is up to date reads which
migrations it has with one plain query (`applied_names`), so the program starts without it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x54484455  # "THDU": marks a SQLite file as ours
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' record of the migrations applied


class Migration(NamedTuple):
    name: str
    fn: Callable[[Any], None]
    transactional: bool = True


class LazyMigrations:
    """sqlite-utils' `Migrations` of one set, made (and sqlite-utils imported) on first use."""

    def __init__(self, name: str):
        self.name = name
        self._migrations: list[Migration] = []
        self._real: Any = None

    def __call__(self, *, name: str | None = None, transactional: bool = True) -> Callable:
        def inner(fn: Callable) -> Callable:
            self._migrations.append(Migration(name or fn.__name__, fn, transactional))
            return fn

        return inner

    def _made(self) -> Any:
        if self._real is None:
            from sqlite_utils.migrations import Migrations

            real = Migrations(self.name)
            for m in self._migrations:
                real(name=m.name, transactional=m.transactional)(m.fn)
            self._real = real
        return self._real

    def applied(self, db: Database) -> list:
        return self._made().applied(db)

    def pending(self, db: Database) -> list:
        return self._made().pending(db)

    def apply(self, db: Database, **kwargs: Any) -> None:
        self._made().apply(db, **kwargs)

    def applied_names(self, conn: sqlite3.Connection) -> list[str]:
        """The migrations of this set a file has, read with plain SQL (what `applied` reads)."""
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchone():
            return []
        return [
            r[0]
            for r in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", (self.name,)
            )
        ]


migrations = LazyMigrations("thidua")

# Tables whose every change goes to audit_log: table -> (record id SQL, household id SQL, skipped columns).
# In the SQL, R stands for NEW or OLD.
AUDITED = {
    "commune": ("'commune'", "NULL", ("singleton",)),
    "commune_year": ("CAST(R.year AS TEXT)", "NULL", ()),
    "village": ("R.id", "NULL", ("pk",)),
    "village_year": ("R.village_id || ':' || R.year", "NULL", ()),
    "household": ("R.id", "R.id", ("pk", "search", "sort_name")),
    "review_record": ("R.household_id || ':' || R.year", "R.household_id", ()),
    "loan": ("R.id", "R.household_id", ()),
    "meeting": ("R.id", "NULL", ()),
    "decision": ("R.meeting_id || ':' || R.household_id", "R.household_id", ()),
    "nomination": ("R.id", "R.household_id", ()),
}


@migrations()
def m001_register(db: Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for sql in SCHEMA_001:
        db.execute(sql)
    create_audit_triggers(db)


# The history of one household is read through this index. A bulk import drops it and builds it again
# in the same transaction: sorting once is several times faster than thousands of random inserts.
AUDIT_HOUSEHOLD_INDEX = "CREATE INDEX audit_household ON audit_log (household_id, id) WHERE household_id IS NOT NULL"

SCHEMA_001 = [
    """CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE commune (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        code TEXT NOT NULL CHECK (length(code) = 5),
        name TEXT NOT NULL,
        province_code TEXT NOT NULL,
        province_name TEXT NOT NULL,
        district_name TEXT,
        area TEXT NOT NULL CHECK (area IN ('rural', 'urban')),
        region TEXT CHECK (region IN ('I', 'II', 'III')),
        poor_commune INTEGER NOT NULL DEFAULT 0,
        former_units TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE commune_year (
        year INTEGER PRIMARY KEY,
        socioeconomic_targets INTEGER, funds_settled_on_time INTEGER,
        mobilization INTEGER, reporting_on_time INTEGER
    )""",
    """CREATE TABLE village (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('thon', 'ban', 'to_dan_pho')),
        deleted_at TEXT
    )""",
    """CREATE TABLE village_year (
        village_id TEXT NOT NULL REFERENCES village(id),
        year INTEGER NOT NULL,
        cultural_title INTEGER, ntm_participation INTEGER, budget_rotation_rule INTEGER,
        replicated_models INTEGER CHECK (replicated_models >= 0),
        community_resources_vnd INTEGER CHECK (community_resources_vnd >= 0),
        mutual_help INTEGER,
        PRIMARY KEY (village_id, year)
    )""",
    """CREATE TABLE household (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        village_id TEXT NOT NULL REFERENCES village(id),
        code TEXT,
        head_name TEXT NOT NULL,
        head_gender TEXT NOT NULL CHECK (head_gender IN ('male', 'female')),
        head_birth_year INTEGER,
        head_ethnicity TEXT,
        head_id_number TEXT,
        head_single INTEGER NOT NULL DEFAULT 0,
        members INTEGER NOT NULL CHECK (members BETWEEN 1 AND 60),
        policy_household INTEGER NOT NULL DEFAULT 0,
        left_in INTEGER,
        search TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        deleted_at TEXT
    )""",
    "CREATE INDEX household_list ON household (sort_name, pk) WHERE deleted_at IS NULL",
    "CREATE INDEX household_village ON household (village_id)",
    "CREATE INDEX household_id_number ON household (head_id_number)",
    """CREATE TABLE review_record (
        household_id TEXT NOT NULL REFERENCES household(id),
        year INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('poor', 'near_poor', 'non_poor')),
        income_per_capita INTEGER CHECK (income_per_capita >= 0),
        deprivations TEXT,
        cultural_family INTEGER, registered_to_exit INTEGER,
        effort INTEGER, initiative INTEGER, supports_others INTEGER, role_model INTEGER,
        effort_evidence TEXT, initiative_evidence TEXT,
        supports_others_evidence TEXT, role_model_evidence TEXT,
        note TEXT,
        PRIMARY KEY (household_id, year)
    )""",
    "CREATE INDEX review_record_year ON review_record (year, status)",
    """CREATE TABLE loan (
        id TEXT PRIMARY KEY,
        household_id TEXT NOT NULL REFERENCES household(id),
        program TEXT,
        amount_vnd INTEGER NOT NULL CHECK (amount_vnd >= 1),
        disbursed_on TEXT NOT NULL,
        due_on TEXT,
        purpose TEXT,
        used_as_intended INTEGER, repaid_on_time INTEGER
    )""",
    "CREATE INDEX loan_household ON loan (household_id)",
    """CREATE TABLE meeting (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL REFERENCES village(id),
        year INTEGER NOT NULL,
        held_on TEXT NOT NULL,
        purpose TEXT NOT NULL CHECK (purpose IN ('emulation', 'poverty_review', 'cultural_family')),
        chair TEXT, secretary TEXT,
        attendees INTEGER NOT NULL CHECK (attendees >= 1),
        households_represented INTEGER, households_on_list INTEGER,
        place TEXT,
        officials TEXT NOT NULL DEFAULT '[]',
        deleted_at TEXT
    )""",
    """CREATE TABLE decision (
        meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
        household_id TEXT NOT NULL REFERENCES household(id),
        agree INTEGER NOT NULL CHECK (agree >= 0),
        disagree INTEGER NOT NULL CHECK (disagree >= 0),
        abstain INTEGER NOT NULL CHECK (abstain >= 0),
        PRIMARY KEY (meeting_id, household_id)
    )""",
    "CREATE INDEX decision_household ON decision (household_id)",
    """CREATE TABLE nomination (
        id TEXT PRIMARY KEY,
        year INTEGER NOT NULL,
        nominee_kind TEXT NOT NULL CHECK (nominee_kind IN ('household', 'village', 'individual', 'organization')),
        household_id TEXT REFERENCES household(id),
        village_id TEXT REFERENCES village(id),
        nominee_name TEXT, achievements TEXT,
        award TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'sent', 'decided', 'returned')),
        override_reason TEXT, decision_number TEXT, decision_date TEXT, comment TEXT
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        tbl TEXT NOT NULL,
        record_id TEXT NOT NULL,
        household_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        field TEXT,
        old TEXT,
        new TEXT
    )""",
    AUDIT_HOUSEHOLD_INDEX,
]


NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


def pause_insert_audit(conn) -> dict[str, int]:
    """For a bulk import: drop the per-row insert triggers and note where each table ends.

    resume_insert_audit() then logs every row added since in one statement a table, and puts the
    triggers back, all inside the import's transaction (a rollback restores everything).
    """
    marks = {}
    for table in AUDITED:
        conn.execute(f"DROP TRIGGER IF EXISTS audit_{table}_insert")
        marks[table] = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
    return marks


def resume_insert_audit(db: Database | sqlite3.Connection, marks: dict[str, int], actor: str) -> None:
    """`actor` is given once, not asked of thidua_actor() for every row added."""
    for table, (record_sql, household_sql, _skipped) in AUDITED.items():
        db.execute(
            f"""INSERT INTO audit_log (at, actor, tbl, record_id, household_id, action)
            SELECT {NOW_SQL}, ?, '{table}', {record_sql.replace("R.", "t.")},
                   {household_sql.replace("R.", "t.")}, 'insert'
            FROM {table} t WHERE t.rowid > ? ORDER BY t.rowid""",
            [actor, marks[table]],
        )
    create_audit_triggers(db)


def create_audit_triggers(db: Database | sqlite3.Connection) -> None:
    """(Re)create the triggers that write audit_log; call again after a migration adds columns.

    thidua_actor() is a function every connection of the application registers (store.py).
    """
    now = NOW_SQL
    for table, (record_sql, household_sql, skipped) in AUDITED.items():
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall() if r[1] not in skipped]
        for event in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS audit_{table}_{event}")
        new_rec, new_hh = record_sql.replace("R.", "NEW."), household_sql.replace("R.", "NEW.")
        old_rec, old_hh = record_sql.replace("R.", "OLD."), household_sql.replace("R.", "OLD.")
        db.execute(f"""CREATE TRIGGER audit_{table}_insert AFTER INSERT ON {table} BEGIN
            INSERT INTO audit_log (at, actor, tbl, record_id, household_id, action)
            VALUES ({now}, thidua_actor(), '{table}', {new_rec}, {new_hh}, 'insert'); END""")
        old_json = ", ".join(f"'{c}', OLD.{c}" for c in columns)
        db.execute(f"""CREATE TRIGGER audit_{table}_delete AFTER DELETE ON {table} BEGIN
            INSERT INTO audit_log (at, actor, tbl, record_id, household_id, action, old)
            VALUES ({now}, thidua_actor(), '{table}', {old_rec}, {old_hh}, 'delete',
                    json_object({old_json})); END""")
        per_column = "\n".join(
            f"""INSERT INTO audit_log (at, actor, tbl, record_id, household_id, action, field, old, new)
                SELECT {now}, thidua_actor(), '{table}', {new_rec}, {new_hh}, 'update', '{c}', OLD.{c}, NEW.{c}
                WHERE OLD.{c} IS NOT NEW.{c};"""
            for c in columns
        )
        db.execute(f"""CREATE TRIGGER audit_{table}_update AFTER UPDATE ON {table} BEGIN
            {per_column} END""")


@migrations()
def m002_assessment_evidence(db: Database) -> None:
    """Evidence notes for the village and commune assessments, as the households already have."""
    db.execute("ALTER TABLE village_year ADD COLUMN mutual_help_evidence TEXT")
    for key in ("socioeconomic_targets", "funds_settled_on_time", "mobilization", "reporting_on_time"):
        db.execute(f"ALTER TABLE commune_year ADD COLUMN {key}_evidence TEXT")
    create_audit_triggers(db)


@migrations()
def m003_evaluation_runs(db: Database) -> None:
    """Which criteria set and version judged which year, when and by whom."""
    db.execute("""CREATE TABLE evaluation_run (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        year INTEGER NOT NULL,
        criteria_set TEXT NOT NULL,
        criteria_version INTEGER NOT NULL,
        households INTEGER NOT NULL,
        eligible INTEGER NOT NULL,
        commune_verdict TEXT NOT NULL
    )""")


@migrations()
def m004_household_list_covers_search(db: Database) -> None:
    """The list's index carries the search text: filtering 300,000 households reads only the index."""
    db.execute("DROP INDEX household_list")
    db.execute("CREATE INDEX household_list ON household (sort_name, pk, search) WHERE deleted_at IS NULL")


@migrations()
def m005_packages(db: Database) -> None:
    """Upward packages: the commune's outbox, and the level above's communes, packages and decisions."""
    db.execute("""CREATE TABLE outbox (
        sequence INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        previous_sha256 TEXT,
        created_at TEXT NOT NULL,
        households INTEGER NOT NULL,
        package BLOB,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'delivered', 'received', 'refused')),
        delivered_at TEXT, delivered_to TEXT,
        receipt_at TEXT, receipt_message TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_try_at TEXT
    )""")
    db.execute("""CREATE TABLE upper_unit (
        code TEXT PRIMARY KEY,
        name TEXT,
        verify_key BLOB, fingerprint TEXT, trusted_at TEXT, trusted_by TEXT,
        seen_key BLOB, seen_fingerprint TEXT, seen_at TEXT,
        merged_into TEXT,
        last_sequence INTEGER, last_sha256 TEXT, last_package_at TEXT
    )""")
    db.execute("""CREATE TABLE upper_package (
        sha256 TEXT PRIMARY KEY,
        commune_code TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        previous_sha256 TEXT,
        created_at TEXT,
        imported_at TEXT NOT NULL,
        file_name TEXT,
        manifest TEXT NOT NULL,
        added INTEGER NOT NULL, changed INTEGER NOT NULL,
        note TEXT
    )""")
    db.execute("CREATE INDEX upper_package_commune ON upper_package (commune_code, sequence)")
    db.execute("""CREATE TABLE upper_decision (
        commune_code TEXT NOT NULL,
        nomination_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('decided', 'returned')),
        decision_number TEXT, decision_date TEXT, comment TEXT,
        decided_at TEXT NOT NULL, actor TEXT NOT NULL,
        PRIMARY KEY (commune_code, nomination_id)
    )""")


@migrations()
def m006_meeting_times(db: Database) -> None:
    """When a village meeting began and ended ("19:30"), for its minutes. The dataset format has no place
    for them: like evidence notes they stay in the local file and are kept when a dataset comes in."""
    db.execute("ALTER TABLE meeting ADD COLUMN start_time TEXT")
    db.execute("ALTER TABLE meeting ADD COLUMN end_time TEXT")
    create_audit_triggers(db)


@migrations()
def m007_pending_keys(db: Database) -> None:
    """Keys that packages carried, waiting for the phone check: apart from the communes (a package
    anyone can make never adds a commune, nor changes a trusted commune's key); a bounded list."""
    db.execute("""CREATE TABLE upper_pending_key (
        code TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        key BLOB NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        packages INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (code, fingerprint)
    )""")


@migrations()
def m008_checks_and_queries(db: Database) -> None:
    """The level above talks back: its queries about a household and returns of a commune's year (kept at
    both ends, travelling in receipts and packages), the state of each commune's year, and the heads of
    household of every commune by CCCD and by name, so that one found in two communes is seen at once."""
    db.execute("""CREATE TABLE query (
        id TEXT PRIMARY KEY,
        commune_code TEXT NOT NULL,
        household_id TEXT,
        year INTEGER,
        kind TEXT NOT NULL CHECK (kind IN ('query', 'return')),
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
        answer TEXT,
        answered_at TEXT,
        changed TEXT,
        asked_at TEXT NOT NULL,
        asked_by TEXT,
        closed_at TEXT,
        closed_by TEXT
    )""")
    db.execute("CREATE INDEX query_commune ON query (commune_code, status)")
    db.execute("""CREATE TABLE upper_year (
        commune_code TEXT NOT NULL,
        year INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('received', 'checked', 'returned', 'approved')),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        comment TEXT,
        PRIMARY KEY (commune_code, year)
    )""")
    db.execute("""CREATE TABLE upper_person (
        commune_code TEXT NOT NULL,
        household_id TEXT NOT NULL,
        head_name TEXT NOT NULL,
        id_number TEXT,
        person_key TEXT NOT NULL,
        village TEXT,
        PRIMARY KEY (commune_code, household_id)
    )""")
    db.execute("CREATE INDEX upper_person_id_number ON upper_person (id_number) WHERE id_number IS NOT NULL")
    db.execute("CREATE INDEX upper_person_key ON upper_person (person_key)")


@migrations()
def m009_person_key_by_commune(db: Database) -> None:
    """Heads of household are looked for twice within a commune only: their key's index starts with the
    commune, so a commune's import writes its own part of the index, not pages shared by every commune."""
    db.execute("DROP INDEX upper_person_key")
    db.execute("CREATE INDEX upper_person_key ON upper_person (commune_code, person_key)")
