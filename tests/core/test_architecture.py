"""The house's rules, checked on the source: the core stays free of Qt, its rooms are layered one way,
and every SQL statement lives in thidua_desktop/store/."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "thidua_desktop"

# A room may import only rooms of a lower layer (and itself). Plumbing first, the command line last.
LAYERS = {
    "errors": 0, "paths": 0, "text": 0,
    "domain": 1, "files": 1, "settings": 1, "safejson": 1,
    "store": 2,
    "register": 3, "care": 3,
    "evaluation": 4, "excel": 4,
    "exchange": 5,
    "documents": 6,
    "cli": 7,
}  # fmt: skip


def _sources(*folders: Path):
    for folder in folders:
        yield from sorted(folder.rglob("*.py"))


def _room(path: Path) -> str:
    return path.relative_to(CORE).parts[0].removesuffix(".py")


def _core_imports(path: Path) -> set[str]:
    """The rooms of thidua_desktop a module imports (at the top or inside a function)."""
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "thidua_desktop":
            parts = node.module.split(".")
            rooms |= {a.name for a in node.names} if len(parts) == 1 else {parts[1]}
        elif isinstance(node, ast.Import):
            rooms |= {a.name.split(".")[1] for a in node.names if a.name.startswith("thidua_desktop.")}
    return rooms - {"__version__"}


def test_core_sources_never_import_qt_or_ui():
    offenders = []
    for path in _sources(CORE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "ui")]
    assert offenders == []


def test_every_room_is_known_and_imports_only_lower_rooms():
    upward = []
    for path in _sources(CORE):
        if path.parent == CORE and path.name == "__init__.py":
            continue
        room = _room(path)
        assert room in LAYERS, f"{path.relative_to(ROOT)}: a room the layering does not know"
        for other in _core_imports(path) - {room}:
            if LAYERS[other] >= LAYERS[room]:
                upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert upward == []


SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(|sqlite3\.connect\(|\bimport sqlite3\b")


def test_no_sql_runs_outside_the_store():
    store = CORE / "store"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources(CORE, ROOT / "ui")
        if store not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL_CALL.search(line)
    ]
    assert offenders == []


def test_headless_command_loads_no_qt(tmp_path):
    code = (
        "import sys, main; rc = main.main(['--db', sys.argv[1], 'evaluate', '--year', '2019']);"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.sqlite")], cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip().endswith("False")


def test_bundled_schema_is_the_shared_contract():
    shared = ROOT.parent / "shared" / "schema" / "thidua-dataset-v1.schema.json"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout; the bundled copy is used alone")
    bundled = ROOT / "resources" / "schema" / "thidua-dataset-v1.schema.json"
    assert bundled.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
