"""The one place that decides where data, backups, logs and every per-database folder live.

THIDUA_DATA_DIR overrides the per-user folder (tests and portable installs use it); --db picks
another database file, whose backups, keys, commune copies and inbox then go beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ThiDuaDesktop"
DB_FILENAME = "thidua.sqlite"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
PRIVATE = 0o700  # folders made for a commune's data, copies and keys: its owner only (POSIX)


def data_dir() -> Path:
    override = os.environ.get("THIDUA_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    return path


def default_db() -> Path:
    return data_dir() / DB_FILENAME


def backups_dir(db_path: Path) -> Path:
    """Backups sit next to the database they protect, so a --db file keeps its own."""
    return _beside(db_path, "backups")


def _beside(db_path: Path, name: str) -> Path:
    path = Path(db_path).resolve().parent / name
    path.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    return path


def keys_dir(db_path: Path) -> Path:
    """The key files of a database's commune or level above (readable by their owner only)."""
    return _beside(db_path, "keys")


def commune_copies_dir(db_path: Path) -> Path:
    """At the level above: each commune's copy of its data, one file a commune."""
    return _beside(db_path, f"{Path(db_path).stem}-du-lieu-xa")


def inbox_dir(db_path: Path) -> Path:
    """At the level above: packages received over HTTP."""
    return _beside(db_path, f"{Path(db_path).stem}-hop-thu-den")


def logs_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def printouts_dir() -> Path:
    """Where printed PDFs are written before the officer previews, prints or saves them."""
    path = data_dir() / "ban-in"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)
