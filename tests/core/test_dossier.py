"""The printed papers, read back from the PDF (text, fonts, positions and drawn lines): who grants what,
attachments that are there, achievements that are achievements, and NĐ 30/2020's layout."""

from __future__ import annotations

import ctypes
import datetime as _dt
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from tests.helpers import sql
from thidua_desktop import settings
from thidua_desktop.documents import dossier
from thidua_desktop.documents.pdf import MOTTO, vn_date
from thidua_desktop.documents.wording import name_key, percent
from thidua_desktop.evaluation import criteria, evaluator, nominations, votes
from thidua_desktop.register import dataset
from thidua_desktop.store import sort_name

CRITERIA = criteria.load()
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"
MAIN = Path(__file__).resolve().parents[2] / "main.py"
MM = 72 / 25.4
BANG_KHEN = "Bằng khen của Chủ tịch UBND tỉnh"
ON = _dt.date(2020, 1, 5)
SIGNER = "Hoàng Văn Thắng"


# --- reading a PDF back -------------------------------------------------------------------------------


def pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [unicodedata.normalize("NFC", pdf[i].get_textpage().get_text_bounded()) for i in range(len(pdf))]
    finally:
        pdf.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def everything(path: Path) -> str:
    return flat(" ".join(pages(path)))


class Page:
    """One page's text with the position and font of every character, and its drawn lines."""

    def __init__(self, page):
        tp = page.get_textpage()
        self.size = page.get_size()
        self.chars = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            buf, flags = ctypes.create_string_buffer(128), ctypes.c_int()
            pdfium_raw.FPDFText_GetFontInfo(tp.raw, i, buf, 128, ctypes.byref(flags))
            self.chars.append((ch, tp.get_charbox(i), buf.value.decode()))
        self.text = unicodedata.normalize("NFC", "".join(c[0] for c in self.chars))
        self.rules = [
            obj.get_bounds()
            for obj in page.get_objects()
            if obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH and obj.get_bounds()[3] - obj.get_bounds()[1] < 2
        ]

    def find(self, needle: str, nth: int = 0) -> tuple[float, float, float, float, str]:
        """(left, bottom, right, top, font) of an occurrence of `needle` on the page."""
        raw = "".join(c[0] for c in self.chars)  # one code point a character, as the PDF's text map holds it
        starts = [m.start() for m in re.finditer(re.escape(needle), raw)]
        assert len(starts) > nth, f"{needle!r} not on the page"
        boxes = [c for c in self.chars[starts[nth] : starts[nth] + len(needle)] if not c[0].isspace()]
        return (
            min(b[1][0] for b in boxes),
            min(b[1][1] for b in boxes),
            max(b[1][2] for b in boxes),
            max(b[1][3] for b in boxes),
            boxes[0][2],
        )

    def rule_under(self, box, within: float = 14) -> tuple[float, float, float, float]:
        """The drawn line just below a text box, centred on it."""
        mid = (box[0] + box[2]) / 2
        below = [r for r in self.rules if box[1] - within <= r[1] <= box[1] and abs((r[0] + r[2]) / 2 - mid) < 3]
        assert below, f"no line under {box}"
        return max(below, key=lambda r: r[1])


def read(path: Path) -> list[Page]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [Page(pdf[i]) for i in range(len(pdf))]
    finally:
        pdf.close()


def text_box(path: Path) -> list[tuple[float, float, float, float, tuple[float, float]]]:
    """Per page: the extent of the body text (left, bottom, right, top) and the page size, in points."""
    out = []
    for page in read(path):
        boxes = [c[1] for c in page.chars if not c[0].isspace()]
        out.append(
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
                page.size,
            )
        )
    return out


# --- the data ---------------------------------------------------------------------------------------


@pytest.fixture
def example(store):
    dataset.import_file(store, EXAMPLE)
    return store


@pytest.fixture
def nominated(filled_store):
    """The demo commune's 2019: the eligible households and villages (Giấy khen of the commune, some of
    them asked of the province instead), one proposed against the evaluation, and an organisation."""
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    picked = nominations.candidates(filled_store, report)
    for i, nom in enumerate(picked):
        if i % 2:
            nom["award"] = BANG_KHEN
    other = next(h for h in report["households"] if h["verdict"] == "not_eligible")
    picked.append(
        nominations.draft(
            2019,
            "household",
            household_id=other["id"],
            override_reason="Hộ tiêu biểu giúp đỡ ba hộ nghèo khác trong thôn",
            award=BANG_KHEN,
        )
    )
    picked.append(
        nominations.draft(
            2019,
            "organization",
            nominee_name="Hợp tác xã Chè Đồng Tâm & Cộng sự",
            achievements=nominations.CHECKLISTS["organization"][1],
            award=BANG_KHEN,
        )
    )
    nominations.save(filled_store, picked, report)
    return filled_store


def options(**kw) -> dossier.PaperOptions:
    return dossier.PaperOptions(**{"number": 5, "decision_number": 12, "on": ON, "signer": SIGNER, **kw})


def names_of(store, noms) -> list[str]:
    """How the papers name each nominee: 'Hộ ông …' / 'Hộ bà …', the village, the organisation."""
    heads = {
        r["id"]: f"Hộ {'ông' if r['head_gender'] == 'male' else 'bà'} {r['head_name']}"
        for r in sql(store, "SELECT id, head_name, head_gender FROM household")
    }
    villages = {v["id"]: v["name"] for v in store.register.villages()}
    return [heads.get(n["household_id"]) or villages.get(n["village_id"]) or n["nominee_name"] for n in noms]


# --- who grants what --------------------------------------------------------------------------------


def test_vietnamese_dates_follow_the_decree():
    assert vn_date(_dt.date(2020, 1, 5), "Hồng Thái") == "Hồng Thái, ngày 05 tháng 01 năm 2020"
    assert vn_date(_dt.date(2019, 12, 15), "Hồng Thái") == "Hồng Thái, ngày 15 tháng 12 năm 2019"
    assert vn_date(_dt.date(2019, 3, 9), "Hồng Thái") == "Hồng Thái, ngày 09 tháng 3 năm 2019"


def test_the_communes_own_awards_are_its_chairmans_decision_not_a_request(example, tmp_path):
    """The example's nominees all ask for the commune chairman's Giấy khen: he decides it himself."""
    files = dossier.write_dossier(example, 2019, tmp_path, CRITERIA, options())
    assert [f.name for f in files] == [
        "01-quyet-dinh-khen-thuong-2019.pdf",
        "02-bao-cao-thanh-tich-kem-quyet-dinh-2019.pdf",
    ]
    decision = everything(files[0])
    for expected in [
        "ỦY BAN NHÂN DÂN XÃ HỒNG THÁI",
        "Số: 12/QĐ-UBND",
        "Hồng Thái, ngày 05 tháng 01 năm 2020",
        "QUYẾT ĐỊNH Về việc tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HỒNG THÁI",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Nghị định số 91/2017/NĐ-CP",
        "Căn cứ Kế hoạch số 112/KH-UBND ngày 19 tháng 12 năm 2017 của Ủy ban nhân dân tỉnh Tuyên Quang",
        "QUYẾT ĐỊNH:",
        "Điều 1. Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho 2 hộ gia đình và 1 thôn (có danh sách kèm theo)",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận: - Như Điều 3; - Lưu: VT.",
        f"CHỦ TỊCH {SIGNER}",
        "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2020 của Chủ tịch Ủy ban nhân dân xã Hồng Thái)",
    ]:
        assert expected in decision, expected
    assert "TM. ỦY BAN NHÂN DÂN" not in decision  # the chairman decides his own award
    for name in names_of(example, example.nominations.find(2019)):
        assert name in decision
    # no tờ trình asks the province for what the commune decides, and no minutes are named that are not printed
    for f in files:
        assert "Kính gửi" not in everything(f) and "xem xét, quyết định" not in everything(f)
    assert "biên bản họp bình xét" not in decision.lower()
    told = dossier.warnings(example, 2019, CRITERIA, options())
    assert len(told) == 1 and "Chưa có cuộc họp bình xét thi đua năm 2019 nào" in told[0]
    assert "Nông Đức Quý" in told[0] and "Bàn Hữu Dũng" in told[0]


def test_the_tờ_trình_asks_only_what_the_level_above_decides_with_exactly_its_attachments(nominated, tmp_path):
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA, options())
    kinds = [f.name[3:-9] for f in files]
    assert [f.name[:3] for f in files] == [f"{n:02d}-" for n in range(1, len(files) + 1)]
    assert kinds[:2] == ["quyet-dinh-khen-thuong", "bao-cao-thanh-tich-kem-quyet-dinh"]
    start = kinds.index("to-trinh")
    assert kinds[start : start + 3] == ["to-trinh", "danh-sach", "bao-cao-thanh-tich"]
    by_name = {f.name.split("-", 1)[1]: f for f in files}
    noms = nominated.nominations.find(2019)
    upper = [n for n in noms if n["award"] == BANG_KHEN]
    own = [n for n in noms if n["award"] != BANG_KHEN]
    submission = everything(by_name["to-trinh-2019.pdf"])
    assert "Kính gửi: Ủy ban nhân dân huyện Na Hang." in submission  # the level above in 2020 was the district
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh:" in submission
    assert "Giấy khen" not in submission
    assert "xem xét, trình cấp có thẩm quyền quyết định./." in submission  # the district forwards it
    assert "Trong đó có 1 trường hợp chưa đủ tiêu chí" in submission
    listing = everything(by_name["danh-sach-2019.pdf"])
    decision = everything(by_name["quyet-dinh-khen-thuong-2019.pdf"])
    for name, nom in zip(names_of(nominated, upper), upper):
        assert name in listing and (name not in decision or nom["nominee_kind"] == "village")
    for name, nom in zip(names_of(nominated, own), own):
        assert name in decision and (name not in listing or nom["nominee_kind"] == "village")
    assert (
        f"(Danh sách có {len(upper)} trường hợp.)" in listing and f"(Danh sách có {len(own)} trường hợp.)" in decision
    )
    assert "Lý do đề nghị: Hộ tiêu biểu giúp đỡ ba hộ nghèo khác trong thôn" in listing
    assert "Hợp tác xã Chè Đồng Tâm & Cộng sự" in listing
    # what the tờ trình says is attached is exactly what was printed
    reports = pages(by_name["bao-cao-thanh-tich-2019.pdf"])
    assert sum("BÁO CÁO THÀNH TÍCH" in page for page in reports) == len(upper)
    attached = re.search(r"\(Kèm theo: (.*?)\.\)", submission).group(1)
    assert attached.startswith(f"danh sách đề nghị khen thưởng; {len(upper)} báo cáo thành tích")
    minutes = by_name.get("bien-ban-hop-binh-xet-2019.pdf")
    told = re.search(r"biên bản (\d+) cuộc họp bình xét", attached)
    assert (told is None) == (minutes is None)
    if minutes:
        assert sum(page.count("BIÊN BẢN") for page in pages(minutes)) == int(told.group(1))
    own_reports = pages(by_name["bao-cao-thanh-tich-kem-quyet-dinh-2019.pdf"])
    assert sum("BÁO CÁO THÀNH TÍCH" in page for page in own_reports) == len(own)


def test_nominees_no_meeting_considered_are_told_first_and_in_the_tờ_trình(nominated, tmp_path):
    meetings = nominated.meetings.find(2019)
    for m in meetings:
        nominated.meetings.delete(m["id"])
    told = dossier.warnings(nominated, 2019, CRITERIA, options())
    assert any("Chưa có cuộc họp bình xét thi đua năm 2019 nào" in w for w in told)
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA, options())
    assert not any("bien-ban" in f.name for f in files)
    submission = everything(next(f for f in files if "to-trinh" in f.name))
    assert "nên hồ sơ không có biên bản họp bình xét" in submission
    assert "biên bản" not in re.search(r"\(Kèm theo: (.*?)\.\)", submission).group(1)


def test_without_a_signer_it_warns_and_leaves_room_and_a_deputy_signs_kt(nominated, tmp_path):
    settings.SIGNER.set(nominated, None)
    told = dossier.warnings(nominated, 2019, CRITERIA, options(signer=None))
    assert any("Chưa có họ tên người ký" in w for w in told)
    files = dossier.write_dossier(nominated, 2019, tmp_path / "a", CRITERIA, options(signer=None))
    assert SIGNER not in everything(files[0])
    files = dossier.write_dossier(nominated, 2019, tmp_path / "b", CRITERIA, options(signer="Lý Thị Mai", deputy=True))
    decision = everything(files[0])
    submission = everything(next(f for f in files if "to-trinh" in f.name))
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lý Thị Mai" in decision
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lý Thị Mai" in submission
    assert all("người ký" not in w for w in dossier.warnings(nominated, 2019, CRITERIA, options(signer="Lý Thị Mai")))


# --- achievements -----------------------------------------------------------------------------------

FAILURES = [
    "chưa đạt",
    "Chưa đạt",
    "chưa đánh giá",
    "Chưa có cuộc họp",
    "không đúng mục đích",
    "không trả đúng hạn",
    "chưa đủ thông tin",
    "Không áp dụng",
    ": không",
    "yêu cầu ≥",
]


def test_achievement_reports_report_achievements_only(nominated, example, tmp_path):
    for store, folder in ((nominated, tmp_path / "demo"), (example, tmp_path / "vd")):
        for f in dossier.write_dossier(store, 2019, folder, CRITERIA, options()):
            if "bao-cao-thanh-tich" not in f.name:
                continue
            text = everything(f)
            for word in FAILURES:
                assert word not in text, (f.name, word)
    report = evaluator.evaluate(dataset.export_data(nominated), 2019, CRITERIA)
    eligible = next(h for h in report["households"] if h["verdict"] == "eligible")
    files = dossier.write_dossier(nominated, 2019, tmp_path / "again", CRITERIA, options())
    reports = " ".join(everything(f) for f in files if "bao-cao-thanh-tich" in f.name)
    met = {k for cat in eligible["categories"].values() for k, c in cat["criteria"].items() if c["verdict"] == "met"}
    if met & {"A6", "B4"}:
        assert re.search(
            r"bình xét, nhất trí đề nghị khen thưởng tại cuộc họp ngày \d\d/\d\d/\d{4}: \d+/\d+ người", reports
        )
        assert re.search(r"người dự họp đồng ý \(\d+,\d\d%\)", reports)
    if "A3" in met:
        assert re.search(r"Thoát nghèo từ năm \d{4}, đến năm 2019 đã được \d+ năm", reports)


# --- the decree's layout ----------------------------------------------------------------------------


def all_papers(nominated, tmp_path) -> list[Path]:
    files = dossier.write_dossier(nominated, 2019, tmp_path / "hs", CRITERIA, options())
    meeting = next(m for m in nominated.meetings.find(2019) if m["decisions"])
    files.append(dossier.write_minutes(nominated, meeting["id"], tmp_path / "bb.pdf", CRITERIA))
    files.append(dossier.write_minutes(nominated, meeting["id"], tmp_path / "trong.pdf", CRITERIA, blank=True))
    return files


def test_the_pages_are_a4_inside_the_decrees_margins_with_the_font_embedded(nominated, tmp_path):
    for path in all_papers(nominated, tmp_path):
        for number, (left, bottom, right, top, size) in enumerate(text_box(path), 1):
            assert size == pytest.approx((595.28, 841.89), abs=0.5)
            assert left >= 30 * MM - 1 and right <= size[0] - 15 * MM + 1, (path.name, number)
            assert bottom >= 20 * MM - 1, (path.name, number)
            # only a page number may sit in the top margin, never on a document's first page
            assert top <= size[1] - 20 * MM + 1 or number > 1
        raw = path.read_bytes()
        assert b"/FontFile2" in raw and b"LiberationSerif" in raw
        assert b"/Helvetica" not in raw and b"/Times-Roman" not in raw


def test_agency_bold_with_a_line_of_a_third_to_a_half_and_a_line_under_the_trích_yếu(nominated, tmp_path):
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA, options())
    for path in files:
        if "bao-cao-thanh-tich" in path.name:
            continue
        first = read(path)[0]
        if "bien-ban" in path.name:  # a village's paper: the commune above it in regular capitals
            village = re.search(r"\n(THÔN [^\r\n]+|BẢN [^\r\n]+|TỔ DÂN PHỐ [^\r\n]+)\r?\n", first.text).group(1)
            assert first.find("UBND XÃ HỒNG THÁI")[4] == "LiberationSerif"
            agency = [first.find(village)]
        else:
            agency = [first.find("ỦY BAN NHÂN DÂN"), first.find("XÃ HỒNG THÁI")]
        assert all(box[4] == "LiberationSerif-Bold" for box in agency), path.name  # the issuer, not a superior
        widest = max(b[2] - b[0] for b in agency)
        rule = first.rule_under(agency[-1])
        assert widest / 3 - 1 <= rule[2] - rule[0] <= widest / 2 + 1, (path.name, rule, widest)
        motto = first.find(MOTTO)
        under = first.rule_under(motto)
        assert under[2] - under[0] == pytest.approx(motto[2] - motto[0], abs=3)
        subject = "Phong trào thi đua" if "danh-sach" in path.name or "bien-ban" in path.name else "Về việc"
        box = first.find(subject)
        subject_rules = [r for r in first.rules if r[1] < box[1] - 5 and r[1] > box[1] - 80 and r is not under]
        line = max(subject_rules, key=lambda r: r[1])
        assert (line[0] + line[2]) / 2 == pytest.approx(first.size[0] / 2 + (30 - 15) * MM / 2, abs=2)
        assert 165 * MM / 3 - 2 <= line[2] - line[0] <= 165 * MM / 2 + 2, path.name


SIGN_TITLES = ("TM. ỦY BAN NHÂN DÂN", "NGƯỜI BÁO CÁO", "THƯ KÝ", "NGƯỜI KIỂM PHIẾU", "XÁC NHẬN CỦA")


def test_a_signature_block_never_stands_alone_on_a_page(nominated, tmp_path):
    for path in all_papers(nominated, tmp_path):
        for number, page in enumerate(read(path), 1):
            found = [t for t in SIGN_TITLES + ("CHỦ TỊCH",) if t in page.text]
            if not found:
                continue
            top = max(page.find(t)[3] for t in found)
            above = "".join(c[0] for c in page.chars if c[1][1] > top + 1 and c[1][3] < page.size[1] - 20 * MM)
            assert len("".join(above.split())) >= 30, (path.name, number)


def test_every_list_is_in_the_households_collation(nominated, tmp_path):
    files = dossier.write_dossier(nominated, 2019, tmp_path, CRITERIA, options())
    names = {n.head_name: n for n in nominated.register.household_names().values()}
    for path in files:
        if "danh-sach" not in path.name and "quyet-dinh" not in path.name:
            continue
        text = everything(path)
        listed = re.findall(r"Hộ (?:ông|bà) ((?:\w+ ){1,4}?\w+) (Thôn|Bản|Tổ)", text)
        heads = [name for name, _ in listed if name in names]
        by_village: dict[str, list[str]] = {}
        for head in heads:
            by_village.setdefault(names[head].village, []).append(head)
        for village, order in by_village.items():
            assert order == sorted(order, key=name_key), (path.name, village)
    assert sorted(["Trần Văn Zơ", "Lê Thị Đào", "Hà Văn Dũng", "Nguyễn Văn Đức"], key=name_key) == [
        "Lê Thị Đào",
        "Nguyễn Văn Đức",
        "Hà Văn Dũng",
        "Trần Văn Zơ",
    ]  # by given name as the household list (Đ folded to D, never after Z), not by "Hộ bà/Hộ ông"
    assert sort_name("Lê Thị Đào") < sort_name("Trần Văn Zơ")


def test_one_percent_format_everywhere(nominated, tmp_path):
    assert percent(43.9) == "43,90%" and percent(60.975) == "60,98%" and percent(100) == "100,00%"
    for path in all_papers(nominated, tmp_path):
        for found in re.findall(r"(\d+(?:,\d+)?)%", everything(path)):
            assert re.fullmatch(r"\d+,\d\d", found), (path.name, found)


# --- minutes ------------------------------------------------------------------------------------------


def test_filled_minutes_show_times_attendance_every_decision_and_every_official_named(filled_store, tmp_path):
    meeting = filled_store.meetings.find(2019)[0]
    meeting["officials"] = [
        {"name": "Đàm Thị Hường", "role": "Ủy ban MTTQ xã"},
        {"name": "Ma Văn Tám", "role": "Ban chỉ đạo xã"},
    ]
    votes.save_meeting(filled_store, {**meeting, "start_time": "19:30", "end_time": "21:05"})
    assert dossier.minutes_warnings(filled_store, meeting["id"]) == []
    out = dossier.write_minutes(filled_store, meeting["id"], tmp_path / "bb.pdf", CRITERIA)
    text = everything(out)
    assert text.count("BIÊN BẢN") == 2 and "(Bản số 01/02)" in text and "(Bản số 02/02)" in text
    assert "vào hồi 19 giờ 30 phút" in text and "kết thúc vào hồi 21 giờ 05 phút" in text
    share = meeting["households_represented"] / meeting["households_on_list"]
    assert f"trên tổng số {meeting['households_on_list']} hộ" in text and f"(đạt {percent(share * 100)})" in text
    village = next(v for v in filled_store.register.villages() if v["id"] == meeting["village_id"])["name"]
    assert f"{village}, {village}" not in text and f"{village[:1].lower()}{village[1:]} tổ chức họp" in text
    names = {r["id"]: r["head_name"] for r in sql(filled_store, "SELECT id, head_name FROM household")}
    for d in meeting["decisions"]:
        assert re.search(re.escape(names[d["household_id"]]) + r".*?(Được đề nghị|Không đủ số đồng ý)", text)
    pages_ = read(out)
    last = next(p for p in pages_[: len(pages_) // 2][::-1] if "ĐẠI DIỆN" in p.text)
    for role, name in (("ĐẠI DIỆN ỦY BAN MTTQ XÃ", "Đàm Thị Hường"), ("ĐẠI DIỆN BAN CHỈ ĐẠO XÃ", "Ma Văn Tám")):
        title, who = last.find(role), last.find(name, nth=last.text.count(name) - 1)
        assert who[3] < title[1] and title[1] - who[3] < 40 * MM  # the name is under its own block
        assert min(title[2], who[2]) > max(title[0], who[0])
    chair = last.find("CHỦ TRÌ")
    assert (
        meeting["chair"] in last.text
        and last.find(meeting["chair"], nth=last.text.count(meeting["chair"]) - 1)[3] < chair[1]
    )


def test_blank_minutes_carry_the_date_a_legend_and_a_tally_sheet_with_spare_rows(filled_store, tmp_path):
    village = filled_store.register.villages()[0]
    m = votes.new_meeting(village["id"], 2020, "2020-12-10")
    m["place"] = f"Nhà văn hóa {village['name']}"
    votes.save_meeting(filled_store, m)
    report = evaluator.evaluate(dataset.export_data(filled_store), 2020, CRITERIA)
    expected = votes.agenda(filled_store, m, report)
    out = dossier.write_minutes(filled_store, m["id"], tmp_path / "trong.pdf", CRITERIA, blank=True)
    texts = pages(out)
    text = flat(" ".join(texts))
    assert "PHIẾU KIỂM ĐẾM BIỂU QUYẾT" in text and "BIÊN BẢN" in text
    assert text.count("ngày 10 tháng 12 năm 2020") >= 2  # the tally sheet and the minutes alike
    assert "vào hồi ………… giờ ………… phút" in text
    for item in expected:
        assert item.head_name in text
    codes = sorted({c for item in expected for c in re.findall(r"\b[AB]\d\b", item.note)})
    if codes:
        assert "Mã tiêu chí ở cột Ghi chú" in text
        for code in codes:
            assert f"{code}: " in text
    tally = flat(" ".join(t for t in texts if "BIÊN BẢN" not in t))
    numbers = [int(n) for n in re.findall(r"(?:^| )(\d{1,3})(?= )", tally.split("Không ý kiến", 1)[1])]
    assert max(numbers) >= len(expected) + dossier.SPARE_TALLY_ROWS
    with pytest.raises(dossier.PapersRefused, match="chưa có kết quả biểu quyết"):
        dossier.write_minutes(filled_store, m["id"], tmp_path / "x.pdf", CRITERIA)
    assert not (tmp_path / "x.pdf").exists()


def test_a_long_list_breaks_across_pages_with_its_header_and_page_numbers(filled_store, tmp_path):
    report = evaluator.evaluate(dataset.export_data(filled_store), 2019, CRITERIA)
    picked = nominations.candidates(filled_store, report)
    picked += [
        nominations.draft(
            2019,
            "individual",
            nominee_name=f"Cán bộ giảm nghèo số {n}",
            achievements=nominations.CHECKLISTS["individual"][n % 3],
            award=BANG_KHEN,
        )
        for n in range(60)
    ]
    long_name = "Hộ ông Nguyễn Hoàng Phước Thịnh Vượng Trường Xuân Nghĩa Đặng Quốc Bảo Khánh Toàn"
    picked.append(
        nominations.draft(2019, "individual", nominee_name=long_name, achievements="Tâm huyết " * 40, award=BANG_KHEN)
    )
    nominations.save(filled_store, picked, report)
    listing = next(f for f in dossier.write_dossier(filled_store, 2019, tmp_path, CRITERIA) if "danh-sach" in f.name)
    texts = pages(listing)
    assert len(texts) >= 3
    for n, page in enumerate(texts[1:-1], 2):
        assert "Tóm tắt thành tích" in page  # the header row again
        assert re.search(rf"(^|\n){n}(\r?\n|$)", page)  # the page number
    assert "Tóm tắt thành tích" in texts[0] and not re.search(r"(^|\n)1(\r?\n)", texts[0].split("STT")[0])
    assert flat(long_name) in flat(" ".join(texts))
    left, _, right, _, size = text_box(listing)[-1]
    assert right <= size[0] - 15 * MM + 1


def test_print_commands_exit_with_the_promised_codes(tmp_path):
    db = str(tmp_path / "x.sqlite")

    def run(*a):
        return subprocess.run(
            [sys.executable, str(MAIN), "--db", db, *a],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    assert run("import-json", str(EXAMPLE)).returncode == 0
    done = run(
        "print-dossier", "--year", "2019", "--out", str(tmp_path / "hs"), "--number", "7", "--date", "2020-02-03"
    )
    assert done.returncode == 0, done.stderr
    decision = everything(tmp_path / "hs" / "01-quyet-dinh-khen-thuong-2019.pdf")
    assert "ngày 03 tháng 02 năm 2020" in decision and "Số: /QĐ-UBND" in flat(decision.replace("\u00a0", " "))
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
