"""Start-up benchmark: the built one-folder program to its main window, against a bare PySide6 window
built and started the same way in the same run (target: under 2 s, within 1.5x the bare window).

    python benchmarks/bench_startup.py [--runs 7] [--households 3000]

Both are built with PyInstaller (one folder) into a temporary folder, then started with the offscreen
platform; the program opens a commune of 3,000 households and quits as soon as its window is shown
(--quit-when-shown). The first start after building is reported apart (cold), then the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store

EXE = ".exe" if sys.platform == "win32" else ""


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def build(args: list[str], work: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            *args,
        ],
        check=True,
        capture_output=True,
    )


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--households", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["THIDUA_DATA_DIR"] = str(work / "data")
        store = Store.open(work / "data" / "commune.sqlite")
        dataset.import_data(store, demo.generate(args.households, 12, seed=3))
        store.close()
        build([str(ROOT / "installer" / "thidua.spec")], work)
        build(
            ["--onedir", "--name", "bare", "--specpath", str(work), str(ROOT / "benchmarks" / "bare_window.py")], work
        )
        program = work / "dist" / "ThiDuaDesktop"
        bare = work / "dist" / "bare"
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        ours_cmd = [
            str(program / f"ThiDuaDesktop{EXE}"),
            "--db",
            str(work / "data" / "commune.sqlite"),
            "--quit-when-shown",
        ]
        bare_cmd = [str(bare / f"bare{EXE}")]
        cold_ours, cold_bare = timed(ours_cmd, env), timed(bare_cmd, env)
        ours, bares = [], []
        for _ in range(args.runs):
            ours.append(timed(ours_cmd, env))
            bares.append(timed(bare_cmd, env))
        mo, mb = statistics.median(ours), statistics.median(bares)
        print(f"== start-up to the main window ({args.households:,} households, platform {env['QT_QPA_PLATFORM']}) ==")
        print(f"bundle size: program {folder_mb(program):.0f} MB   bare PySide6 window {folder_mb(bare):.0f} MB")
        print(f"first start after build: program {cold_ours:.2f} s   bare window {cold_bare:.2f} s")
        print(
            f"median of {args.runs}: program {mo:.2f} s   bare window {mb:.2f} s   ratio {mo / mb:.2f}x "
            f"(target < 2 s and <= 1.5x)"
        )


if __name__ == "__main__":
    main()
