"""The program looks after itself: a log file kept in turns and daily, checked backups of the database."""

from __future__ import annotations

import datetime as _dt
import logging
import os
from pathlib import Path

from thidua_desktop import paths
from thidua_desktop.errors import Refused
from thidua_desktop.files import reason
from thidua_desktop.store import is_sound

LOG_FILE = "thidua.log"
LOG_TURN_BYTES = 1_000_000  # a log this long is put aside when a process starts
LOG_KEPT = 5  # thidua.log.1 (the newest put aside) ... thidua.log.5
DAILY = "hang-ngay"
KEEP_DAILY = 10


def setup_logging() -> Path:
    """Everything worth knowing goes to logs/thidua.log; a process that finds it over 1 MB puts it aside
    first, five kept in turn as thidua.log.1 ... .5. (The turn is taken at a start rather than during a
    write, so that several processes may write the same log, and logging.handlers is not loaded.)"""
    path = paths.logs_dir() / LOG_FILE
    root = logging.getLogger("thidua")
    if not any(h.get_name() == LOG_FILE for h in root.handlers):
        _turn(path)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.set_name(LOG_FILE)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def _turn(path: Path) -> None:
    try:
        if path.stat().st_size < LOG_TURN_BYTES:
            return
        for i in range(LOG_KEPT - 1, 0, -1):
            older = path.with_name(f"{path.name}.{i}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))
    except OSError:  # no log yet, another process took the turn, a locked file on Windows: the log goes on
        return


REASONS = {
    DAILY: "Sao lưu hằng ngày",
    "truoc-nhap-json": "Trước khi nhập tệp dữ liệu",
    "truoc-nang-cap": "Trước khi nâng cấp chương trình",
    "truoc-khoi-phuc": "Trước khi khôi phục",
}


def list_backups(store) -> list[dict]:
    """The copies in backups/, newest first, with when, why and how big."""
    out = []
    for path in paths.backups_dir(store.path).glob(f"{store.path.stem}-*{store.path.suffix}"):
        parts = path.stem[len(store.path.stem) + 1 :].split("-", 3)
        try:
            when = _dt.datetime.strptime(f"{parts[0]}-{parts[1]}", "%Y%m%d-%H%M%S")
        except (ValueError, IndexError):
            continue
        reason = parts[3] if len(parts) > 3 else ""
        out.append({"path": path, "when": when, "reason": REASONS.get(reason, reason), "size": path.stat().st_size})
    return sorted(out, key=lambda b: b["when"], reverse=True)


def daily_backup(store, today: _dt.date | None = None) -> Path | None:
    """Once a day, a checked copy in backups/; the last KEEP_DAILY daily copies are kept. A folder that
    cannot be written is a refusal (the copy waits for tomorrow)."""
    try:
        return _daily_backup(store, today)
    except OSError as exc:
        raise Refused(f"Chưa sao lưu hằng ngày được vào {paths.backups_dir(store.path)}: {reason(exc)}.") from exc


def _daily_backup(store, today: _dt.date | None) -> Path | None:
    log = logging.getLogger("thidua.care")
    folder = paths.backups_dir(store.path)
    stamp = (today or _dt.date.today()).strftime("%Y%m%d")
    daily = sorted(folder.glob(f"{store.path.stem}-*-{DAILY}{store.path.suffix}"))
    if any(f.name.startswith(f"{store.path.stem}-{stamp}") for f in daily):
        return None
    copy = store.backup(DAILY)
    if not is_sound(copy):
        log.error("daily backup %s failed its integrity check; removed", copy)
        copy.unlink(missing_ok=True)
        return None
    daily = sorted(folder.glob(f"{store.path.stem}-*-{DAILY}{store.path.suffix}"))
    for old in daily[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    log.info("daily backup %s", copy)
    return copy
