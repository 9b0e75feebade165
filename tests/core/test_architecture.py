"""The core stays free of Qt: everything headless must run without a display."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_sources_never_import_qt_or_ui():
    offenders = []
    for path in (ROOT / "thidua_desktop").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "ui")]
    assert offenders == []


def test_headless_command_loads_no_qt(tmp_path):
    code = (
        "import sys, main; rc = main.main(['--db', sys.argv[1], 'export-json', sys.argv[2]]);"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.sqlite"), str(tmp_path / "o.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().endswith("False")


def test_bundled_schema_is_the_shared_contract():
    shared = ROOT.parent / "shared" / "schema" / "thidua-dataset-v1.schema.json"
    if not shared.exists():
        return  # a checkout without shared/ beside it still has its bundled copy
    bundled = ROOT / "resources" / "schema" / "thidua-dataset-v1.schema.json"
    assert bundled.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
