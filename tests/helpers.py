"""What tests share beyond fixtures."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def sql(store: Any, query: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
    """Read the store's file directly, to check what the program wrote (tests only: the program's own SQL
    lives in thidua_desktop/store/)."""
    return store.conn.execute(query, params).fetchall()
