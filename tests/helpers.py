"""What tests share beyond fixtures."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def sql(store: Any, query: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
    """Read the store's file directly, to check what the program wrote (tests only: the program's own SQL
    lives in thidua_desktop/store/)."""
    return store.conn.execute(query, params).fetchall()


@contextmanager
def own_log_handlers() -> Iterator[logging.Logger]:
    """Handlers added to the program's logger inside the block are closed and removed at its end:
    care.setup_logging keeps one for the life of the process, and each test has its own data folder."""
    logger = logging.getLogger("thidua")
    before, level = list(logger.handlers), logger.level
    try:
        yield logger
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(level)
