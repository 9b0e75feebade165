"""Evaluator benchmarks: one year for a commune of 3,000 households, and for 300,000 households
in 150 communes (the level above), with peak memory.

    python benchmarks/bench_evaluate.py [--households 3000] [--communes 150] [--per-commune 2000]

The commune is judged from its SQLite file, as the window and `evaluate` do (reading included). The
level above judges commune after commune and keeps only counts for the group, so its memory is that of
one commune. Baseline, measured in the same run: one pass over the same records counting statuses by
year, the least any evaluation must do.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thidua_desktop.evaluation import criteria, evaluator, service
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


def count_pass(data: dict) -> int:
    counts: dict[tuple, int] = {}
    for hh in data["households"]:
        for rec in hh["years"]:
            key = (rec["year"], rec["status"])
            counts[key] = counts.get(key, 0) + 1
    return len(counts)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--per-commune", type=int, default=2000)
    parser.add_argument("--year", type=int, default=2019)
    args = parser.parse_args()
    chosen = criteria.load()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["THIDUA_DATA_DIR"] = tmp
        store = Store.open(Path(tmp) / "commune.sqlite", actor="benchmark")
        data = demo.generate(args.households, 12)
        dataset.import_data(store, data)
        print(f"== commune: {args.households:,} households, year {args.year} ==")
        start = time.perf_counter()
        count_pass(dataset.export_data(store))
        base = time.perf_counter() - start
        times = []
        for _ in range(3):
            start = time.perf_counter()
            service.run(store, args.year, chosen)
            times.append(time.perf_counter() - start)
        print(
            f"evaluate (file read + judge + record)  best {min(times):.3f} s of 3   "
            f"baseline (file read + one counting pass) {base:.3f} s"
        )
        store.close()

    total = args.communes * args.per_commune
    print(f"\n== level above: {total:,} households in {args.communes} communes, year {args.year} ==")
    before = peak_mb()
    group = evaluator.GroupOfCommunes()
    judging = baseline = 0.0
    eligible = 0
    for i in range(args.communes):
        commune = demo.generate(args.per_commune, 10, seed=1000 + i)  # not timed: stands for reading it
        start = time.perf_counter()
        count_pass(commune)
        baseline += time.perf_counter() - start
        start = time.perf_counter()
        report = evaluator.evaluate(commune, args.year, chosen, group)
        judging += time.perf_counter() - start
        eligible += sum(1 for h in report["households"] if h["verdict"] == "eligible")
        del commune, report
    start = time.perf_counter()
    result = group.evaluate(args.year, chosen)
    judging += time.perf_counter() - start
    print(f"evaluate every commune and the group   {judging:.2f} s   baseline (one counting pass) {baseline:.2f} s")
    print(
        f"peak memory {peak_mb():.0f} MB (before the group: {before:.0f} MB); {eligible:,} eligible households; "
        f"group U1 {result['criteria']['U1']['verdict']}"
    )


if __name__ == "__main__":
    main()
