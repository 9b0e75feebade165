"""The SQL of the commune's outbox: each package with its bytes until its receipt comes back."""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

from thidua_desktop.store.rows import Repository, now_iso


class OutboxEntry(NamedTuple):
    """A package in the outbox; its times are UTC ISO strings."""

    sequence: int
    file_name: str
    sha256: str
    created_at: str
    households: int
    status: str  # waiting / delivered / received / refused
    delivered_at: str | None
    delivered_to: str | None
    receipt_at: str | None
    receipt_message: str | None
    attempts: int
    last_error: str | None
    next_try_at: str | None

    def overdue(self, days: int, now: _dt.datetime) -> bool:
        """Delivered (to a stick, a folder or the network) more than `days` ago and still no receipt."""
        if self.status != "delivered" or not self.delivered_at:
            return False
        delivered = _dt.datetime.fromisoformat(self.delivered_at)
        if delivered.tzinfo is None:
            delivered = delivered.replace(tzinfo=_dt.UTC)
        return now - delivered > _dt.timedelta(days=days)


_COLS = (
    "sequence, file_name, sha256, created_at, households, status, delivered_at, delivered_to, "
    "receipt_at, receipt_message, attempts, last_error, next_try_at"
)


class OutboxRepository(Repository):
    def entries(self) -> list[OutboxEntry]:
        """Newest first."""
        return [OutboxEntry(*r) for r in self.conn.execute(f"SELECT {_COLS} FROM outbox ORDER BY sequence DESC")]

    def entry(self, sequence: int) -> OutboxEntry | None:
        row = self.conn.execute(f"SELECT {_COLS} FROM outbox WHERE sequence = ?", (sequence,)).fetchone()
        return OutboxEntry(*row) if row else None

    def last(self) -> tuple[int, str] | None:
        """(sequence, sha256) of the newest package."""
        row = self.conn.execute("SELECT sequence, sha256 FROM outbox ORDER BY sequence DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def add(
        self, sequence: int, file_name: str, sha256: str, previous_sha256: str | None, households: int, raw: bytes
    ) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO outbox (sequence, file_name, sha256, previous_sha256, created_at, households, "
                "package, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting')",
                (sequence, file_name, sha256, previous_sha256, now_iso(), households, raw),
            )

    def package_bytes(self, sequence: int) -> bytes | None:
        """The package's bytes, or None once its receipt has come back (or no such package)."""
        row = self.conn.execute("SELECT package FROM outbox WHERE sequence = ?", (sequence,)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def by_sha256(self, sha256: str) -> OutboxEntry | None:
        row = self.conn.execute(f"SELECT {_COLS} FROM outbox WHERE sha256 = ?", (sha256,)).fetchone()
        return OutboxEntry(*row) if row else None

    def mark_delivered(self, sequence: int, where: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE outbox SET status = CASE WHEN status IN ('waiting', 'refused') THEN 'delivered' "
                "ELSE status END, delivered_at = ?, delivered_to = ?, last_error = NULL, next_try_at = NULL "
                "WHERE sequence = ?",
                (now_iso(), where, sequence),
            )

    def mark_answered(self, sequence: int, accepted: bool, issued_at: str, message: str) -> None:
        """A receipt came back: an accepted package's bytes are no longer kept."""
        with self.transaction() as c:
            c.execute(
                "UPDATE outbox SET status = ?, receipt_at = ?, receipt_message = ?, "
                "package = CASE WHEN ? THEN NULL ELSE package END, next_try_at = NULL WHERE sequence = ?",
                ("received" if accepted else "refused", issued_at, message, accepted, sequence),
            )

    def mark_failed(self, sequence: int, error: str, next_try_at: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? WHERE sequence = ?",
                (error, next_try_at, sequence),
            )

    def snapshot(self) -> tuple[list[str], list[tuple]]:
        """Every package with every column (its bytes too): what a restore from a backup carries over."""
        cursor = self.conn.execute("SELECT * FROM outbox ORDER BY sequence")
        return [d[0] for d in cursor.description], [tuple(r) for r in cursor]

    def put_back(self, snapshot: tuple[list[str], list[tuple]]) -> None:
        cols, rows = snapshot
        with self.transaction() as c:
            c.execute("DELETE FROM outbox")
            known = {r[1] for r in c.execute("PRAGMA table_info(outbox)")}
            keep = [i for i, col in enumerate(cols) if col in known]
            c.executemany(
                f"INSERT INTO outbox ({', '.join(cols[i] for i in keep)}) VALUES ({', '.join('?' * len(keep))})",
                [tuple(row[i] for i in keep) for row in rows],
            )

    def retry_now(self, refused_sequence: int | None = None) -> None:
        """No waiting for the next try; a refused package chosen on purpose goes again too."""
        with self.transaction() as c:
            c.execute("UPDATE outbox SET next_try_at = NULL WHERE status IN ('waiting', 'delivered')")
            if refused_sequence is not None:
                c.execute(
                    "UPDATE outbox SET status = 'waiting', next_try_at = NULL WHERE sequence = ? "
                    "AND status = 'refused'",
                    (refused_sequence,),
                )
