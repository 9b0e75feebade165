"""What benchmarks/run.py measures inside the program, in a process of its own, printed as JSON: the
household list's first paint and its filter as the officer types.

    python benchmarks/probes.py household-list DB TEXT
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def household_list(db: str, typed: str) -> None:
    """First paint of the household page, then each keystroke's filter and repaint."""
    from PySide6.QtWidgets import QApplication

    from thidua_desktop.store import Store
    from ui.app import make_application
    from ui.register.household_page import HouseholdPage

    app = make_application()
    store = Store.open(db, actor="benchmark")
    start = time.perf_counter()
    page = HouseholdPage(store)
    page.resize(1200, 700)
    page.show()
    page.grab()  # paints the visible rows, fetching them lazily
    app.processEvents()
    first_paint = time.perf_counter() - start
    viewport = page.table.viewport()  # its Python wrapper is made once, not in the first keystroke's time
    per_key = []
    for i in range(1, len(typed) + 1):
        start = time.perf_counter()
        page.search.setText(typed[:i])
        page.apply_filter()  # what the typing pause triggers
        viewport.grab()
        per_key.append(time.perf_counter() - start)
    page.close()
    QApplication.processEvents()
    store.close()
    print(json.dumps({"first_paint": first_paint, "median": statistics.median(per_key), "max": max(per_key)}))


if __name__ == "__main__":
    {"household-list": household_list}[sys.argv[1]](*sys.argv[2:])
