"""The one SQLite file of a commune (or of the level above): open, migrate, transaction, backup, restore.

`Store` is the open file; it composes one repository per area over its connection (the register,
meetings, nominations, the outbox, the level above's own tables, evaluation runs), and every SQL
statement of the program lives in this package. The file uses a rollback journal with full sync, so a
crash or power cut leaves either the old or the new state.

SQLite's errors are told apart by their code, never by their text: a locked, read-only, full, corrupt
or foreign file is the user's situation (`Refused`, in Vietnamese); anything else is our bug and is
raised as it is.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from thidua_desktop import paths, settings
from thidua_desktop.errors import Refused
from thidua_desktop.files import fsync_folder, make_private
from thidua_desktop.store.meetings import MeetingRepository, NominationRepository
from thidua_desktop.store.migrations import (
    APPLICATION_ID,
    AUDIT_HOUSEHOLD_INDEX,
    migrations,
    pause_insert_audit,
    resume_insert_audit,
)
from thidua_desktop.store.outbox import OutboxRepository
from thidua_desktop.store.queries import QueryRepository
from thidua_desktop.store.register import RegisterRepository
from thidua_desktop.store.runs import RunRepository
from thidua_desktop.store.upper_level import UpperLevelRepository

if TYPE_CHECKING:
    from sqlite_utils import Database


def _sqlite_messages(path: Path | str) -> dict[int, str]:
    in_use = (
        f"Tệp dữ liệu {path} đang được một chương trình khác sử dụng. "
        "Hãy đóng chương trình đó (hoặc cửa sổ ThiDua thứ hai) rồi thử lại."
    )
    damaged = (
        f"Tệp {path} không phải tệp dữ liệu ThiDua hoặc đã bị hỏng. Hãy mở bản sao lưu gần nhất trong thư mục backups."
    )
    return {
        sqlite3.SQLITE_BUSY: in_use,
        sqlite3.SQLITE_LOCKED: in_use,
        sqlite3.SQLITE_READONLY: (
            f"Không ghi được vào tệp {path} vì tệp chỉ cho phép đọc. "
            "Hãy chép tệp sang ổ đĩa của máy hoặc bỏ thuộc tính chỉ đọc."
        ),
        sqlite3.SQLITE_FULL: "Ổ đĩa đã đầy, dữ liệu chưa được ghi. Hãy giải phóng dung lượng ổ đĩa rồi lưu lại.",
        sqlite3.SQLITE_CORRUPT: damaged,
        sqlite3.SQLITE_NOTADB: damaged,
        sqlite3.SQLITE_CANTOPEN: f"Không mở được tệp {path}. Hãy kiểm tra thư mục có tồn tại và có quyền ghi.",
        sqlite3.SQLITE_IOERR: (
            f"Máy không đọc hoặc ghi được tệp {path} (lỗi ổ đĩa, hoặc USB bị rút ra). "
            "Hãy kiểm tra ổ đĩa rồi thử lại; dữ liệu đã lưu trước đó không bị mất."
        ),
    }


def refusal_for(exc: sqlite3.Error, path: Path | str) -> Refused | None:
    """The user's situation an SQLite error stands for, by its primary result code; None: a bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    message = _sqlite_messages(path).get(code & 0xFF)
    return Refused(message) if message else None


@contextmanager
def _sqlite_refusals(path: Path | str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        refusal = refusal_for(exc, path)
        if refusal is None:
            raise
        raise refusal from exc


class _Connection(sqlite3.Connection):
    """A connection whose statements raise the user's situations as `Refused` (a locked or full file),
    and every other SQLite error as it is."""

    path: Path

    def execute(self, sql, parameters=(), /):
        with _sqlite_refusals(self.path):
            return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        with _sqlite_refusals(self.path):
            return super().executemany(sql, parameters)


class Store:
    """An open ThiDua file and its repositories."""

    def __init__(self, path: Path, actor: str, conn: sqlite3.Connection):
        self.path, self.actor, self.conn = path, actor, conn
        self._db: Database | None = None
        self._depth = 0  # transactions in progress: an inner one joins the outer
        self.register = RegisterRepository(self)
        self.meetings = MeetingRepository(self)
        self.nominations = NominationRepository(self)
        self.outbox = OutboxRepository(self)
        self.upper_level = UpperLevelRepository(self)
        self.runs = RunRepository(self)
        self.queries = QueryRepository(self)

    @property
    def db(self) -> Database:
        """sqlite-utils over the connection, for migrations (loaded when first asked for: most starts
        never need it)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, actor: str | None = None, _from_new: bool = True) -> Store:
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Refused(f"Không tạo được thư mục {path.parent}: {exc.strerror}") from exc
        if _from_new and str(path) != ":memory:" and not path.exists():
            _start_as_new(path)
        with _sqlite_refusals(path):
            conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False, factory=_Connection)
        conn.path = path
        if str(path) != ":memory:":
            make_private(path)
        store = cls(path, actor or default_actor(), conn)
        try:
            with _sqlite_refusals(path):  # the migrations run through sqlite-utils' own calls too
                conn.row_factory = sqlite3.Row
                conn.create_function("thidua_actor", 0, lambda: store.actor)
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it on every connection
                # A rollback journal with full sync: safe on a power cut, and safe on a network share.
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA cache_size = -32000")  # 32 MB: the 300,000-household upper-level file
                store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self) -> None:
        applied = set(migrations.applied_names(self.conn))
        known = {m.name for m in migrations._migrations}
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id != APPLICATION_ID:
            raise Refused(f"Tệp {self.path} là một cơ sở dữ liệu khác, không phải tệp dữ liệu ThiDua.")
        if applied - known:
            raise Refused(
                f"Tệp {self.path} được tạo bởi một phiên bản ThiDua mới hơn phiên bản đang chạy. "
                "Hãy cài phiên bản mới nhất rồi mở lại; tệp không bị thay đổi."
            )
        if not known - applied:
            return
        if applied:
            self.backup("truoc-nang-cap")
        migrations.apply(self.db)

    def close(self) -> None:
        self.conn.close()

    # --- copies -----------------------------------------------------------------------------
    def backup(self, reason: str) -> Path:
        """A consistent copy of the file in backups/, made with SQLite's online backup."""
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        try:
            folder = paths.backups_dir(self.path)
        except OSError as exc:
            raise Refused(
                f"Không tạo được thư mục sao lưu bên cạnh {self.path} ({exc.strerror}); chưa làm gì. Hãy kiểm tra "
                "ổ đĩa (còn chỗ trống, có quyền ghi) rồi thử lại."
            ) from exc
        target = folder / f"{self.path.stem}-{stamp}-{reason}{self.path.suffix}"
        with _sqlite_refusals(target):
            dest = sqlite3.connect(str(target))
            try:
                make_private(target)
                self.conn.backup(dest)
            finally:
                dest.close()
        return target

    def restore_from(self, copy: Path) -> Path:
        """Put a backup's content in place of this file's, keeping a copy of what was there first.

        SQLite's backup API writes the pages in one go into the open file; the copy's schema is then
        brought up to date as any older file would be. The upward trip is not taken back in time: the
        outbox (every package and its receipt) and the trip's settings stay as they were, so the next
        package follows the last one sent, and the file remembers when the copy had been taken.
        """
        before = self.backup("truoc-khoi-phuc")
        outbox = self.outbox.snapshot()
        kept = {s.key: self.read_setting(s.key) for s in settings.KEPT_ON_RESTORE}
        taken = _dt.datetime.fromtimestamp(Path(copy).stat().st_mtime).astimezone().isoformat(timespec="seconds")
        with _sqlite_refusals(copy):
            source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                source.backup(self.conn)
            finally:
                source.close()
        with _sqlite_refusals(self.path):
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        with self.transaction():
            self.outbox.put_back(outbox)
            for key, value in kept.items():
                self.write_setting(key, value)
            settings.RESTORED_FROM.set(self, taken)
        return before

    # --- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it or none of it. Inside another transaction, it joins that one."""
        conn = self.conn
        if self._depth:
            self._depth += 1
            try:
                yield conn
            finally:
                self._depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

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
            resume_insert_audit(c, marks, self.actor)
            c.execute(AUDIT_HOUSEHOLD_INDEX)

    # --- settings (typed in thidua_desktop/settings.py) ---------------------------------------
    def read_setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def write_setting(self, key: str, value: str | None) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def is_upper_level(self) -> bool:
        """A file of the level above (`upper init`), not of a commune."""
        return settings.MODE.get(self) == "upper"


_NEW_FILE: list[bytes] = []  # an empty file migrated once in this process
_NEW_FILE_LOCK = threading.Lock()


def _start_as_new(path: Path) -> None:
    """A new file starts as a copy of an empty file migrated once in this process: migrating takes a
    tenth of a second, and the level above makes a file for each of its communes. The copy is made
    exclusively and reaches the disk before it is opened; where it cannot be made (another opener made
    the file meanwhile, a folder that refuses it), the file is left to SQLite to make or refuse."""
    with _NEW_FILE_LOCK:
        if not _NEW_FILE:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="thidua-") as tmp:
                made = Path(tmp) / "new.sqlite"
                Store.open(made, "", _from_new=False).close()
                _NEW_FILE.append(made.read_bytes())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_NEW_FILE[0])
            fh.flush()
            os.fsync(fh.fileno())
        fsync_folder(path.parent)
    except OSError:
        path.unlink(missing_ok=True)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getpass raises anything from KeyError to OSError where there is no login name
        return "không rõ"


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise Refused(f"Không đọc được tệp {path}: {exc.strerror}") from exc
    if head != _SQLITE_MAGIC:
        raise Refused(f"Tệp {path} không phải tệp dữ liệu ThiDua (không phải cơ sở dữ liệu SQLite).")


# --- backups, read without opening them as the working file ------------------------------------


def is_sound(path: Path) -> bool:
    """SQLite's own integrity check on a copy."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def describe_copy(path: Path) -> dict:
    """What a copy holds, read without changing it: the preview before a restore."""
    info: dict = {"sound": is_sound(path), "commune": None, "households": 0, "villages": 0, "records": 0, "years": []}
    if not info["sound"]:
        return info
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT name FROM commune").fetchone()
        info["commune"] = row[0] if row else None
        info["households"] = conn.execute("SELECT count(*) FROM household WHERE deleted_at IS NULL").fetchone()[0]
        info["villages"] = conn.execute("SELECT count(*) FROM village WHERE deleted_at IS NULL").fetchone()[0]
        info["records"] = conn.execute("SELECT count(*) FROM review_record").fetchone()[0]
        info["years"] = [r[0] for r in conn.execute("SELECT DISTINCT year FROM review_record ORDER BY year")]
    except sqlite3.Error:
        info["sound"] = False
    finally:
        conn.close()
    return info
