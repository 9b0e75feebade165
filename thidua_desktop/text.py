"""Vietnamese text helpers: normalisation for storage and folding for search."""

from __future__ import annotations

import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


class _Unmarked(dict):
    """A `str.translate` table that drops the combining marks and keeps every other character, each
    told once by `unicodedata.combining` and remembered (a household list folds every name)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < 65_536:
            self[code] = kept
        return kept


_UNMARKED = _Unmarked()


def clean(value: str) -> str:
    """NFC-normalise and trim a name or label, folding runs of white space into one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold(value: str | None) -> str:
    """Lower-case, diacritic-free form used for search: 'Nguyễn Văn Ấn' -> 'nguyen van an'."""
    if not value:
        return ""
    if value.isascii():  # nothing to decompose, no mark to drop
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    return " ".join(decomposed.translate(_UNMARKED).lower().split())


def format_vnd(amount: int | None) -> str:
    """'1.500.000' as Vietnamese officers write đồng amounts."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".")


def format_decimal(value: float) -> str:
    """'12,5' as Vietnamese reports write numbers: decimal comma, at most 2 decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def format_percent(value: float | None) -> str:
    return "không có số liệu" if value is None else format_decimal(value) + "%"


def format_date(iso: str | None) -> str:
    """'2019-01-05' as Vietnamese documents write it: '05/01/2019'."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def lower_first(text: str) -> str:
    """'Xã Hồng Thái' as it reads inside a sentence: 'xã Hồng Thái'."""
    return text[:1].lower() + text[1:]
