"""Register benchmarks: import-json, the household list's first paint, filter-as-you-type.

Generates a commune (default 3,000 households x 6 years) and an upper-level file (default 300,000
households), and prints each timing next to a baseline measured in the same run: reading the file
plus a plain sqlite3 executemany of the same rows into bare tables.

    python benchmarks/bench_register.py [--households 3000] [--upper 300000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def baseline_import(path: Path, db: Path) -> float:
    """Read the file and store its rows with plain executemany: the floor for import-json."""
    start = time.perf_counter()
    data = json.loads(path.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE household (id TEXT PRIMARY KEY, village_id, code, name, gender, birth_year, "
        "ethnicity, id_number, members, policy, left_in)"
    )
    conn.execute(
        "CREATE TABLE review_record (household_id, year, status, income, deprivations, "
        "cultural_family, registered, effort, initiative, supports, role_model, note, "
        "PRIMARY KEY (household_id, year))"
    )
    conn.execute(
        "CREATE TABLE loan (id TEXT PRIMARY KEY, household_id, program, amount, disbursed_on, "
        "due_on, purpose, used, repaid)"
    )
    hh = data["households"]
    conn.executemany(
        "INSERT INTO household VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                h["id"],
                h["village_id"],
                h["code"],
                h["head"]["name"],
                h["head"]["gender"],
                h["head"]["birth_year"],
                h["head"]["ethnicity"],
                h["head"]["id_number"],
                h["members"],
                h["policy_household"],
                h["left_in"],
            )
            for h in hh
        ],
    )
    conn.executemany(
        "INSERT INTO review_record VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                h["id"],
                r["year"],
                r["status"],
                r["income_per_capita"],
                json.dumps(r["deprivations"]),
                r["cultural_family"],
                r["registered_to_exit"],
                *r["assessments"].values(),
                r["note"],
            )
            for h in hh
            for r in h["years"]
        ],
    )
    conn.executemany(
        "INSERT INTO loan VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                x["id"],
                h["id"],
                x["program"],
                x["amount_vnd"],
                x["disbursed_on"],
                x["due_on"],
                x["purpose"],
                x["used_as_intended"],
                x["repaid_on_time"],
            )
            for h in hh
            for x in h["loans"]
        ],
    )
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def list_timings(store: Store, typed: str) -> tuple[float, list[float]]:
    """First paint of the household page, then each keystroke's filter and repaint."""
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.register.household_page import HouseholdPage

    app = make_application()
    start = time.perf_counter()
    page = HouseholdPage(store)
    page.resize(1200, 700)
    page.show()
    page.grab()  # paints the visible rows, fetching them lazily
    app.processEvents()
    first_paint = time.perf_counter() - start
    per_key = []
    for i in range(1, len(typed) + 1):
        start = time.perf_counter()
        page.search.setText(typed[:i])
        page.apply_filter()  # what the typing pause triggers
        page.table.viewport().grab()
        per_key.append(time.perf_counter() - start)
    page.close()
    QApplication.processEvents()
    return first_paint, per_key


def bench(label: str, households: int, villages: int, folder: Path, typed: str) -> None:
    print(f"\n== {label}: {households:,} households x 6 years ==")
    gen, data = timed(demo.generate, households, villages, 2015, 2020, 2017, households <= 20_000)
    path = folder / f"{label}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    records = sum(len(h["years"]) for h in data["households"])
    print(f"generated in {gen:.1f} s: {path.stat().st_size / 1e6:.1f} MB of JSON, {records:,} review records")
    del data
    base = baseline_import(path, folder / f"{label}-baseline.sqlite")
    store = Store.open(folder / f"{label}.sqlite", actor="benchmark")
    took, _ = timed(dataset.import_file, store, path)
    print(
        f"import-json          {took:7.2f} s   baseline (json.loads + plain executemany) {base:5.2f} s"
        f"   ratio {took / base:4.1f}x"
    )
    first, keys = list_timings(store, typed)
    print(f"list first paint     {first * 1000:7.0f} ms")
    print(
        f"filter per keystroke median {statistics.median(keys) * 1000:5.0f} ms, "
        f"max {max(keys) * 1000:5.0f} ms over {len(keys)} keys ('{typed}')"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--upper", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["THIDUA_DATA_DIR"] = str(folder)
        bench("commune", args.households, 12, folder, "nguyen van an")
        if args.upper:
            bench("upper-level", args.upper, 1000, folder, "nguyen van an")


if __name__ == "__main__":
    main()
