"""The built program: PyInstaller makes the one-folder bundle from installer/thidua.spec, and the
bundle passes its own smoke test and runs a headless command. Run on its own with `pytest -m bundle`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "example-dataset.json"
EXE = ".exe" if sys.platform == "win32" else ""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    built = subprocess.run(
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
            str(ROOT / "installer" / "thidua.spec"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return work / "dist" / "ThiDuaDesktop"


@pytest.mark.bundle
@pytest.mark.slow
def test_the_built_program_passes_its_smoke_test_with_nothing_on_stderr(bundle, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("THIDUA_DATA_DIR", None)  # the smoke test makes its own temporary data folder
    run = subprocess.run(
        [str(bundle / f"ThiDuaDesktop{EXE}"), "--smoke-test"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Tự kiểm tra: đạt."
    assert run.stderr == ""


@pytest.mark.bundle
@pytest.mark.slow
def test_the_built_command_line_prints_a_dossier(bundle, tmp_path):
    db, cli = str(tmp_path / "xa.sqlite"), str(bundle / f"thidua{EXE}")
    done = subprocess.run(
        [cli, "--db", db, "import-json", str(EXAMPLE)], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    printed = subprocess.run(
        [cli, "--db", db, "print-dossier", "--year", "2019", "--out", str(tmp_path / "hs")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    assert sorted(p.name for p in (tmp_path / "hs").iterdir())[0] == "01-quyet-dinh-khen-thuong-2019.pdf"
    assert (bundle / "_internal" / "resources" / "fonts" / "LICENSE-OFL.txt").exists()


@pytest.mark.bundle
@pytest.mark.slow
def test_the_built_program_makes_and_imports_a_package(bundle, tmp_path):
    cli = str(bundle / f"thidua{EXE}")

    def run(*args):
        done = subprocess.run([cli, *args], capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    province, commune = str(tmp_path / "tinh.sqlite"), str(tmp_path / "xa.sqlite")
    run(
        "--db",
        province,
        "upper",
        "init",
        "--name",
        "UBND tỉnh Tuyên Quang",
        "--level",
        "province",
        "--setup-out",
        str(tmp_path / "setup.json"),
    )
    run("--db", commune, "import-json", str(EXAMPLE))
    run("--db", commune, "package", "setup", str(tmp_path / "setup.json"))
    fingerprint = run("--db", commune, "package", "fingerprint").strip().splitlines()[-1]
    package = run("--db", commune, "package", "export", "--out", str(tmp_path / "usb")).strip()
    untrusted = subprocess.run(
        [cli, "--db", province, "upper", "import", package, "--dry-run"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert untrusted.returncode == 1 and fingerprint in untrusted.stdout
    run("--db", province, "upper", "trust", "02191", "--fingerprint", fingerprint)
    assert "[ĐÃ NHẬP]" in run("--db", province, "upper", "import", package)
