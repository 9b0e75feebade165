"""Excel in and out: the template, real officers' odd values, all or nothing, and the round trip."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import main
from tests.helpers import sql
from thidua_desktop import excel
from thidua_desktop.excel import CellError
from thidua_desktop.register import dataset


def _without_time(data):
    return {k: v for k, v in data.items() if k != "exported_at"}


def export(store, path):
    return excel.export_store(store, path)


def test_export_then_import_changes_nothing(filled_store, tmp_path):
    before = _without_time(dataset.export_data(filled_store))
    path = tmp_path / "ho.xlsx"
    export(filled_store, path)
    result = excel.import_file(filled_store, path)
    assert result.added == 0 and result.updated == len(before["households"])
    assert _without_time(dataset.export_data(filled_store)) == before


def test_export_into_an_empty_commune_brings_every_household(filled_store, store_factory, tmp_path):
    path = tmp_path / "ho.xlsx"
    export(filled_store, path)
    other = store_factory()
    other.register.save_commune(filled_store.register.commune())
    result = excel.import_file(other, path, create_villages=True)
    assert result.added == len(dataset.export_data(filled_store)["households"])
    assert len(result.new_villages) == len(filled_store.register.villages())


def test_template_has_what_an_officer_needs(tmp_path):
    path = tmp_path / "mau.xlsx"
    excel.write_template(path)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    assert [c.value for c in ws[1]] == [c.header for c in excel.COLUMNS]
    assert ws.freeze_panes == "C2"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"Nam,Nữ"' in lists.values() and '"Hộ nghèo,Hộ cận nghèo,Không nghèo"' in lists.values()
    assert "Hướng dẫn" in wb.sheetnames
    example = [row for row in wb["Hướng dẫn"].iter_rows(values_only=True) if row and row[:2] == ("Mã hộ", "H00001")]
    assert example


def fill(path, rows, title_rows=(), hidden_first=False, headers=None):
    wb = Workbook()
    ws = wb.active
    if hidden_first:
        ws.title = "Cũ"
        ws.append(["rác"])
        ws.sheet_state = "hidden"
        ws = wb.create_sheet("Danh sách")
    for title in title_rows:
        ws.append([title])
    ws.append(
        headers
        or [
            "Mã hộ",
            "Họ và tên chủ hộ",
            "Giới tính",
            "Năm sinh",
            "Số CCCD/CMND",
            "Thôn",
            "Số nhân khẩu",
            "Năm rà soát",
            "Phân loại hộ",
            "Thu nhập bình quân",
        ]
    )
    for row in rows:
        ws.append(row)
    for _ in range(5):
        ws.append([None] * 10)  # trailing empty rows
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    wb.save(path)


def test_officer_sheet_with_quirks_comes_in(filled_store, tmp_path):
    village = filled_store.register.villages()[0]["name"]
    path = tmp_path / "ds.xlsx"
    fill(
        path,
        [
            [
                "M1",
                "Lò Văn Páo",
                "nam",
                1980,
                8080001234,
                village.replace("Thôn ", ""),
                "5",
                2021,
                "hộ nghèo",
                "650.000",
            ],
            [
                "M1",
                "Lò Văn Páo",
                "Nam",
                "1980",
                "008080001234",
                village,
                5,
                dt.datetime(2022, 12, 1),
                "Cận nghèo",
                1200000,
            ],
            ["M2", "Đinh Thị Hoa", "Nữ", dt.datetime(1990, 1, 1), None, village, 3, None, None, None],
        ],
        title_rows=["DANH SÁCH HỘ NGHÈO, CẬN NGHÈO NĂM 2021"],
        hidden_first=True,
    )
    result = excel.import_file(filled_store, path)
    assert (result.added, result.records) == (2, 2)
    rows = sql(filled_store, "SELECT id FROM household WHERE code = 'M1'")
    hh = filled_store.register.household(rows[0][0])
    assert hh["head"]["id_number"] == "008080001234"  # the leading zero restored
    assert [(r["year"], r["status"], r["income_per_capita"]) for r in hh["years"]] == [
        (2021, "poor", 650_000),
        (2022, "near_poor", 1_200_000),
    ]


def test_a_bad_row_refuses_the_whole_sheet(filled_store, tmp_path):
    village = filled_store.register.villages()[0]["name"]
    before = _without_time(dataset.export_data(filled_store))
    path = tmp_path / "ds.xlsx"
    fill(
        path,
        [
            ["M1", "Lò Văn Páo", "Nam", 1980, None, village, 5, 2021, "Hộ nghèo", "650.000"],
            ["M2", "Đinh Thị Hoa", "Nữ", 1990, "12345", village, 3, 2021, "Hộ nghèo", "1,5 triệu"],
            ["M3", "", "Nữ", 1990, None, village, 3, 2021, "Hộ nghèo", None],
            ["M4", "Hà Văn Lợi", "Nam", 1970, None, "Thôn Không Có", 3, 2021, "Giàu", None],
        ],
    )
    with pytest.raises(excel.ExcelRefused) as refused:
        excel.import_file(filled_store, path)
    text = refused.value.summary()
    assert "Dòng 3, cột 'Số CCCD/CMND'" in text and "Dòng 3, cột 'Thu nhập bình quân'" in text
    assert "Dòng 4" in text and "Dòng 5, cột 'Thôn'" in text and "Dòng 5, cột 'Phân loại hộ'" in text
    assert _without_time(dataset.export_data(filled_store)) == before


def test_rules_of_the_register_apply_to_sheets(filled_store, tmp_path):
    village = filled_store.register.villages()[0]["name"]
    path = tmp_path / "ds.xlsx"
    fill(path, [["M9", "Lò Văn Páo", "Nữ", 1980, "008080001234", village, 5, 2021, "Hộ nghèo", None]])
    with pytest.raises(excel.ExcelRefused, match="Dòng 2, cột 'Số CCCD/CMND': Chữ số thứ 4"):
        excel.import_file(filled_store, path)


def test_cli_commands(filled_store, tmp_path, capsys):
    db = str(filled_store.path)
    filled_store.close()
    out = tmp_path / "ho.xlsx"
    assert main.main(["--db", db, "export-households", str(out)]) == 0
    assert main.main(["--db", db, "import-excel", str(out)]) == 0
    assert "hộ cập nhật" in capsys.readouterr().out
    assert main.main(["--db", db, "excel-template", str(tmp_path / "mau.xlsx")]) == 0
    bad = tmp_path / "hong.xlsx"
    bad.write_text("không phải excel", encoding="utf-8")
    assert main.main(["--db", db, "import-excel", str(bad)]) == 1
    assert "Không mở được tệp Excel" in capsys.readouterr().err


@given(st.integers(0, 10**9))
def test_money_read_back_whatever_way_it_was_typed(amount):
    dotted = f"{amount:,}".replace(",", ".")
    assert excel.read_money(amount, "x") == amount
    assert excel.read_money(float(amount), "x") == amount
    assert excel.read_money(dotted, "x") == amount


@given(st.text(max_size=12))
def test_readers_never_crash_on_odd_text(text):
    for reader in (
        lambda v: excel.read_money(v, "x"),
        excel.read_id_number,
        lambda v: excel.read_year(v, "x"),
        lambda v: excel.read_judgement(v, "x"),
    ):
        try:
            reader(text)
        except CellError as exc:
            assert str(exc)


def test_headers_are_guessed_from_usual_variants():
    guessed = excel.guess_columns(
        ["STT", "Họ và tên chủ hộ", "MÃ HỘ", "Năm  sinh", "Dân tộc", "Số CCCD/CMND", "Phân loại hộ", "thon"]
    )
    assert guessed == {1: "name", 2: "code", 3: "birth_year", 4: "ethnicity", 5: "id_number", 6: "status", 7: "village"}


def test_cccd_that_cannot_be_restored_is_refused():
    with pytest.raises(CellError, match="7 chữ số"):
        excel.read_id_number(1234567)
    with pytest.raises(CellError, match="10 chữ số"):
        excel.read_id_number("8185001234")  # typed as text: nothing was lost, so it is wrong
    assert excel.read_id_number(123456789) == "123456789"
    assert excel.read_id_number(8185001234) == "008185001234"
    assert excel.read_id_number(12345678) == "012345678"


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _import_resaved(store, workbook):
    source = json.loads((FIXTURES / "libreoffice-danh-sach.source.json").read_text(encoding="utf-8"))
    dataset.import_data(store, {**source, "households": [], "meetings": [], "nominations": []})
    excel.import_file(store, workbook)
    got = {h["id"]: h for h in dataset.export_data(store)["households"]}
    for hh in source["households"]:
        assert {**got[hh["id"]], "loans": []} == {**hh, "loans": []}


def test_workbook_saved_by_libreoffice_comes_in(store):
    _import_resaved(store, FIXTURES / "libreoffice-danh-sach.xlsx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_fresh_export_resaved_by_libreoffice_comes_in(store, store_factory, tmp_path):
    source = json.loads((FIXTURES / "libreoffice-danh-sach.source.json").read_text(encoding="utf-8"))
    writer = store_factory("writer.sqlite")
    dataset.import_data(writer, source)
    excel.export_store(writer, tmp_path / "ds.xlsx")
    # A profile of its own: another LibreOffice running on the machine (or another test run) holds the
    # user's profile locked, and soffice then fails at once.
    soffice = ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to"]
    subprocess.run(
        [*soffice, "ods", "--outdir", str(tmp_path), str(tmp_path / "ds.xlsx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (tmp_path / "lo").mkdir()
    subprocess.run(
        [*soffice, "xlsx", "--outdir", str(tmp_path / "lo"), str(tmp_path / "ds.ods")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    _import_resaved(store, tmp_path / "lo" / "ds.xlsx")


def test_annual_report_agrees_with_the_evaluator(filled_store, tmp_path, capsys):
    from thidua_desktop.documents import annual_report
    from thidua_desktop.evaluation import criteria

    path = tmp_path / "bao-cao.xlsx"
    report = annual_report.write(filled_store, 2019, criteria.load(), path)
    wb = load_workbook(path)
    ws = wb["Báo cáo năm 2019"]
    assert [c.value for c in ws[4]] == annual_report.HEADERS
    villages = filled_store.register.villages()
    rows = list(ws.iter_rows(min_row=5, max_row=4 + len(villages) + 1, values_only=True))
    total = rows[-1]
    assert total[1].startswith("Toàn ")
    assert abs(total[4] - report["commune"]["poverty_rates"]["2019"] / 100) < 1e-4
    assert total[11] == sum(1 for h in report["households"] if h["verdict"] == "eligible")
    assert sum(r[2] for r in rows[:-1]) == total[2]
    for row, village in zip(rows, report["villages"]):
        if village["poverty_rate"] is not None:
            assert abs(row[4] - village["poverty_rate"] / 100) < 1e-4
    assert ws.freeze_panes == "C5" and ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws["E5"].number_format == "0.00%"
    crit = wb["Tiêu chí của xã"]
    assert [r[0] for r in crit.iter_rows(min_row=4, max_row=10, values_only=True)] == [f"C{i}" for i in range(1, 8)]
    db = str(filled_store.path)
    assert main.main(["--db", db, "export-report", "--year", "2019", "--out", str(tmp_path / "b.xlsx")]) == 0
    assert "Đã ghi báo cáo năm 2019" in capsys.readouterr().out


def test_template_keeps_typed_cccd_as_text(tmp_path):
    path = tmp_path / "mau.xlsx"
    excel.write_template(path)
    ws = load_workbook(path)["Danh sách hộ"]
    column = [c.header for c in excel.COLUMNS].index("Số CCCD/CMND") + 1
    assert ws.cell(row=2, column=column).number_format == "@"
    assert ws.cell(row=excel.TEMPLATE_ROWS + 1, column=column).number_format == "@"


def test_template_filled_in_then_imported(filled_store, tmp_path):
    path = tmp_path / "mau.xlsx"
    excel.write_template(path)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    village = filled_store.register.villages()[0]["name"]
    values = {
        "code": "T01",
        "name": "Ma Thị Duyên",
        "gender": "Nữ",
        "birth_year": 1988,
        "id_number": "008188004321",
        "village": village,
        "members": 4,
        "year": 2020,
        "status": "Hộ cận nghèo",
        "income": 950000,
        "deprivations": "Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh",
        "cultural_family": "Có",
        "effort": "Có",
    }
    for i, column in enumerate(excel.COLUMNS, start=1):
        ws.cell(row=2, column=i, value=values.get(column.key))
    wb.save(path)
    result = excel.import_file(filled_store, path)
    assert (result.added, result.records) == (1, 1)
    hid = sql(filled_store, "SELECT id FROM household WHERE code = 'T01'")[0][0]
    record = filled_store.register.household(hid)["years"][0]
    assert record["deprivations"] == ["water_source", "sanitation"]
    assert (record["status"], record["income_per_capita"], record["cultural_family"]) == ("near_poor", 950000, True)
    assert record["assessments"]["effort"] is True and record["assessments"]["initiative"] is None


def test_years_and_dates_as_excel_holds_them():
    assert excel.read_year(43831, "Năm") == 2020  # the serial number of 01/01/2020
    assert excel.read_year("05/01/2019", "Năm") == 2019
    assert excel.read_year("2019", "Năm") == 2019
    assert excel.read_year(2019.0, "Năm") == 2019
    assert excel.read_year(dt.date(1975, 3, 2), "Năm sinh") == 1975
    assert excel.read_date(43466, "Ngày") == dt.date(2019, 1, 1)
    with pytest.raises(CellError, match="không phải ngày"):
        excel.read_year("32/13/2019", "Năm")


def test_a_rule_broken_in_a_sheet_names_its_column(filled_store, tmp_path):
    village = filled_store.register.villages()[0]["name"]
    path = tmp_path / "ds.xlsx"
    fill(path, [["M9", "Lò Văn Páo", "Nam", 1980, None, village, 0, 2021, "Hộ nghèo", None]])
    with pytest.raises(excel.ExcelRefused, match="Dòng 2, cột 'Số nhân khẩu': phải từ 1 trở lên"):
        excel.import_file(filled_store, path)


# --- lists that print --------------------------------------------------------------------------------


def _lists(ws) -> dict[str, object]:
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_template_offers_the_files_villages_and_the_54_ethnic_groups(filled_store, tmp_path):
    path = tmp_path / "mau.xlsx"
    excel.write_template(path, filled_store)
    wb = load_workbook(path)
    ws = wb["Danh sách hộ"]
    lists = wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    keys = [c.key for c in excel.COLUMNS]
    village, ethnicity = (excel.xlsx_stream.column_letter(keys.index(k)) for k in ("village", "ethnicity"))
    by_column = _lists(ws)
    names = [v["name"] for v in filled_store.register.villages()]
    source = by_column[f"{village}2"].formula1
    assert source == f"'Danh mục'!$A$2:$A${len(names) + 1}" and by_column[f"{village}2"].errorStyle in (None, "stop")
    assert [lists.cell(row=r, column=1).value for r in range(2, len(names) + 2)] == names
    groups = [lists.cell(row=r, column=2).value for r in range(2, 56)]
    assert len(set(groups)) == 54 and groups[:3] == ["Kinh", "Tày", "Thái"] and "Ơ Đu" in groups
    assert by_column[f"{ethnicity}2"].formula1 == "'Danh mục'!$B$2:$B$55"
    assert by_column[f"{ethnicity}2"].errorStyle == "warning"  # another spelling (H'Mông) may stay
    assert excel.read_sheet(path).mapping  # the hidden list is never taken for the households


def test_household_lists_print_one_page_wide_with_the_header_clear_and_cccd_as_text(filled_store, tmp_path):
    template, listing = tmp_path / "mau.xlsx", tmp_path / "ds.xlsx"
    excel.write_template(template, filled_store)
    rows = excel.export_store(filled_store, listing)
    cccd = [c.key for c in excel.COLUMNS].index("id_number") + 1
    letter = excel.xlsx_stream.column_letter(cccd - 1)
    for path in (template, listing):
        wb = load_workbook(path)
        ws = wb["Danh sách hộ"]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
        last = excel.xlsx_stream.column_letter(len(excel.COLUMNS) - 2)  # the technical id column is not printed
        assert ws.print_area.startswith(f"'Danh sách hộ'!$A$1:${last}$")
        height = ws.row_dimensions[1].height
        widths = excel.writing.SHEET_WIDTHS
        for c in excel.COLUMNS:
            if c.key not in excel.writing.UPRIGHT:
                assert height >= 15 * excel.xlsx_stream.header_lines(c.header, widths[c.key]), c.header
        assert ws.column_dimensions[letter].number_format == "@"  # every row of the column, not only those written
        printed = sum(widths[c.key] for c in excel.COLUMNS[:-1])
        assert printed <= 210  # about 65% on A4 landscape: 7 pt text
        if path == template:
            instructions = wb["Hướng dẫn"]
            assert instructions.page_setup.orientation == "portrait" and instructions.page_setup.fitToHeight == 1
            assert sum(instructions.column_dimensions[x].width for x in "AB") <= 100  # 11 pt text, about 95%
    ws = load_workbook(listing)["Danh sách hộ"]
    assert all(ws.cell(row=r, column=cccd).number_format == "@" for r in range(2, rows + 2))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_the_printed_list_is_legible_and_its_header_clear_of_the_first_row(filled_store, tmp_path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    excel.export_store(filled_store, tmp_path / "ds.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "ds.xlsx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = pdfium.PdfDocument(str(tmp_path / "ds.pdf"))
    try:
        page = pdf[0]
        width, height = page.get_size()
        assert width > height  # landscape
        tp = page.get_textpage()
        sizes = sorted(pdfium_raw.FPDFText_GetFontSize(tp.raw, i) for i in range(tp.count_chars()))
        if "Carlito" in subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout:
            assert sizes[len(sizes) // 2] >= 7  # Calibri's metrics: what an office PC prints
        header = tp.search("Họ và tên chủ hộ").get_next()
        first = next(h for h in filled_store.register.household_names().values())
        assert header is not None
        header_bottom = min(tp.get_charbox(i)[1] for i in range(header[0], header[0] + header[1]))
        code = tp.search("H0").get_next()  # the first data row's household code
        assert tp.get_charbox(code[0])[3] < header_bottom, first
    finally:
        pdf.close()
