"""The level above's year report, read back: a báo cáo of the level above in the decree's layout (PDF),
and a workbook whose numbers are numbers and whose sheets print."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from tests.core.conftest import trusted
from tests.core.test_dossier import everything, read
from thidua_desktop import settings
from thidua_desktop.documents import upper_report
from thidua_desktop.exchange import upper_level


@pytest.fixture
def province(trip):
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    assert upper_level.import_files(province, [first])[0].status == "accepted"
    return province, tmp


def test_the_pdf_is_a_báo_cáo_of_the_level_above(province):
    store, tmp = province
    settings.SIGNER.set(store, "Nguyễn Văn Sơn")
    assert upper_report.warnings(store) == []
    out = upper_report.write(store, 2019, tmp / "bc.pdf", number=7, on=dt.date(2020, 2, 3))
    text = everything(out)
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
        "Số: 07/BC-UBND",
        "Tuyên Quang, ngày 03 tháng 02 năm 2020",
        "BÁO CÁO Kết quả thực hiện Phong trào thi đua “Cả nước chung tay vì người nghèo",
        "Xã Hồng Thái",
        "Toàn địa bàn",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Văn Sơn",
    ]:
        assert expected in text, expected
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)  # no ISO time stamps
    assert re.search(r"\b\d\d/\d\d/\d{4} \d\d:\d\d\b", text)  # the package's time as a paper writes it
    for found in re.findall(r"(\d+(?:,\d+)?)%", text):
        assert re.fullmatch(r"\d+,\d\d", found), found
    first = read(out)[0]
    agency = [first.find("ỦY BAN NHÂN DÂN"), first.find("TỈNH TUYÊN QUANG")]
    assert all(box[4] == "LiberationSerif-Bold" for box in agency)
    rule = first.rule_under(agency[1])
    widest = max(b[2] - b[0] for b in agency)
    assert widest / 3 - 1 <= rule[2] - rule[0] <= widest / 2 + 1


def test_an_empty_year_says_so_in_sentences_and_an_unknown_signer_is_told(trip):
    store, _, tmp = trip
    assert upper_report.warnings(store) and "người ký" in upper_report.warnings(store)[0]
    out = upper_report.write(store, 2019, tmp / "trong.pdf", on=dt.date(2020, 2, 3))
    text = everything(out)
    assert "Chưa có xã nào trên địa bàn gửi dữ liệu năm 2019." in text
    assert "Chưa nhận được đề nghị khen thưởng nào của năm 2019." in text
    assert "Mã xã" not in text  # no table with a header and nothing under it
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Số: " in text


def test_the_workbook_keeps_numbers_and_prints_one_page_wide(province):
    store, tmp = province
    out = upper_report.write(store, 2019, tmp / "bc.xlsx")
    wb = load_workbook(out)
    assert len(set(wb.sheetnames)) == len(wb.sheetnames) == len(upper_report.tables(store, 2019))
    for ws in wb.worksheets:
        assert len(ws.title) <= 31
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$3:$3"
    rates = wb["Tỷ lệ hộ nghèo"]
    row = next(r for r in rates.iter_rows(min_row=4) if r[1].value == "Xã Hồng Thái")
    values = [c for c in row[2:] if c.value is not None]
    assert values and all(isinstance(c.value, float) and 0 <= c.value <= 1 for c in values)
    assert all(c.number_format == "0.00%" for c in values)
    sent = wb["Tiến độ gửi dữ liệu 2019"]
    moment = sent.cell(row=4, column=5)
    assert isinstance(moment.value, dt.datetime) and moment.number_format == "dd/mm/yyyy hh:mm"
