"""The one SQLite file of a commune or of the level above. Every SQL statement lives in this package."""

from thidua_desktop.store.database import Store, describe_copy, is_sound
from thidua_desktop.store.outbox import OutboxEntry
from thidua_desktop.store.register import LIST_COLUMNS, AuditEntry, DeletedItem, HouseholdFilter, HouseholdName
from thidua_desktop.store.rows import new_id, now_iso, sort_name

__all__ = [
    "Store",
    "describe_copy",
    "is_sound",
    "OutboxEntry",
    "LIST_COLUMNS",
    "AuditEntry",
    "DeletedItem",
    "HouseholdFilter",
    "HouseholdName",
    "new_id",
    "now_iso",
    "sort_name",
]
