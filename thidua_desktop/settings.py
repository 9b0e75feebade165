"""Every setting kept in a ThiDua file, each declared once with its type and default.

A setting is read and written through its declaration (`settings.OFFICER.get(store)`), never by a
string key at the call site. Values live in the file's `settings` table, so a commune's choices travel
with its file; window geometry alone stays in QSettings.
"""

from __future__ import annotations

import json
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

T = TypeVar("T")


class _SettingsFile(Protocol):
    def read_setting(self, key: str) -> str | None: ...

    def write_setting(self, key: str, value: str | None) -> None: ...


class Setting(NamedTuple, Generic[T]):
    key: str
    kind: type
    default: Any = None
    doc: str = ""

    def get(self, store: _SettingsFile) -> T:
        raw = store.read_setting(self.key)
        if raw is None:
            return self.default
        try:
            if self.kind is bool:
                return raw == "1"  # type: ignore[return-value]
            if self.kind is int:
                return int(raw)  # type: ignore[return-value]
            if self.kind is dict:
                value = json.loads(raw)
                return value if isinstance(value, dict) else self.default  # type: ignore[return-value]
        except ValueError:
            return self.default  # a value some other tool wrote: the default, not a crash
        return raw  # type: ignore[return-value]

    def set(self, store: _SettingsFile, value: T | None) -> None:
        """Store a value; None (or the default) clears it."""
        if value is None or value == self.default:
            store.write_setting(self.key, None)
        elif self.kind is bool:
            store.write_setting(self.key, "1" if value else None)
        elif self.kind is dict:
            store.write_setting(self.key, json.dumps(value, ensure_ascii=False))
        else:
            store.write_setting(self.key, str(value))


# --- who works on the file ------------------------------------------------------------------------
OFFICER: Setting[str | None] = Setting("officer", str, doc="the officer's name written in the change history")
MODE: Setting[str | None] = Setting("mode", str, doc="'upper' in a file of the level above")

# --- judging and printing -------------------------------------------------------------------------
CRITERIA_SET: Setting[str | None] = Setting("criteria_set", str, doc="the criteria set the officer chose")
DEFAULT_CRITERIA_SET = "tuyen-quang-2016-2020"  # the built-in set, used while none is chosen
SIGNER: Setting[str | None] = Setting(
    "document_signer", str, doc="who signs for the file's people's committee (its chairman, or a vice-chairman)"
)
SIGNER_DEPUTY: Setting[bool] = Setting(
    "document_signer_deputy", bool, False, doc="the signer is a vice-chairman: 'KT. CHỦ TỊCH / PHÓ CHỦ TỊCH'"
)
RECIPIENT: Setting[str | None] = Setting(
    "dossier_recipient", str, doc="'Kính gửi' of the tờ trình: the level above is a setting"
)
PRINT_FOLDER: Setting[str | None] = Setting("last_print_folder", str, doc="where a PDF copy was last saved")

# --- the commune's side of the upward trip --------------------------------------------------------
UPPER_SETUP: Setting[dict | None] = Setting("upper_setup", dict, doc="the level above's setup file, as trusted")
UPPER_ADDRESS: Setting[str | None] = Setting(
    "upper_address", str, doc="the officer's own address for the level above's receiver"
)
AUTO_SEND: Setting[bool] = Setting("auto_send", bool, False, doc="send waiting packages whenever a connection is there")
PACKAGE_FOLDER: Setting[str | None] = Setting("last_package_folder", str, doc="where a package was last written")
RECEIPT_OVERDUE_DAYS: Setting[int] = Setting(
    "receipt_overdue_days", int, 7, doc="days after which a package still without a receipt is flagged"
)
LAST_RECEIPT_AT: Setting[str | None] = Setting(
    "last_receipt_at", str, doc="when the newest receipt taken in was issued: older ones never undo a decision"
)
RESTORED_FROM: Setting[str | None] = Setting(
    "restored_from", str, doc="when the copy this file was last restored from had been taken (ISO time)"
)

# What a restore from a backup does not take back in time: the file's own trip and who works on it.
KEPT_ON_RESTORE = (OFFICER, UPPER_SETUP, UPPER_ADDRESS, AUTO_SEND, PACKAGE_FOLDER, RECEIPT_OVERDUE_DAYS)

# --- the level above ----------------------------------------------------------------------------
UPPER_SELF: Setting[dict | None] = Setting("upper_self", dict, doc="the level above's own name, level and address")
INBOX_HOST: Setting[str] = Setting("inbox_host", str, "127.0.0.1", doc="where the HTTP receiver listens")
INBOX_PORT: Setting[int] = Setting("inbox_port", int, 8765, doc="the HTTP receiver's port")
INCOME_JUMP_FACTOR: Setting[int] = Setting(
    "income_jump_factor", int, 3, doc="a check flags income per person changing more than this many times in a year"
)
MEMBERS_JUMP: Setting[int] = Setting(
    "members_jump", int, 4, doc="a check flags a household's members changing by more than this in one package"
)
PACKAGE_APPLIED: Setting[dict | None] = Setting(
    "package_applied", dict, doc="in a commune's copy at the level above: the package it holds (reconcile)"
)
