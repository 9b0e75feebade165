"""Dossier benchmark: the nomination dossier of 300 nominees (target: under 10 s).

    python benchmarks/bench_dossier.py [--nominees 300] [--households 3000]

Baseline, measured in the same run: reportlab alone laying out the same number of pages with its
built-in Helvetica (no font embedding, no evaluation, no database): a one-page text per nominee and a
table of all of them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from thidua_desktop.documents import dossier
from thidua_desktop.evaluation import criteria, evaluator, nominations
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


def baseline(path: Path, count: int) -> None:
    style = getSampleStyleSheet()["BodyText"]
    story = [
        Table(
            [[str(i), f"Nominee {i}", "Village", "Household", "Achievements " * 6, "Award"] for i in range(count)],
            repeatRows=1,
        ),
        PageBreak(),
    ]
    for i in range(count):
        story += [Paragraph(f"Report {i}", style), Paragraph("Achievements of the nominee. " * 40, style), PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominees", type=int, default=300)
    parser.add_argument("--households", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["THIDUA_DATA_DIR"] = tmp
        store = Store.open(folder / "commune.sqlite")
        dataset.import_data(store, demo.generate(args.households, 12, seed=11))
        rules = criteria.load()
        report = evaluator.evaluate(dataset.export_data(store), 2019, rules)
        picked = nominations.candidates(store, report)
        others = (h for h in report["households"] if h["verdict"] != "eligible")
        while len(picked) < args.nominees:
            h = next(others)
            picked.append(
                nominations.draft(
                    2019, "household", household_id=h["id"], override_reason="Hộ tiêu biểu được thôn đề nghị"
                )
            )
        nominations.save(store, picked[: args.nominees], report)
        start = time.perf_counter()
        baseline(folder / "baseline.pdf", args.nominees)
        base = time.perf_counter() - start
        start = time.perf_counter()
        files = dossier.write_dossier(store, 2019, folder / "out", rules)
        took = time.perf_counter() - start
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"== print-dossier: {args.nominees} nominees, commune of {args.households:,} households ==")
        print(
            f"dossier {took:.2f} s ({len(files)} files, {size:.1f} MB, target < 10 s)   "
            f"baseline (reportlab alone, same page count, Helvetica) {base:.2f} s   ratio {took / base:.1f}x"
        )
        store.close()


if __name__ == "__main__":
    main()
