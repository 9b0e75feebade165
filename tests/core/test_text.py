import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from thidua_desktop.text import clean, fold, format_vnd


def test_fold_removes_diacritics_and_case():
    assert fold("Nguyễn Văn Ấn") == "nguyen van an"
    assert fold("ĐÀM THỊ HẰNG") == "dam thi hang"
    assert fold("  Lường   Thị  Thảo ") == "luong thi thao"


def test_clean_normalises_to_nfc_and_trims():
    decomposed = unicodedata.normalize("NFD", "  Hoàng   Thị Ánh ")
    assert clean(decomposed) == "Hoàng Thị Ánh"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_format_vnd_uses_dots():
    assert format_vnd(1500000) == "1.500.000"
    assert format_vnd(0) == "0"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower() or not once.isascii()


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ "))
def test_fold_of_vietnamese_is_plain_ascii(text):
    assert fold(text).isascii()
    assert fold(text.upper()) == fold(text)


def test_format_date_vietnamese_order():
    from thidua_desktop.text import format_date

    assert format_date("2019-01-05") == "05/01/2019"
    assert format_date(None) == ""
