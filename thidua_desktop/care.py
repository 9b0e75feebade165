"""The program looks after itself: a rotating log file and daily, checked backups of the database."""

from __future__ import annotations

import datetime as _dt
import logging
import logging.handlers
from pathlib import Path

from thidua_desktop import paths
from thidua_desktop.errors import Refused
from thidua_desktop.files import reason
from thidua_desktop.store import is_sound

LOG_FILE = "thidua.log"
DAILY = "hang-ngay"
KEEP_DAILY = 10


def setup_logging() -> Path:
    """Everything worth knowing goes to logs/thidua.log, five files of 1 MB kept in turn."""
    path = paths.logs_dir() / LOG_FILE
    root = logging.getLogger("thidua")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


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
