"""The streaming xlsx writer: what goes in comes back through openpyxl, whatever the text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from thidua_desktop.excel import xlsx_stream

# Text as officers write it, and the characters XML must escape or cannot hold at all.
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
values = st.one_of(st.none(), texts, st.integers(-(10**12), 10**12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(values, min_size=1, max_size=5), min_size=1, max_size=8))
def test_values_come_back(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    spec = xlsx_stream.SheetSpec("Thôn 'Nà Khà' & <bản>", [10] * 5, [["A", "B", "C", "D", "E"], *rows])
    assert xlsx_stream.write(path, [spec]) == [len(rows) + 1]
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "Thôn 'Nà Khà' & <bản>"
    back = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=5)]
    for wrote, got in zip(rows, back):
        for value, cell in zip(wrote, got):
            if isinstance(value, str):
                expected = xlsx_stream._ILLEGAL.sub("", value)
                assert (cell or "") == expected
            else:
                assert cell == value


def test_column_letters():
    assert [xlsx_stream.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
