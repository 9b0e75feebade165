"""Package benchmarks: a commune of 3,000 households exports its package (target: under 2 s); the level
above imports 150 communes of 2,000 households (300,000 households; target: under 90 s and within 3x a
plain sqlite3 load of the same rows, measured in the same run).

    python benchmarks/bench_packages.py [--communes 150] [--households 2000]

Baselines: for the export, the dataset alone written as JSON (export-json); for the import, each
commune's dataset read from JSON and stored with plain executemany into a file of its own
(bench_register.baseline_import), summed over the communes.
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_register import baseline_import

from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--households", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["THIDUA_DATA_DIR"] = str(folder / "data")
        province = Store.open(folder / "tinh" / "tinh.sqlite", actor="bench")
        setup = upper_level.init(province, "UBND tỉnh", "province")

        # Export: one commune of 3,000 households.
        commune = Store.open(folder / "xa3000" / "xa.sqlite", actor="bench")
        dataset.import_data(commune, demo.generate(3000, 12, seed=1))
        outbox.setup_upper(commune, setup, "setup.json")
        outbox.own_keys(commune)
        start = time.perf_counter()
        dataset.export_file(commune, folder / "xa.json")
        base_export = time.perf_counter() - start
        start = time.perf_counter()
        path = outbox.export_package(commune, folder / "usb")
        took_export = time.perf_counter() - start
        commune.close()
        print("== package export: a commune of 3,000 households x 6 years ==")
        print(
            f"package export {took_export:.2f} s ({path.stat().st_size / 1e6:.1f} MB, target < 2 s)   "
            f"baseline (export-json of the same data) {base_export:.2f} s"
        )

        # Import: many communes' packages at the level above.
        print(f"preparing {args.communes} communes of {args.households:,} households…", flush=True)
        packages, jsons = [], []
        for i in range(args.communes):
            data = demo.generate(args.households, 10, seed=100 + i)
            data["commune"]["code"] = f"{10000 + i:05d}"
            data["commune"]["name"] = f"Xã Số {i + 1}"
            s = Store.open(folder / "xa" / f"{i}.sqlite", actor="bench")
            dataset.import_data(s, data)
            outbox.setup_upper(s, setup, "setup.json")
            entry = outbox.make_package(s)
            packages.append(outbox.write_to_folder(s, entry.sequence, folder / "inbox"))
            jsons.append(folder / "json" / f"{i}.json")
            jsons[-1].parent.mkdir(exist_ok=True)
            dataset.export_file(s, jsons[-1])
            with province.transaction() as c:  # the keys confirmed by phone beforehand
                pair = outbox.own_keys(s)
                c.execute(
                    "INSERT INTO upper_unit (code, name, verify_key, fingerprint, trusted_at) VALUES (?, ?, ?, ?, 'x')",
                    (data["commune"]["code"], data["commune"]["name"], pair.verify_key, pair.fingerprint),
                )
            s.close()
        start = time.perf_counter()
        for i, j in enumerate(jsons):
            baseline_import(j, folder / "json" / f"{i}.sqlite")
        base_import = time.perf_counter() - start
        start = time.perf_counter()
        results = upper_level.import_files(province, packages, receipt_dir=folder / "receipts")
        took_import = time.perf_counter() - start
        accepted = sum(r.status == "accepted" for r in results)
        households = sum(r.households for r in results)
        print(f"== upper import: {args.communes} communes, {households:,} households ==")
        print(
            f"upper import {took_import:.1f} s ({accepted}/{len(results)} accepted, target < 90 s)   "
            f"baseline (json.loads + plain executemany, same rows) {base_import:.1f} s   "
            f"ratio {took_import / base_import:.1f}x (target <= 3x)"
        )
        province.close()


if __name__ == "__main__":
    main()
