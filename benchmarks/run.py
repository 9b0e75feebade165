"""One benchmark run: every operation timed as whole processes alternated with its floor, one table.

    python benchmarks/run.py [--quick] [--only NAME[,NAME...]] [--pairs N] [--bundle | --no-bundle]

It generates its data first (kept in benchmarks/out/data/ and made again only when the generator or the
schema changes), then measures each operation as a process of its own, `python main.py COMMAND ...` as
the officer runs it, alternated with a process doing the operation's floor (benchmarks/floors.py: the
least the operation must do, done the plain way, with none of the program) over the same files: a
warm-up of each, then several pairs, the order flipped every pair, so that the noise of this 2-core
machine falls on both. Each row gives the minimum and median of both, the ratio of the medians, the
process's peak memory (its own and its workers'), and the target.

--quick uses fewer pairs and smaller sizes where the full ones take long (the level above's 150 communes
become 20, 300,000 households become 30,000); a target given at the full size is then scaled to the size
measured (marked ~). The full run builds the program and a bare window with PyInstaller for the start-up
of the built program (--no-bundle leaves it out, --bundle adds it to a quick run). Rows are printed as
they are measured, and the whole table again at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
DATA = OUT / "data"
RUNS = OUT / "runs"
PY = sys.executable
MAIN = str(ROOT / "main.py")
FLOORS = str(BENCH / "floors.py")
PROBES = str(BENCH / "probes.py")
YEAR = 2019
TYPED = "nguyen van an"
EXE = ".exe" if sys.platform == "win32" else ""


# --- processes ---------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the process's own peak, or its largest worker's
    stdout: str


def env() -> dict[str, str]:
    """The program finds its data folder as on an officer's PC (no THIDUA_DATA_DIR), under a scratch
    XDG_DATA_HOME, so its logs and daily backups stay here."""
    child = {k: v for k, v in os.environ.items() if k != "THIDUA_DATA_DIR"}
    return {**child, "XDG_DATA_HOME": str(RUNS / "xdg"), "QT_QPA_PLATFORM": "offscreen"}


def run_process(cmd: list[str], to_paint: bool = False) -> Run:
    """One whole process, timed from its start to its end, with its peak memory (wait4's rusage);
    `to_paint`: to the first paint of its window, which it prints as "painted at" the system's monotonic
    clock (main.py --quit-when-shown and bare_window.py), so that neither's ending is counted."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env(), cwd=str(RUNS))
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} ended with {proc.returncode}:\n{stderr[-3000:]}")
    if to_paint:
        painted = re.search(r"^painted at ([0-9.]+)$", stdout, re.MULTILINE)
        if painted is None:
            raise RuntimeError(f"{' '.join(cmd)} did not tell its first paint:\n{stdout[-3000:]}{stderr[-3000:]}")
        took = float(painted.group(1)) - start
    return Run(took, usage.ru_maxrss / 1024, stdout)


Step = Callable[[], Run]


def step(cmd: list[str], before: Callable[[], object] | None = None, to_paint: bool = False) -> Step:
    """A process to time; `before` (not timed) puts its files back as they were."""

    def go() -> Run:
        if before is not None:
            before()
        return run_process(cmd, to_paint)

    return go


def alternate(pairs: int, ours: Step, floor: Step | None) -> tuple[list[Run], list[Run]]:
    """A warm-up of each, then `pairs` pairs, ours first in even pairs and the floor first in odd ones."""
    ours()
    if floor is not None:
        floor()
    mine: list[Run] = []
    floors: list[Run] = []
    for i in range(pairs):
        order = [(ours, mine), (floor, floors)]
        for fn, into in order if i % 2 == 0 else order[::-1]:
            if fn is not None:
                into.append(fn())
    return mine, floors


# --- the table ---------------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    size: str
    ours: list[float]
    floor: list[float]
    peak_mb: float | None
    target: str
    met: bool | None
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ours) / statistics.median(self.floor) if self.floor else None


ROWS: list[Row] = []


def _figures(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    lo, mid = min(values), statistics.median(values)
    return f"{lo * 1000:.1f} / {mid * 1000:.1f} ms" if unit == "ms" else f"{lo:.2f} / {mid:.2f} s"


HEADER = ("operation", "size", "time min / median", "floor min / median", "ratio", "peak MB", "target", "met")


def _cells(row: Row) -> tuple[str, ...]:
    return (
        row.operation,
        row.size,
        _figures(row.ours, row.unit),
        _figures(row.floor, row.unit),
        f"{row.ratio:.2f}x" if row.ratio is not None else "-",
        f"{row.peak_mb:.0f}" if row.peak_mb is not None else "-",
        row.target,
        {True: "yes", False: "NO", None: "-"}[row.met],
    )


WIDTHS = (28, 20, 22, 22, 7, 8, 38, 4)


def _line(cells: tuple[str, ...]) -> str:
    return "  ".join(c.ljust(w) if i < len(cells) - 1 else c for i, (c, w) in enumerate(zip(cells, WIDTHS)))


def add(row: Row) -> None:
    ROWS.append(row)
    print(_line(_cells(row)), flush=True)


def table() -> str:
    lines = [_line(HEADER), _line(tuple("-" * w for w in WIDTHS))]
    return "\n".join(lines + [_line(_cells(r)) for r in ROWS])


class Targets:
    """Targets given at a full size; a quick run scales the time targets to the size it measures."""

    def __init__(self, scale: float = 1.0):
        self.scale = scale

    def seconds(self, limit: float, ours: list[float]) -> tuple[str, bool]:
        scaled = limit * self.scale
        return (f"< {limit:g} s" if self.scale == 1 else f"~< {scaled:.1f} s"), statistics.median(ours) < scaled


def judged(*parts: tuple[str, bool]) -> tuple[str, bool]:
    return ", ".join(p[0] for p in parts), all(p[1] for p in parts)


def ratio_at_most(limit: float, ours: list[float], floor: list[float]) -> tuple[str, bool]:
    return f"<= {limit:g}x floor", statistics.median(ours) <= limit * statistics.median(floor)


def memory_under(limit: float, peak: float) -> tuple[str, bool]:
    return f"< {limit:g} MB", peak < limit


def measured(
    operation: str,
    size: str,
    pairs: int,
    ours: Step,
    floor: Step | None,
    target: Callable[[list[float], list[float], float], tuple[str, bool]] | None = None,
) -> tuple[list[Run], list[Run]]:
    mine, floors = alternate(pairs, ours, floor)
    times, floor_times = [r.seconds for r in mine], [r.seconds for r in floors]
    peak = max(r.peak_mb for r in mine)
    text, met = target(times, floor_times, peak) if target else ("", None)
    add(Row(operation, size, times, floor_times, peak, text, met))
    return mine, floors


# --- data, made once and kept -------------------------------------------------------------------------


def _stamp(*parts: object) -> str:
    """The generator's source, the schema's migrations by name, and what the data is made of."""
    digest = hashlib.sha256((ROOT / "thidua_desktop" / "register" / "demo.py").read_bytes())
    migrations = (ROOT / "thidua_desktop" / "store" / "migrations.py").read_text(encoding="utf-8")
    digest.update(" ".join(re.findall(r"^def (m\d+_\w+)", migrations, re.MULTILINE)).encode())
    digest.update(json.dumps(parts, default=str).encode())
    return digest.hexdigest()[:16]


def cached(name: str, maker: str, *args: object) -> Path:
    """The folder of generated data `name`, made by PREPARERS[maker](folder, *args) in a process of its
    own (so this one stays small: a child's peak memory starts from its parent's) unless it is there."""
    folder = DATA / name
    marker = folder / ".stamp"
    key = _stamp(name, maker, *args)
    if marker.exists() and marker.read_text() == key:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"  preparing {name}…", flush=True)
    start = time.perf_counter()
    subprocess.run([PY, __file__, "--prepare", maker, str(folder), json.dumps(args)], check=True, env=env())
    marker.write_text(key)
    print(f"  prepared {name} in {time.perf_counter() - start:.0f} s", flush=True)
    return folder


def _open(path: Path):
    from thidua_desktop.store import Store

    return Store.open(path, actor="benchmark")


def empty_file() -> Path:
    """A commune file as the program leaves it before anything is imported: migrated, empty."""
    return cached("empty", "empty") / "empty.sqlite"


def make_empty(folder: Path) -> None:
    _open(folder / "empty.sqlite").close()


def commune(households: int) -> Path:
    """A commune of `households` households x 6 years: its dataset file and its database."""
    return cached(f"commune-{households}", "commune", households)


def make_commune(folder: Path, households: int) -> None:
    from thidua_desktop.register import dataset, demo

    villages = 12 if households <= 3000 else max(households // 300, 12)
    data = demo.generate(households, villages, 2015, 2020, seed=3, meetings=households <= 30_000)
    (folder / "dataset.json").write_bytes(dataset.json_bytes(data))
    store = _open(folder / "commune.sqlite")
    dataset.import_data(store, data)
    store.close()


def dossier_file(nominees: int) -> Path:
    """The 3,000-household commune with `nominees` nominations of 2019 (the eligible, then others)."""
    return cached(f"dossier-{nominees}", "dossier", nominees) / "commune.sqlite"


def make_dossier(folder: Path, nominees: int) -> None:
    from thidua_desktop.evaluation import criteria, evaluator, nominations
    from thidua_desktop.register import dataset

    shutil.copy(commune(3000) / "commune.sqlite", folder / "commune.sqlite")
    store = _open(folder / "commune.sqlite")
    report = evaluator.evaluate(dataset.export_data(store), YEAR, criteria.load())
    picked = nominations.candidates(store, report)
    others = (h for h in report["households"] if h["verdict"] != "eligible")
    while len(picked) < nominees:
        h = next(others)
        picked.append(
            nominations.draft(YEAR, "household", household_id=h["id"], override_reason="Hộ tiêu biểu được đề nghị")
        )
    nominations.save(store, picked[:nominees], report)
    store.close()


def excel_import_files(rows: int) -> Path:
    """A household list of `rows` rows (one review year each) and a commune with its villages only."""
    return cached(f"excel-import-{rows}", "excel-import", rows)


def make_excel_import(folder: Path, rows: int) -> None:
    from thidua_desktop import excel
    from thidua_desktop.register import dataset, demo

    data = demo.generate(rows, 12, 2020, 2020, seed=5, meetings=False)
    source = _open(folder / "source.sqlite")
    dataset.import_data(source, data)
    excel.export_store(source, folder / "list.xlsx")
    source.close()
    (folder / "source.sqlite").unlink()
    target = _open(folder / "target.sqlite")
    dataset.import_data(target, {**data, "households": []})
    target.close()


def excel_export_file(rows: int) -> Path:
    """A commune whose households and records make about `rows` rows of the household sheet."""
    return cached(f"excel-export-{rows}", "excel-export", rows) / "commune.sqlite"


def make_excel_export(folder: Path, rows: int) -> None:
    from thidua_desktop.register import dataset, demo

    households = rows * 10 // 57  # about 5.7 review years a household in generated data
    store = _open(folder / "commune.sqlite")
    dataset.import_data(store, demo.generate(households, max(households // 260, 12), seed=9, meetings=False))
    store.close()


def package_files() -> Path:
    """The 3,000-household commune, set up for a province (its setup file taken, its key made)."""
    return cached("package", "package")


def make_package(folder: Path) -> None:
    import base64

    from thidua_desktop.exchange import outbox, upper_level

    os.environ["THIDUA_DATA_DIR"] = str(folder / "data-dir")
    province = _open(folder / "tinh" / "tinh.sqlite")
    setup = upper_level.init(province, "UBND tỉnh", "province")
    box = upper_level.own_keys(province).box
    assert box is not None
    (folder / "box-key").write_text(base64.b64encode(bytes(box.public_key)).decode())
    province.close()
    (folder / "xa").mkdir()
    shutil.copy(commune(3000) / "commune.sqlite", folder / "xa" / "commune.sqlite")
    store = _open(folder / "xa" / "commune.sqlite")
    outbox.setup_upper(store, setup, "setup.json")
    outbox.own_keys(store)
    store.close()


def upper_files(communes: int, households: int) -> Path:
    """A province and `communes` communes of `households` households: each commune's package in inbox/,
    its dataset in json/ (for the floor), and the province's file with every commune's key confirmed."""
    return cached(f"upper-{communes}x{households}", "upper", communes, households)


def make_upper(folder: Path, communes: int, households: int) -> None:
    from thidua_desktop.exchange import outbox, upper_level
    from thidua_desktop.register import dataset, demo

    os.environ["THIDUA_DATA_DIR"] = str(folder / "data-dir")
    province = _open(folder / "tinh" / "tinh.sqlite")
    setup = upper_level.init(province, "UBND tỉnh", "province")
    (folder / "json").mkdir()
    for i in range(communes):
        data = demo.generate(households, 10, seed=100 + i)
        data["commune"]["code"] = f"{10000 + i:05d}"
        data["commune"]["name"] = f"Xã Số {i + 1}"
        s = _open(folder / "xa" / f"{i}.sqlite")
        dataset.import_data(s, data)
        outbox.setup_upper(s, setup, "setup.json")
        entry = outbox.make_package(s)
        outbox.write_to_folder(s, entry.sequence, folder / "inbox")
        (folder / "json" / f"{i}.json").write_bytes(dataset.json_bytes(data))
        pair = outbox.own_keys(s)  # the keys confirmed by phone beforehand
        province.upper_level.trust_key(data["commune"]["code"], pair.verify_key, pair.fingerprint)
        s.close()
    province.close()
    shutil.rmtree(folder / "xa")


PREPARERS: dict[str, Callable[..., None]] = {
    "empty": make_empty,
    "commune": make_commune,
    "dossier": make_dossier,
    "excel-import": make_excel_import,
    "excel-export": make_excel_export,
    "package": make_package,
    "upper": make_upper,
}


# --- the benchmarks ------------------------------------------------------------------------------------


def fresh(target: Path, source: Path | None = None) -> Callable[[], None]:
    """Before a run: `target` removed (a folder whole), or put back as a copy of `source`."""

    def go() -> None:
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        if source is not None:
            (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
        shutil.rmtree(RUNS / "backups", ignore_errors=True)

    return go


def bench_import_json(cfg: Config) -> None:
    times = {}
    for n in cfg.commune_sizes:
        folder = commune(n)
        mine, floors = measured(
            "import-json",
            f"{n:,} households",
            cfg.pairs if n <= 3000 else cfg.big_pairs,
            step(
                [PY, MAIN, "--db", str(RUNS / "import.sqlite"), "import-json", str(folder / "dataset.json")],
                fresh(RUNS / "import.sqlite", empty_file()),
            ),
            step(
                [PY, FLOORS, "import-json", str(folder / "dataset.json"), str(RUNS / "floor.sqlite")],
                fresh(RUNS / "floor.sqlite"),
            ),
            _commune_target(n, times, "import", 3.0),
        )
        times[n] = statistics.median(r.seconds for r in mine)


def _commune_target(n: int, times: dict[int, float], what: str, limit: float):
    """At 3,000: under `limit` s and within 2x the floor; at 30,000: linear (at most 1.2x the time a
    household of 3,000) and under 200 MB."""

    def target(ours: list[float], floor: list[float], peak: float) -> tuple[str, bool]:
        if n <= 3000:
            return judged(Targets().seconds(limit, ours), ratio_at_most(2, ours, floor))
        base = min(times) if times else None
        linear = base is not None and statistics.median(ours) <= 1.2 * times[base] * n / base
        text = f"linear (<= {1.2 * n / base:.0f}x {base:,})" if base else "linear"
        return judged((text, linear), memory_under(200, peak))

    return target


def bench_evaluate(cfg: Config) -> None:
    times: dict[int, float] = {}
    for n in cfg.commune_sizes:
        db = str(commune(n) / "commune.sqlite")
        mine, _ = measured(
            "evaluate --year 2019",
            f"{n:,} households",
            cfg.pairs if n <= 3000 else cfg.big_pairs,
            step([PY, MAIN, "--db", db, "evaluate", "--year", str(YEAR)]),
            step([PY, FLOORS, "evaluate", db]),
            _commune_target(n, times, "evaluate", 0.5),
        )
        times[n] = statistics.median(r.seconds for r in mine)


def bench_export_json(cfg: Config) -> None:
    for n in cfg.export_sizes:
        db = str(commune(n) / "commune.sqlite")
        out = RUNS / "export.json"
        measured(
            "export-json",
            f"{n:,} households",
            cfg.pairs if n <= 3000 else cfg.big_pairs,
            step([PY, MAIN, "--db", db, "export-json", str(out)], fresh(out)),
            step([PY, FLOORS, "export-json", db, str(out)], fresh(out)),
            None if n <= 3000 else lambda o, f, peak: memory_under(500, peak),
        )


def bench_list(cfg: Config) -> None:
    for n, limit in zip(cfg.list_sizes, (0.050, 0.300)):
        db = str(commune(n) / "commune.sqlite")
        mine, floors = alternate(
            cfg.pairs if n <= 3000 else cfg.big_pairs,
            step([PY, PROBES, "household-list", db, TYPED]),
            step([PY, FLOORS, "filter", db, TYPED, "2020"]),
        )
        probes = [json.loads(r.stdout) for r in mine]
        floor = [json.loads(r.stdout)["median"] for r in floors]
        medians, worst = [p["median"] for p in probes], max(p["max"] for p in probes)
        add(
            Row(
                "list filter, per keystroke",
                f"{n:,} households",
                medians,
                floor,
                None,
                f"max < {limit * 1000:.0f} ms (max {worst * 1000:.0f} ms)",
                worst < limit,
                "ms",
            )
        )
        add(Row("list first paint", f"{n:,} households", [p["first_paint"] for p in probes], [], None, "", None, "ms"))


def bench_dossier(cfg: Config) -> None:
    db = dossier_file(300)
    out = RUNS / "dossier"
    ours = step([PY, MAIN, "--db", str(db), "print-dossier", "--year", str(YEAR), "--out", str(out)], fresh(out))
    ours()
    pages = sum(len(re.findall(rb"/Type /Page\b(?!s)", pdf.read_bytes())) for pdf in out.glob("*.pdf"))
    font = str(ROOT / "resources" / "fonts" / "LiberationSerif-Regular.ttf")
    measured(
        "print-dossier",
        f"300 nominees, {pages} pages",
        cfg.pairs,
        ours,
        step([PY, FLOORS, "dossier", font, str(pages), str(RUNS / "floor.pdf")]),
        lambda o, f, p: Targets().seconds(10, o),
    )


def bench_excel(cfg: Config) -> None:
    folder = excel_import_files(5000)
    measured(
        "import-excel",
        "5,000 rows",
        cfg.pairs,
        step(
            [PY, MAIN, "--db", str(RUNS / "excel.sqlite"), "import-excel", str(folder / "list.xlsx")],
            fresh(RUNS / "excel.sqlite", folder / "target.sqlite"),
        ),
        step(
            [PY, FLOORS, "excel-import", str(folder / "list.xlsx"), str(RUNS / "floor.sqlite")],
            fresh(RUNS / "floor.sqlite"),
        ),
        lambda o, f, p: Targets().seconds(10, o),
    )
    rows = cfg.excel_rows
    db = str(excel_export_file(rows))
    out = RUNS / "export.xlsx"
    scale = Targets(rows / 300_000)
    measured(
        "export-households",
        f"{rows:,} rows",
        cfg.big_pairs,
        step([PY, MAIN, "--db", db, "export-households", str(out)], fresh(out)),
        step([PY, FLOORS, "excel-export", db, str(out)], fresh(out)),
        lambda o, f, peak: judged(scale.seconds(60, o), memory_under(500, peak)),
    )


def bench_package(cfg: Config) -> None:
    folder = package_files()
    work = RUNS / "package"
    measured(
        "package export",
        "3,000 households",
        cfg.pairs,
        step(
            [PY, MAIN, "--db", str(work / "commune.sqlite"), "package", "export", "--out", str(RUNS / "usb")],
            lambda: (fresh(work, folder / "xa")(), fresh(RUNS / "usb")()),
        ),
        step(
            [
                PY,
                FLOORS,
                "package",
                str(folder / "xa" / "commune.sqlite"),
                (folder / "box-key").read_text(),
                str(RUNS / "floor.tdgoi"),
            ]
        ),
        lambda o, f, p: Targets().seconds(2, o),
    )


def _upper_import(communes: int, per: int) -> tuple[Path, list[str]]:
    folder = upper_files(communes, per)
    packages = sorted(str(p) for p in (folder / "inbox").iterdir())
    cmd = [PY, MAIN, "--db", str(RUNS / "upper" / "tinh.sqlite"), "upper", "import", *packages]
    return folder, cmd + ["--receipt-dir", str(RUNS / "receipts")]


def bench_upper_import(cfg: Config) -> None:
    communes, per = cfg.upper
    folder, cmd = _upper_import(communes, per)
    workers = str(min(os.cpu_count() or 1, 4, communes))
    scale = Targets(communes / 150)
    measured(
        "upper import",
        f"{communes} x {per:,} households",
        cfg.big_pairs,
        step(cmd, fresh(RUNS / "upper", folder / "tinh")),
        step([PY, FLOORS, "upper-import", str(folder / "json"), str(RUNS / "upper-floor"), workers]),
        lambda o, f, p: judged(scale.seconds(90, o), ratio_at_most(3, o, f)),
    )
    (RUNS / "upper" / "imported").write_text(f"{communes}x{per}")  # the last import's files stay for the report


def bench_upper_report(cfg: Config) -> None:
    """The level above judges its year on the files its import left (an import is run first if need be)."""
    communes, per = cfg.upper
    work = RUNS / "upper"
    marker = work / "imported"
    if not (marker.exists() and marker.read_text() == f"{communes}x{per}"):
        folder, cmd = _upper_import(communes, per)
        fresh(work, folder / "tinh")()
        run_process(cmd)
        marker.write_text(f"{communes}x{per}")
    scale = Targets(communes / 150)
    report = [PY, MAIN, "--db", str(work / "tinh.sqlite"), "upper", "report", "--year", str(YEAR), "--out"]
    measured(
        "upper report --year 2019",
        f"{communes} x {per:,} households",
        cfg.big_pairs,
        step([*report, str(RUNS / "upper-report.xlsx")]),
        step([PY, FLOORS, "upper-report", str(work / "tinh-du-lieu-xa"), str(YEAR)]),
        lambda o, f, peak: judged(scale.seconds(15, o), ratio_at_most(2, o, f), memory_under(500, peak)),
    )


def bench_startup(cfg: Config) -> None:
    db = str(commune(3000) / "commune.sqlite")
    measured(
        "start-up to first paint (source)",
        "3,000 households",
        cfg.pairs,
        step([PY, MAIN, "--db", db, "--quit-when-shown"], to_paint=True),
        step([PY, str(BENCH / "bare_window.py")], to_paint=True),
        lambda o, f, p: judged(Targets().seconds(2, o), ratio_at_most(1.5, o, f)),
    )
    if not cfg.bundle:
        return
    work = RUNS / "pyinstaller"
    shutil.rmtree(work, ignore_errors=True)
    print("  building the program and a bare window with PyInstaller…", flush=True)
    for args in (
        [str(ROOT / "installer" / "thidua.spec")],
        ["--onedir", "--name", "bare", "--specpath", str(work), str(BENCH / "bare_window.py")],
    ):
        subprocess.run(
            [
                PY,
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
    program, bare = work / "dist" / "ThiDuaDesktop", work / "dist" / "bare"
    size = sum(f.stat().st_size for f in program.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    measured(
        "start-up to first paint (built)",
        f"3,000 households, {size:.0f} MB",
        cfg.pairs,
        step([str(program / f"ThiDuaDesktop{EXE}"), "--db", db, "--quit-when-shown"], to_paint=True),
        step([str(bare / f"bare{EXE}")], to_paint=True),
        lambda o, f, p: judged(Targets().seconds(2, o), ratio_at_most(1.5, o, f)),
    )


BENCHMARKS = {
    "import-json": bench_import_json,
    "evaluate": bench_evaluate,
    "export-json": bench_export_json,
    "list": bench_list,
    "dossier": bench_dossier,
    "excel": bench_excel,
    "package": bench_package,
    "upper-import": bench_upper_import,
    "upper-report": bench_upper_report,
    "startup": bench_startup,
}


@dataclass
class Config:
    pairs: int
    big_pairs: int
    commune_sizes: tuple[int, ...]
    export_sizes: tuple[int, ...]
    list_sizes: tuple[int, ...]
    excel_rows: int
    upper: tuple[int, int]
    bundle: bool


def config(quick: bool, pairs: int | None, bundle: bool | None) -> Config:
    if quick:
        cfg = Config(3, 2, (3000, 30_000), (3000, 30_000), (3000, 30_000), 30_000, (20, 2000), False)
    else:
        cfg = Config(5, 3, (3000, 30_000), (3000, 300_000), (3000, 300_000), 300_000, (150, 2000), True)
    if pairs:
        cfg.pairs = cfg.big_pairs = pairs
    if bundle is not None:
        cfg.bundle = bundle
    return cfg


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs and smaller sizes: a few minutes")
    parser.add_argument("--only", default="", help=f"some of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--pairs", type=int, default=None, help="pairs of runs for every operation")
    parser.add_argument("--bundle", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)  # MAKER FOLDER ARGS: in a child process
    args = parser.parse_args(argv)
    if args.prepare:
        maker, folder, made_of = args.prepare
        PREPARERS[maker](Path(folder), *json.loads(made_of))
        return
    cfg = config(args.quick, args.pairs, args.bundle)
    chosen = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    RUNS.mkdir(parents=True, exist_ok=True)
    # The program as installed runs from compiled modules; where PYTHONDONTWRITEBYTECODE is set, a module
    # changed since its .pyc was written would be compiled again in every measured process.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "thidua_desktop"), str(ROOT / "ui"), MAIN], check=True)
    print(
        f"benchmarks/run.py{' --quick' if args.quick else ''}: {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, pairs {cfg.pairs} ({cfg.big_pairs} for the largest)",
        flush=True,
    )
    print(_line(HEADER), flush=True)
    start = time.perf_counter()
    for name in chosen:
        BENCHMARKS[name](cfg)
    print(f"\n== {len(ROWS)} rows in {(time.perf_counter() - start) / 60:.1f} min ==")
    print(table())
    missed = [r for r in ROWS if r.met is False]
    print(f"\ntargets met: {sum(r.met is True for r in ROWS)}, missed: {len(missed)}")


if __name__ == "__main__":
    main()
