"""Excel benchmarks: import of a 5,000-row household list, export of 300,000 rows with peak memory.

    python benchmarks/bench_excel.py [--import-rows 5000] [--export-rows 300000]

Baselines, measured in the same run: openpyxl reading the same sheet's values (read-only) for the
import, and openpyxl write-only writing the same number of plain rows for the export.
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

from openpyxl import Workbook, load_workbook

from thidua_desktop import excel
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--export-rows", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["THIDUA_DATA_DIR"] = tmp
        # Import: a list of 5,000 rows (households with one review year each) into a commune.
        source = Store.open(folder / "source.sqlite")
        data = demo.generate(args.import_rows, 12, 2020, 2020, seed=5, meetings=False)
        dataset.import_data(source, data)
        sheet = folder / "list.xlsx"
        excel.export_store(source, sheet)
        for hh in data["households"]:
            hh["years"] = []
        target = Store.open(folder / "target.sqlite")
        dataset.import_data(target, {**data, "households": []})
        start = time.perf_counter()
        wb = load_workbook(sheet, read_only=True, data_only=True)
        rows = sum(1 for _ in wb.active.iter_rows(values_only=True))
        wb.close()
        base = time.perf_counter() - start
        start = time.perf_counter()
        result = excel.import_file(target, sheet)
        took = time.perf_counter() - start
        print(f"== import-excel: {rows - 1:,} rows ==")
        print(
            f"import {took:.2f} s ({result.added:,} households added)   baseline (openpyxl read of the values) "
            f"{base:.2f} s"
        )

        # Export: a store whose households and years make the wanted number of rows.
        households = args.export_rows * 10 // 57  # about 5.8 review years a household in generated data
        big = Store.open(folder / "big.sqlite")
        dataset.import_data(big, demo.generate(households, 200, seed=9, meetings=False))
        records = big.register.review_record_count()
        before = peak_mb()
        start = time.perf_counter()
        count = excel.export_store(big, folder / "out.xlsx")
        took = time.perf_counter() - start
        after = peak_mb()
        start = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        row = [
            "H00001",
            "Nguyễn Văn An",
            "Nam",
            1975,
            "Tày",
            "008075001234",
            "Không",
            "Thôn Nà Khà",
            5,
            "Không",
            None,
            2020,
            "Hộ cận nghèo",
            1200000,
            "Nguồn nước sinh hoạt",
            "Có",
            "Có",
            "Có",
            "Không",
            None,
            None,
            None,
            "00000000-0000-4000-8000-000000000000",
        ]
        for _ in range(count):
            ws.append(row)
        wb.save(folder / "plain.xlsx")
        base = time.perf_counter() - start
        print(f"\n== export-households: {count:,} rows ({households:,} households, {records:,} records) ==")
        print(f"export {took:.1f} s   baseline (openpyxl write-only, same number of plain rows) {base:.1f} s")
        print(
            f"peak memory {after:.0f} MB (before the export {before:.0f} MB); file "
            f"{(folder / 'out.xlsx').stat().st_size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
