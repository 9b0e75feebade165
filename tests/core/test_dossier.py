"""The printed papers, read back from the PDF: text with every diacritic, A4 with the decree's margins,
the font embedded, page numbers from page 2, long lists across pages with their header repeated."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.helpers import sql
from thidua_desktop.documents import dossier
from thidua_desktop.documents.pdf import vn_date
from thidua_desktop.evaluation import criteria, evaluator, nominations, votes
from thidua_desktop.register import dataset

CRITERIA = criteria.load()
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"
MM = 72 / 25.4


def pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [unicodedata.normalize("NFC", pdf[i].get_textpage().get_text_bounded()) for i in range(len(pdf))]
    finally:
        pdf.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def text_box(path: Path) -> list[tuple[float, float, float, float, tuple[float, float]]]:
    """Per page: the extent of the body text (left, bottom, right, top) and the page size, in points."""
    pdf = pdfium.PdfDocument(str(path))
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            boxes = [tp.get_charbox(j) for j in range(tp.count_chars()) if not tp.get_text_range(j, 1).isspace()]
            out.append(
                (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                    page.get_size(),
                )
            )
    finally:
        pdf.close()
    return out


@pytest.fixture
def nominated(filled_store):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    picked = nominations.candidates(filled_store, report)
    other = next(h for h in report["households"] if h["verdict"] == "not_eligible")
    picked.append(
        nominations.draft(
            2019,
            "household",
            household_id=other["id"],
            override_reason="Hộ tiêu biểu giúp đỡ ba hộ nghèo khác trong thôn",
        )
    )
    picked.append(
        nominations.draft(
            2019,
            "organization",
            nominee_name="Hợp tác xã Chè Đồng Tâm & Cộng sự",
            achievements=nominations.CHECKLISTS["organization"][1],
            award=nominations.AWARDS[1],
        )
    )
    nominations.save(filled_store, picked, report)
    return filled_store


def test_vietnamese_dates_follow_the_decree():
    assert vn_date(_dt.date(2020, 1, 5), "Hồng Thái") == "Hồng Thái, ngày 05 tháng 01 năm 2020"
    assert vn_date(_dt.date(2019, 12, 15), "Hồng Thái") == "Hồng Thái, ngày 15 tháng 12 năm 2019"
    assert vn_date(_dt.date(2019, 3, 9), "Hồng Thái") == "Hồng Thái, ngày 09 tháng 3 năm 2019"


def test_the_dossier_lists_every_nominee_with_diacritics_intact(nominated, tmp_path):
    options = dossier.PaperOptions(number=5, on=_dt.date(2020, 1, 5), signer="Hoàng Văn Thắng")
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA, options)
    assert [f.name for f in files] == [
        "01-to-trinh-2019.pdf",
        "02-danh-sach-2019.pdf",
        "03-bao-cao-thanh-tich-2019.pdf",
        "04-bien-ban-hop-binh-xet-2019.pdf",
    ]
    noms = nominated.nominations.find(2019)
    submission = flat(" ".join(pages(files[0])))
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/TTr-UBND",
        "Hồng Thái, ngày 05 tháng 01 năm 2020",
        "TỜ TRÌNH",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Hoàng Văn Thắng",
        "Nơi nhận:",
        "Kính gửi: Ủy ban nhân dân tỉnh Tuyên Quang",
        f"khen thưởng cho {len(noms)} tập thể",
        "Nghị định số 91/2017/NĐ-CP",
        "Trong đó có 1 trường hợp chưa đủ tiêu chí",
    ]:
        assert expected in submission
    listing = flat(" ".join(pages(files[1])))
    names = {r["id"]: r["head_name"] for r in sql(nominated, "SELECT id, head_name FROM household")}
    for nom in noms:
        name = (
            names.get(nom["household_id"])
            or nom["nominee_name"]
            or next(v["name"] for v in nominated.register.villages() if v["id"] == nom["village_id"])
        )
        assert name in listing
    assert "Lý do đề nghị: Hộ tiêu biểu giúp đỡ ba hộ nghèo khác trong thôn" in listing
    assert "Hợp tác xã Chè Đồng Tâm & Cộng sự" in listing
    reports = pages(files[2])
    assert sum("BÁO CÁO THÀNH TÍCH" in page for page in reports) == len(noms)
    minutes = flat(" ".join(pages(files[3])))
    assert "BIÊN BẢN" in minutes and "người dự họp" in minutes


def test_the_pages_are_a4_inside_the_decrees_margins_with_the_font_embedded(nominated, tmp_path):
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA)
    for path in files:
        for number, (left, bottom, right, top, size) in enumerate(text_box(path), 1):
            assert size == pytest.approx((595.28, 841.89), abs=0.5)
            assert left >= 30 * MM - 1 and right <= size[0] - 15 * MM + 1, (path.name, number)
            assert bottom >= 20 * MM - 1, (path.name, number)
            # only a page number may sit in the top margin, never on a document's first page
            assert top <= size[1] - 20 * MM + 1 or number > 1
        raw = path.read_bytes()
        assert b"/FontFile2" in raw and b"LiberationSerif" in raw
        assert b"/Helvetica" not in raw and b"/Times-Roman" not in raw


def test_a_long_list_breaks_across_pages_with_its_header_and_page_numbers(filled_store, tmp_path):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    picked = nominations.candidates(filled_store, report)
    picked += [
        nominations.draft(
            2019,
            "individual",
            nominee_name=f"Cán bộ giảm nghèo số {n}",
            achievements=nominations.CHECKLISTS["individual"][n % 3],
        )
        for n in range(60)
    ]
    long_name = "Hộ ông Nguyễn Hoàng Phước Thịnh Vượng Trường Xuân Nghĩa Đặng Quốc Bảo Khánh Toàn"
    picked.append(nominations.draft(2019, "individual", nominee_name=long_name, achievements="Tâm huyết " * 40))
    nominations.save(filled_store, picked, report)
    listing = dossier.write_dossier(filled_store, 2019, tmp_path, CRITERIA)[1]
    texts = pages(listing)
    assert len(texts) >= 3
    for n, page in enumerate(texts[1:], 2):
        assert "Tóm tắt thành tích" in page  # the header row again
        assert re.search(rf"(^|\n){n}(\r?\n|$)", page)  # the page number
    assert "Tóm tắt thành tích" in texts[0] and not re.search(r"(^|\n)1(\r?\n)", texts[0].split("STT")[0])
    everything = flat(" ".join(texts))
    assert flat(long_name) in everything
    left, _, right, _, size = text_box(listing)[-1]
    assert right <= size[0] - 15 * MM + 1


def test_filled_minutes_show_attendance_and_every_decision_in_two_copies(filled_store, tmp_path):
    meeting = filled_store.meetings.find(2019)[0]
    out = dossier.write_minutes(filled_store, meeting["id"], tmp_path / "bb.pdf", CRITERIA)
    text = flat(" ".join(pages(out)))
    assert text.count("BIÊN BẢN") == 2 and "(Bản số 01/02)" in text and "(Bản số 02/02)" in text
    share = meeting["households_represented"] / meeting["households_on_list"] * 100
    assert (
        f"đại diện cho {meeting['households_represented']} hộ trên tổng số {meeting['households_on_list']} hộ" in text
    )
    assert f"{share:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%" in text
    names = {r["id"]: r["head_name"] for r in sql(filled_store, "SELECT id, head_name FROM household")}
    for d in meeting["decisions"]:
        assert names[d["household_id"]] in text
        approved = d["agree"] * 2 >= meeting["attendees"]
        assert re.search(re.escape(names[d["household_id"]]) + r".*?(Được đề nghị|Không đủ số đồng ý)", text)
        assert approved or "Không đủ số đồng ý" in text


def test_blank_minutes_carry_the_tally_sheet_and_the_households_to_consider(filled_store, tmp_path):
    village = filled_store.register.villages()[0]
    m = votes.new_meeting(village["id"], 2020, "2020-12-10")
    m["place"] = "Nhà văn hóa thôn"
    votes.save_meeting(filled_store, m)
    report = evaluator.evaluate(dataset.export_data(filled_store), 2020, CRITERIA)
    expected = votes.agenda(filled_store, m, report)
    out = dossier.write_minutes(filled_store, m["id"], tmp_path / "trong.pdf", CRITERIA, blank=True)
    text = flat(" ".join(pages(out)))
    assert "PHIẾU KIỂM ĐẾM BIỂU QUYẾT" in text and "BIÊN BẢN" in text
    assert re.search("ngày …+ tháng …+ năm …+", text)
    for item in expected:
        assert item.head_name in text
    with pytest.raises(dossier.PapersRefused, match="chưa có kết quả biểu quyết"):
        dossier.write_minutes(filled_store, m["id"], tmp_path / "x.pdf", CRITERIA)
    assert not (tmp_path / "x.pdf").exists()


def test_print_commands_exit_with_the_promised_codes(tmp_path, capsys):
    import main

    db = str(tmp_path / "x.sqlite")

    @dataclass
    class Done:
        returncode: int
        stdout: str
        stderr: str

    def run(*a):
        try:
            code = main.main(["--db", db, *a])
        except SystemExit as exc:  # wrong usage
            code = exc.code
        return Done(code, *capsys.readouterr())

    assert run("import-json", str(EXAMPLE)).returncode == 0
    done = run(
        "print-dossier", "--year", "2019", "--out", str(tmp_path / "hs"), "--number", "7", "--date", "2020-02-03"
    )
    assert done.returncode == 0, done.stderr
    assert "Số: 07/TTr-UBND" in flat(" ".join(pages(tmp_path / "hs" / "01-to-trinh-2019.pdf")))
    assert "ngày 03 tháng 02 năm 2020" in flat(" ".join(pages(tmp_path / "hs" / "01-to-trinh-2019.pdf")))
    none = run("print-dossier", "--year", "2016", "--out", str(tmp_path / "hs2"))
    assert none.returncode == 1 and "chưa có ai trong danh sách đề nghị" in none.stderr
    missing = run("print-minutes", "khong-co", "--out", str(tmp_path / "m.pdf"))
    assert missing.returncode == 1 and "Không có cuộc họp nào mang mã khong-co" in missing.stderr
    wrong = run("print-minutes", "x", "--out", str(tmp_path / "m.pdf"), "--copies", "9")
    assert wrong.returncode == 2
    data = dataset.read_file(EXAMPLE)
    meeting_id = data["meetings"][-1]["id"]
    ok = run("print-minutes", meeting_id, "--out", str(tmp_path / "m.pdf"))
    assert ok.returncode == 0, ok.stderr and (tmp_path / "m.pdf").stat().st_size > 0
