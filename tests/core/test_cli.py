"""The command line as an officer uses it, in-process: a commune and its level above, each in its own
file, set up and exchanging packages, receipts and decisions only through `main.main`. Each test reads
the exit code and what the officer is told (stdout and stderr); the packages' own refusals are tested
through the core in test_packages.py."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import main
from tests.helpers import own_log_handlers, sql
from thidua_desktop import cli, paths
from thidua_desktop.exchange import inbox, outbox
from thidua_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "example-dataset.json"
BUILT_IN_CRITERIA = ROOT / "resources" / "criteria" / "tuyen-quang-2016-2020.json"
FINGERPRINT = re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{4}){4}$")
CODE = "02191"  # the example commune, Xã Hồng Thái
UPPER = ("--name", "UBND tỉnh Tuyên Quang", "--level", "province")


def run(capsys, *argv) -> tuple[int, str, str]:
    """One command as `python main.py ...` runs it: its exit code, stdout and stderr."""
    try:
        code = main.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse ends a wrong usage with exit code 2
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@dataclass
class Offices:
    """A commune's file and its level above's, in their own folders, and the folder of a USB stick."""

    tmp: Path
    capsys: pytest.CaptureFixture
    xa: Path
    tinh: Path
    setup: Path
    upper_fingerprint: str
    commune_fingerprint: str
    empty_template: Path

    @property
    def usb(self) -> Path:
        return self.tmp / "usb"

    def commune(self, *args) -> tuple[int, str, str]:
        return run(self.capsys, "--db", self.xa, *args)

    def new_file(self, name: str) -> Path:
        """A file with no commune yet (a copy of the session's migrated empty file)."""
        target = self.tmp / name
        shutil.copyfile(self.empty_template, target)
        return target

    def package(self, *args) -> tuple[int, str, str]:
        return self.commune("package", *args)

    def upper(self, *args) -> tuple[int, str, str]:
        return run(self.capsys, "--db", self.tinh, "upper", *args)

    def export(self) -> Path:
        code, out, err = self.package("export", "--out", self.usb)
        assert code == 0, err
        return Path(last_line(out))

    def trusted_import(self) -> tuple[Path, Path]:
        """The first package: refused, trusted as read over the phone, imported with its receipt."""
        first = self.export()
        assert self.upper("import", first)[0] == 1
        assert self.upper("trust", CODE, "--fingerprint", self.commune_fingerprint)[0] == 0
        code, out, err = self.upper("import", first, "--receipt-dir", self.tmp / "receipts")
        assert code == 0, out + err
        return first, self.tmp / "receipts" / f"{first.stem}.bien-nhan.json"

    def dataset(self) -> dict:
        out = self.tmp / "xuat.json"
        assert self.commune("export-json", out)[0] == 0
        return json.loads(out.read_text(encoding="utf-8"))

    def change_commune(self, data: dict) -> str:
        """The officer's edits, brought in as a dataset (import-json): what the command says."""
        file = self.tmp / "sua.json"
        file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        code, out, err = self.commune("import-json", file)
        assert code == 0, err
        return out


@dataclass
class SetUp:
    """The two files as the commands below left them, made once a module, and what each command said."""

    folder: Path
    said: dict[str, tuple[int, str, str]]
    upper_fingerprint: str
    commune_fingerprint: str


def quiet_run(*argv) -> tuple[int, str, str]:
    """`run` without capsys, for a fixture wider than one test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def set_up(tmp_path_factory) -> SetUp:
    """import-json of the example commune, `upper init` on another file, `package setup` of its setup
    file: the real first steps, once; each test starts from a copy of the two folders."""
    folder = tmp_path_factory.mktemp("offices")
    xa, tinh, setup = folder / "xa" / "xa.sqlite", folder / "tinh" / "tinh.sqlite", folder / "thiet-lap.json"
    with pytest.MonkeyPatch.context() as mp, own_log_handlers():
        mp.setenv("THIDUA_DATA_DIR", str(folder / "data"))
        said = {
            "import-json": quiet_run("--db", xa, "import-json", EXAMPLE),
            "upper init": quiet_run("--db", tinh, "upper", "init", *UPPER, "--setup-out", setup),
            "package setup": quiet_run("--db", xa, "package", "setup", setup),
        }
    assert [code for code, _, _ in said.values()] == [0, 0, 0], said
    upper_fp = last_line(said["upper init"][1]).split(": ")[1]
    commune_fp = last_line(said["package setup"][1]).split(": ")[1]
    return SetUp(folder, said, upper_fp, commune_fp)


@pytest.fixture
def offices(tmp_path, capsys, set_up, empty_template) -> Offices:
    for name in ("xa", "tinh"):
        shutil.copytree(set_up.folder / name, tmp_path / name)  # each file with its keys (copy2 keeps their mode)
    shutil.copyfile(set_up.folder / "thiet-lap.json", tmp_path / "thiet-lap.json")
    return Offices(
        tmp_path,
        capsys,
        tmp_path / "xa" / "xa.sqlite",
        tmp_path / "tinh" / "tinh.sqlite",
        tmp_path / "thiet-lap.json",
        set_up.upper_fingerprint,
        set_up.commune_fingerprint,
        empty_template,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes: what an import may have written."""
    return {
        str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


# --- setting up --------------------------------------------------------------------------------------


def test_a_commune_and_its_level_above_are_set_up_by_the_command_line(set_up):
    code, out, err = set_up.said["import-json"]
    assert out.startswith("Đã nhập 3 thôn, 14 hộ (14 hộ mới), 61 kết quả rà soát, 12 cuộc họp") and err == ""
    code, out, err = set_up.said["upper init"]
    tinh, setup = set_up.folder / "tinh" / "tinh.sqlite", set_up.folder / "thiet-lap.json"
    assert out.splitlines() == [
        f"Đã tạo tệp cấp trên {tinh} (UBND tỉnh Tuyên Quang). Tệp thiết lập cho các xã: {setup}",
        f"Mã nhận diện của cấp trên: {set_up.upper_fingerprint}",
    ]
    assert json.loads(setup.read_text(encoding="utf-8"))["document"]["name"] == "UBND tỉnh Tuyên Quang"
    code, out, err = set_up.said["package setup"]
    assert out.splitlines() == [
        "Đã thiết lập cấp trên: UBND tỉnh Tuyên Quang (tỉnh).",
        f"Mã nhận diện của cấp trên (đọc đối chiếu khi gọi điện): {set_up.upper_fingerprint}",
        f"Mã nhận diện của xã (đọc cho cấp trên): {set_up.commune_fingerprint}",
    ]
    assert FINGERPRINT.match(set_up.upper_fingerprint) and FINGERPRINT.match(set_up.commune_fingerprint)
    assert set_up.upper_fingerprint != set_up.commune_fingerprint


def test_setting_up_refuses_what_does_not_fit(offices, capsys):
    code, out, err = offices.package("fingerprint")
    assert code == 0 and out.splitlines()[0] == "Mã nhận diện khóa của xã:"
    assert last_line(out) == offices.commune_fingerprint  # alone on the last line, to read over the phone

    code, _, err = offices.upper("init", "--name", "Tỉnh khác", "--level", "province", "--setup-out", offices.tmp / "x")
    assert code == 1 and "đã là tệp của cấp trên" in err
    code, _, err = offices.commune(
        "upper", "init", "--name", "X", "--level", "district", "--setup-out", offices.tmp / "y"
    )
    assert code == 1 and "đang chứa dữ liệu của một xã" in err
    code, _, err = offices.upper("init", "--name", "X", "--level", "commune", "--setup-out", offices.tmp / "z")
    assert code == 2 and "Lỗi cách dùng" in err and "chọn một trong" in err
    assert not any((offices.tmp / name).exists() for name in "xyz")

    doc = json.loads(offices.setup.read_text(encoding="utf-8"))
    doc["document"]["name"] = "UBND tỉnh giả"
    forged = offices.tmp / "gia.json"
    forged.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = offices.package("setup", forged)
    assert code == 1 and str(forged) in err and "đã bị thay đổi" in err
    code, _, err = offices.package("setup", offices.tmp / "khong-co.json")
    assert code == 1 and "Không đọc được tệp thiết lập" in err and "khong-co.json" in err
    code, _, err = run(capsys, "--db", offices.new_file("moi.sqlite"), "package", "setup", offices.setup)
    assert code == 1 and "chưa có thông tin xã" in err
    code, _, err = offices.upper("setup-file", "--out", offices.tmp / "lai.json")
    assert code == 0  # the level above is still the one set up
    code, out, err = offices.package("setup", offices.tmp / "lai.json")
    assert code == 0 and offices.upper_fingerprint in out


WORDS = (
    "--db x.sqlite --officer Lò_Văn_A --demo --smoke-test --quit-when-shown --d -- -h --help --version --dbx "
    "evaluate --year 2019 package outbox = --db= --officer= --db=-y -1 -x --quit --demo=1 --officer=Lò=Văn"
).split()


WHOLE = cli.build_parser()


def _parsed(parse, argv: list[str]) -> tuple[str, object]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = parse(argv)
        except SystemExit as exc:
            return "exit", (exc.code, out.getvalue(), err.getvalue())
    return "args", vars(args)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_the_windows_own_options_read_as_the_whole_command_line_reads_them(argv):
    """main.py reads a window's start with a parser of the options alone (cli.parse_args): it must read
    every command line as the whole parser does, or leave it to that parser."""
    assert _parsed(cli.parse_args, argv) == _parsed(WHOLE.parse_args, argv)


def test_wrong_usage_exits_2_in_vietnamese(offices):
    code, _, err = offices.commune("package")
    assert code == 2 and "Lỗi cách dùng" in err and "thiếu tham số bắt buộc" in err
    code, _, err = offices.upper("import")
    assert code == 2 and "thiếu tham số bắt buộc: PACKAGE" in err
    code, _, err = offices.package("export")
    assert code == 2 and "--out" in err
    code, _, err = offices.upper("report", "--year", "năm ngoái", "--out", offices.tmp / "r.xlsx")
    assert code == 2 and "không phải số nguyên" in err
    code, _, err = offices.commune("package", "gui-di")
    assert code == 2 and "lệnh không có" in err


# --- the first package, trust, receipts --------------------------------------------------------------


def test_the_first_package_waits_for_the_fingerprint_read_over_the_phone(offices):
    code, out, err = offices.package("export", "--out", offices.usb)
    assert code == 0, err
    first = Path(last_line(out))
    assert first.parent == offices.usb and re.fullmatch(rf"thidua-{CODE}-\d{{4}}-0001\.tdgoi", first.name)

    code, out, err = offices.upper("import", first)
    assert code == 1
    assert f"[TỪ CHỐI] {first.name}: Xã {CODE} chưa được xác nhận." in out
    assert f'upper trust {CODE} --fingerprint "{offices.commune_fingerprint}"' in out
    assert last_line(out) == "Xong: 0/1 gói được nhận."
    assert not any(paths.commune_copies_dir(offices.tinh).iterdir())  # no commune file made for it yet

    code, _, err = offices.upper("trust", CODE, "--fingerprint", "AAAA BBBB CCCC DDDD EEEE")
    assert code == 1 and "không khớp" in err and "Không xác nhận" in err
    assert offices.commune_fingerprint not in err  # a wrong reading never tells the right one
    typed = offices.commune_fingerprint.replace(" ", "").lower()  # as typed while listening
    code, out, err = offices.upper("trust", CODE, "--fingerprint", typed)
    assert code == 0 and out.startswith(f"Đã xác nhận khóa của xã {CODE}"), err
    assert offices.commune_fingerprint in out  # the key confirmed, as it was read

    receipts = offices.tmp / "receipts"
    code, out, err = offices.upper("import", first, "--receipt-dir", receipts)
    assert code == 0, err
    assert f"[ĐÃ NHẬP] {first.name}: xã {CODE} Xã Hồng Thái, gói số 1: 14 hộ, 14 hộ mới, 0 hộ thay đổi." in out
    assert last_line(out) == f"Xong: 1/1 gói được nhận; biên nhận trong {receipts}."
    receipt = receipts / f"{first.stem}.bien-nhan.json"
    assert receipt.exists()

    code, out, _ = offices.package("outbox")
    assert code == 0 and first.name in out and "Đã chuyển, chờ biên nhận" in out
    code, out, err = offices.package("receipt", receipt)
    assert code == 0 and out.startswith("Gói số 1: cấp trên đã nhận."), err
    code, out, _ = offices.package("outbox")
    assert code == 0 and "Cấp trên đã nhận" in out and "14 hộ mới" in out

    code, out, _ = offices.upper("import", first)  # the same package again: taken as one, no change
    assert code == 0 and f"[ĐÃ CÓ] {first.name}" in out
    garbage = offices.tmp / "rac.json"
    garbage.write_bytes(b"\x00\x01 not a receipt")
    code, _, err = offices.package("receipt", garbage)
    assert code == 1 and "rac.json" in err
    code, _, err = offices.package("receipt", offices.tmp / "khong-co.json")
    assert code == 1 and "Không đọc được biên nhận" in err


def test_a_dry_run_reports_what_would_change_and_writes_nothing(offices):
    offices.trusted_import()
    data = offices.dataset()
    data["households"][0]["members"] += 1
    offices.change_commune(data)
    second = offices.export()

    before = snapshot(offices.tinh.parent)
    code, out, err = offices.upper("import", second, "--dry-run", "--receipt-dir", offices.tmp / "thu")
    assert code == 0, err
    assert (
        f"[KIỂM TRA] {second.name}: xã {CODE} Xã Hồng Thái: 14 hộ, 0 hộ mới, 1 hộ thay đổi. Chưa ghi (chạy thử)." in out
    )
    assert last_line(out) == "Chạy thử: 1/1 gói được nhận."
    assert snapshot(offices.tinh.parent) == before and not (offices.tmp / "thu").exists()

    code, out, _ = offices.upper("import", second)
    assert code == 0 and "gói số 2: 14 hộ, 0 hộ mới, 1 hộ thay đổi." in out
    assert snapshot(offices.tinh.parent) != before


def test_importing_into_the_wrong_file_is_refused(offices, capsys):
    first = offices.export()
    code, out, _ = offices.commune("upper", "import", first)
    assert code == 1 and f"[TỪ CHỐI] {first.name}:" in out and "không phải tệp của cấp trên" in out
    code, _, err = run(capsys, "--db", offices.tinh, "package", "export", "--out", offices.usb)
    assert code == 1 and "là tệp của cấp trên, không phải của xã" in err
    code, _, err = run(capsys, "--db", offices.new_file("moi.sqlite"), "package", "export", "--out", offices.usb)
    assert code == 1 and "chưa có thông tin xã" in err
    code, out, _ = offices.upper("import", offices.usb / "khong-co.tdgoi")
    assert code == 1 and "[TỪ CHỐI] khong-co.tdgoi:" in out and "không đọc được tệp" in out


# --- decisions travel back --------------------------------------------------------------------------


def test_decisions_on_nominations_travel_back_in_a_fresh_receipt(offices):
    data = offices.dataset()
    for n in data["nominations"]:
        n["status"] = "sent"  # the commune has sent its list up
    offices.change_commune(data)
    offices.trusted_import()
    household, village = data["nominations"][0]["id"], data["nominations"][2]["id"]

    code, _, err = offices.upper("decide", CODE, household, "--status", "decided")
    assert code == 1 and "cần số và ngày quyết định" in err
    code, _, err = offices.upper("decide", CODE, village, "--status", "returned")
    assert code == 1 and "cần ghi ý kiến" in err
    code, _, err = offices.upper("decide", CODE, village, "--status", "maybe")
    assert code == 2
    code, _, err = offices.upper(
        "decide", CODE, village, "--status", "decided", "--number", "1", "--date", "2020-13-01"
    )
    assert code == 2 and "không phải ngày" in err

    code, out, err = offices.upper(
        "decide", CODE, household, "--status", "decided", "--number", "125/QĐ-UBND", "--date", "2020-02-10"
    )
    assert code == 0 and out.startswith("Đã ghi quyết định"), err
    code, out, err = offices.upper(
        "decide", CODE, village, "--status", "returned", "--comment", "Thiếu biên bản họp thôn"
    )
    assert code == 0, err

    code, out, err = offices.upper("receipt", CODE, "--out", offices.tmp / "bn")
    receipt = offices.tmp / "bn" / f"bien-nhan-{CODE}.json"
    assert code == 0 and out.strip() == f"Đã ghi biên nhận: {receipt}", err
    code, _, err = offices.upper("receipt", "02194", "--out", offices.tmp / "bn2")
    assert code == 1 and "Chưa nhập gói nào của xã 02194" in err

    code, out, err = offices.package("receipt", receipt)
    assert code == 0 and "Đã ghi 2 quyết định về đề nghị khen thưởng." in out, err
    after = {n["id"]: n for n in offices.dataset()["nominations"]}
    assert (after[household]["status"], after[household]["decision_number"], after[household]["decision_date"]) == (
        "decided",
        "125/QĐ-UBND",
        "2020-02-10",
    )
    assert after[village]["status"] == "returned" and after[village]["comment"] == "Thiếu biên bản họp thôn"
    code, out, _ = offices.package("receipt", receipt)  # the same receipt again changes nothing
    assert code == 0 and "quyết định" not in out


# --- the level above's report -------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return unicodedata.normalize("NFC", " ".join(p.get_textpage().get_text_bounded() for p in pdf))
    finally:
        pdf.close()


def test_the_years_report_of_the_level_above_in_excel_and_pdf(offices):
    offices.trusted_import()
    xlsx, pdf = offices.tmp / "bao-cao.xlsx", offices.tmp / "bao-cao.pdf"
    code, out, err = offices.upper("report", "--year", "2019", "--out", xlsx)
    assert code == 0 and out.strip() == f"Đã ghi báo cáo năm 2019: {xlsx}", err
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    try:
        cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    finally:
        wb.close()
    assert {"Xã Hồng Thái", CODE, "Toàn địa bàn"} <= cells

    code, out, err = offices.upper("report", "--year", "2019", "--out", pdf)
    assert code == 0 and out.strip() == f"Đã ghi báo cáo năm 2019: {pdf}", err
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(pdf).split())
    assert "Xã Hồng Thái" in text and "2019" in text

    code, _, err = offices.commune("upper", "report", "--year", "2019", "--out", offices.tmp / "xa.xlsx")
    assert code == 1 and "không phải tệp của cấp trên" in err and not (offices.tmp / "xa.xlsx").exists()


# --- the setup file again, with a criteria set ---------------------------------------------------------


def test_the_setup_file_can_carry_a_criteria_set_and_a_bad_one_is_refused(offices):
    raw = json.loads(BUILT_IN_CRITERIA.read_text(encoding="utf-8"))
    good, bad, broken = offices.tmp / "tinh-2021.json", offices.tmp / "thieu.json", offices.tmp / "hong.json"
    good.write_text(json.dumps({**raw, "name": "tinh-2021"}, ensure_ascii=False), encoding="utf-8")
    bad.write_text(json.dumps({k: v for k, v in raw.items() if k != "vote_share"}, ensure_ascii=False), "utf-8")
    broken.write_text('{"name": ', encoding="utf-8")

    out_file = offices.tmp / "thiet-lap-2.json"
    code, _, err = offices.upper("setup-file", "--out", out_file, "--criteria-file", bad)
    assert code == 1 and "thieu.json" in err and "'vote_share' bị thiếu" in err and not out_file.exists()
    code, _, err = offices.upper("setup-file", "--out", out_file, "--criteria-file", broken)
    assert code == 1 and "không phải JSON hợp lệ" in err and not out_file.exists()
    code, _, err = offices.upper("setup-file", "--out", out_file, "--criteria-file", offices.tmp / "khong-co.json")
    assert code == 1 and "Không đọc được bộ tiêu chí" in err and not out_file.exists()

    code, out, err = offices.upper("setup-file", "--out", out_file, "--criteria-file", good)
    assert code == 0 and out.strip() == f"Đã ghi tệp thiết lập: {out_file}", err
    code, out, err = offices.package("setup", out_file)
    assert code == 0 and offices.upper_fingerprint in out, err
    code, out, err = offices.commune("evaluate", "--year", "2019", "--json")
    assert code == 0 and json.loads(out)["criteria_set"] == "tinh-2021", err  # the commune now judges by it


# --- sending, the outbox and a new key ---------------------------------------------------------------


def test_sending_needs_an_address_and_a_dead_one_waits_to_try_again(offices):
    code, out, err = offices.package("send", "--address", "http://127.0.0.1:9")
    assert code == 0 and out.strip() == "Không có gói nào cần gửi."
    offices.export()
    code, out, err = offices.package("send")
    assert code == 1 and out == ""
    assert err.strip() == "Chưa có địa chỉ của cấp trên: dùng --address, hoặc gửi gói bằng USB."
    code, out, err = offices.package("send", "--address", "http://127.0.0.1:9")
    assert code == 1 and "Gói số 1: chưa gửi được" in out and "sẽ thử lại sau 30 giây" in out
    code, out, _ = offices.package("outbox")
    assert code == 0 and "Đã chuyển, chờ biên nhận" in out  # written to the stick; still waiting for its receipt


def test_a_new_key_is_refused_until_confirmed_again_by_phone(offices):
    offices.trusted_import()
    code, out, err = offices.package("new-key")
    assert code == 0 and out.startswith("Đã tạo khóa mới; khóa cũ được cất riêng."), err
    new = last_line(out)
    assert FINGERPRINT.match(new) and new != offices.commune_fingerprint
    assert last_line(offices.package("fingerprint")[1]) == new
    second = offices.export()
    code, out, _ = offices.upper("import", second)
    assert code == 1 and "đã đổi khóa" in out and new in out
    assert offices.upper("trust", CODE, "--fingerprint", new)[0] == 0
    code, out, _ = offices.upper("import", second)
    assert code == 0 and "[ĐÃ NHẬP]" in out


# --- the commune's own commands ------------------------------------------------------------------------


def test_evaluate_prints_the_json_report_and_refuses_a_file_without_a_commune(offices, capsys):
    code, out, err = offices.commune("evaluate", "--year", "2019", "--json")
    assert code == 0, err
    report = json.loads(out)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    existing = {h["id"] for h in example["households"] if h["left_in"] is None or h["left_in"] > 2019}
    assert {h["id"] for h in report["households"]} <= {h["id"] for h in example["households"]}
    assert existing <= {h["id"] for h in report["households"]}
    assert {v["id"] for v in report["villages"]} == {v["id"] for v in example["villages"]}
    code, out, _ = offices.commune("evaluate", "--year", "2019")
    assert code == 0 and "ĐÁNH GIÁ NĂM 2019" in out and "Xã Hồng Thái" in out
    code, out, err = run(capsys, "--db", offices.new_file("trong.sqlite"), "evaluate", "--year", "2019", "--json")
    assert code == 1 and out == "" and "chưa có thông tin xã" in err


def test_export_json_and_import_json_into_a_new_file_round_trip(offices, capsys):
    exported = offices.tmp / "xa.json"
    code, out, err = offices.commune("export-json", exported)
    assert code == 0 and out.strip() == f"Đã xuất 3 thôn, 14 hộ ra tệp {exported}.", err
    other = offices.new_file("khac.sqlite")
    code, out, err = run(capsys, "--db", other, "import-json", exported)
    assert code == 0 and out.startswith("Đã nhập 3 thôn, 14 hộ (14 hộ mới)") and "Bản sao lưu" not in out, err
    again = offices.tmp / "lai.json"
    assert run(capsys, "--db", other, "export-json", again)[0] == 0
    first, second = (json.loads(f.read_text(encoding="utf-8")) for f in (exported, again))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second

    code, out, err = run(capsys, "--db", other, "import-json", again)  # over itself: no new household, a copy first
    assert code == 0 and "(0 hộ mới)" in out, err
    assert "Bản sao lưu trước khi nhập: " in out and Path(last_line(out).split(": ", 1)[1]).exists()
    code, _, err = run(capsys, "--db", other, "import-json", offices.tmp / "khong-co.json")
    assert code == 1 and "khong-co.json" in err
    code, _, err = run(capsys, "--db", offices.new_file("trong.sqlite"), "export-json", offices.tmp / "trong.json")
    assert code == 1 and "chưa có thông tin xã" in err and not (offices.tmp / "trong.json").exists()


def test_a_refused_dataset_leaves_the_file_as_it_was(offices):
    data = offices.dataset()
    broken = copy.deepcopy(data)
    broken["households"][0]["members"] = -1
    file = offices.tmp / "hong.json"
    file.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    before = snapshot(offices.xa.parent)
    code, out, err = offices.commune("import-json", file)
    assert code == 1 and out == "" and "hong.json bị từ chối, không có gì được ghi" in err
    assert "households[0] (Nông Đức Quý).members: phải từ 1 trở lên" in err
    assert snapshot(offices.xa.parent) == before  # checked before anything, even the copy, is written


# --- a bug, and the real process ---------------------------------------------------------------------


def test_a_bug_in_a_command_exits_3_and_names_the_log_holding_its_traceback(offices, monkeypatch, data_dir):
    def broken(store):
        raise RuntimeError("own_keys broke")

    monkeypatch.setattr(outbox, "own_keys", broken)
    code, out, err = offices.package("fingerprint")
    log = data_dir / "logs" / "thidua.log"
    assert code == 3 and out == "Mã nhận diện khóa của xã:\n"
    assert "Chương trình gặp lỗi không mong muốn" in err and str(log) in err
    assert "Traceback" not in err  # the officer reads a sentence, the details go to the log
    logged = log.read_text(encoding="utf-8")
    assert "unexpected error in command package" in logged
    assert "Traceback (most recent call last)" in logged and "RuntimeError: own_keys broke" in logged


def test_the_program_itself_exits_with_the_commands_code(tmp_path, data_dir):
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "trong.sqlite"), "evaluate", "--year", "2019"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 1 and "chưa có thông tin xã" in done.stderr and "Traceback" not in done.stderr


# --- the HTTP inbox ------------------------------------------------------------------------------------


@pytest.fixture
def receiver(offices) -> Iterator[tuple[str, inbox.Inbox]]:
    box = inbox.Inbox(offices.tinh, "Hộp thư đến")
    server = inbox.make_server(box, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", box
    server.shutdown()
    server.server_close()
    thread.join(5)


def post(address: str, raw: bytes, sha: str | None = None, path: str = "/goi") -> tuple[int, bytes]:
    request = urllib.request.Request(
        address + path,
        data=raw,
        method="POST",
        headers={"Content-Type": "application/octet-stream", "X-Thidua-Sha256": sha or hashlib.sha256(raw).hexdigest()},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def get(address: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(address + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def test_the_http_inbox_answers_a_package_with_its_receipt(offices, receiver):
    address, box = receiver
    assert get(address, "/ping") == (200, "ThiDua: hộp thư đến của cấp trên đang chạy.".encode())
    raw = offices.export().read_bytes()
    sha = hashlib.sha256(raw).hexdigest()

    status, body = post(address, raw, sha="0" * 64)  # damaged on the way
    assert status == 400 and "Mã băm của gói không khớp" in body.decode("utf-8")
    assert list(box.folder.iterdir()) == []  # nothing kept

    status, body = post(address, raw)  # not trusted yet: the answer is a receipt that refuses it
    assert status == 200 and json.loads(body)["document"]["status"] == "refused"
    assert offices.upper("trust", CODE, "--fingerprint", offices.commune_fingerprint)[0] == 0
    status, body = post(address, raw)
    assert status == 200
    document = json.loads(body)["document"]
    assert document["status"] == "accepted" and document["package_sha256"] == sha
    kept = [f.name for f in box.folder.iterdir()]
    assert kept == [f"thidua-{CODE}-0001-{sha[:8]}.tdgoi"]

    receipt = offices.tmp / "qua-mang.json"
    receipt.write_bytes(body)
    code, out, err = offices.package("receipt", receipt)
    assert code == 0 and out.startswith("Gói số 1: cấp trên đã nhận."), err

    status, again = get(address, f"/bien-nhan/{sha}")
    assert status == 200 and json.loads(again)["document"]["package_sha256"] == sha
    assert get(address, "/bien-nhan/" + "f" * 64) == (404, "Chưa có gói này.".encode())
    assert get(address, "/khac")[0] == 404
    assert post(address, raw, path="/khac")[0] == 404
    province = Store.open(offices.tinh)
    try:
        assert sql(province, "SELECT count(*) FROM upper_package")[0][0] == 1
    finally:
        province.close()


def test_the_serve_inbox_command_receives_until_stopped(offices, monkeypatch, capsys):
    started = []
    make = inbox.make_server

    def keep(box, host, port):
        server = make(box, host, port)
        started.append(server)
        return server

    monkeypatch.setattr(inbox, "make_server", keep)
    done = []
    thread = threading.Thread(
        target=lambda: done.append(main.main(["--db", str(offices.tinh), "upper", "serve-inbox", "--port", "0"]))
    )
    thread.start()
    try:
        for _ in range(200):
            if started:
                break
            time.sleep(0.02)
        assert started, "the inbox did not start"
        port = started[0].server_address[1]
        assert get(f"http://127.0.0.1:{port}", "/ping")[0] == 200
    finally:
        if started:
            started[0].shutdown()
        thread.join(10)
    assert done == [0]
    out = capsys.readouterr().out
    assert f"Hộp thư đến đang nhận gói tại http://127.0.0.1:{port}/goi" in out
    code, _, err = offices.commune("upper", "serve-inbox", "--port", "0")
    assert code == 1 and "không phải tệp của cấp trên" in err


def test_ctrl_c_stops_the_inbox_with_a_word(offices, monkeypatch):
    make = inbox.make_server

    def interrupted(box, host, port):
        server = make(box, host, port)

        def serve_forever(poll_interval=0.5):
            raise KeyboardInterrupt  # the officer presses Ctrl+C

        server.serve_forever = serve_forever
        return server

    monkeypatch.setattr(inbox, "make_server", interrupted)
    code, out, _ = offices.upper("serve-inbox", "--port", "0")
    assert code == 0 and "Nhấn Ctrl+C để dừng." in out and last_line(out) == "Đã dừng hộp thư đến."


def test_the_installed_thidua_script_runs_headless_commands_only(offices, capsys):
    from thidua_desktop import cli

    assert cli.console_main([]) == 2  # no window from the script: the help instead
    assert "LỆNH" in capsys.readouterr().out
    assert cli.console_main(["--db", str(offices.xa), "package", "fingerprint"]) == 0
    assert last_line(capsys.readouterr().out) == offices.commune_fingerprint
