"""JSON from outside (datasets, packages, receipts, setup files, criteria sets), read under limits.

Whatever the bytes hold, `loads` returns plain JSON values or raises `Refused` naming the source in
Vietnamese: invalid UTF-8 or JSON, a key given twice in one object, NaN or Infinity, a number past the
range any field of ours can hold, nesting deeper than any of our formats, a string longer than any
field, a NUL or a lone surrogate in a string. Every string comes back NFC, so text is stored the one
way it is compared and searched.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from thidua_desktop.errors import Refused

MAX_DEPTH = 32  # our formats nest six deep at most
MAX_STRING = 100_000  # a note is at most 2,000 characters; an embedded key or hash far less
MAX_INTEGER = 10**15  # đồng amounts stay far below; a year, a count or a sequence far more so
MAX_DIGITS = 40  # a number written with more digits is not ours (and int() of a huge one is slow)


def loads(raw: bytes | str, source: str, nfc: bool = True) -> Any:
    """The JSON value of `raw`, checked as the module says, or `Refused`. `nfc=False` leaves the strings
    as written (a signed document is verified over the bytes its signer wrote)."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused(source, "tệp không được mã hóa UTF-8.") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_integer,
            parse_float=_number,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise JsonRefused(source, f"không phải JSON hợp lệ (lỗi ở dòng {exc.lineno}, cột {exc.colno}).") from None
    except RecursionError:
        raise JsonRefused(source, "dữ liệu lồng nhau quá sâu, không phải tệp của ThiDua.") from None
    except _Bad as exc:
        raise JsonRefused(source, f"{exc}") from None
    return _checked(value, source, nfc)


class _Bad(ValueError):
    """Raised inside the decoder's hooks; turned into a refusal naming the source."""


class JsonRefused(Refused):
    """Bytes that are not JSON we take; `reason` is the message without the source's name."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.reason = reason


def _object(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Bad(f"khóa '{key[:40]}' được ghi hai lần trong cùng một đối tượng.")
            seen.add(key)
    return out


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS or abs(value := int(text)) > MAX_INTEGER:
        raise _Bad(f"số {text[:20]}… vượt quá giới hạn mà chương trình nhận.")
    return value


def _number(text: str) -> int | float:
    """The formats hold whole numbers; a '2019.0' some tools write is read as 2019."""
    if len(text) > MAX_DIGITS:
        raise _Bad(f"số {text[:20]}… vượt quá giới hạn mà chương trình nhận.")
    value = float(text)
    if not abs(value) <= MAX_INTEGER:
        raise _Bad(f"số {text[:20]} vượt quá giới hạn mà chương trình nhận.")
    return int(value) if value.is_integer() else value


def _constant(text: str) -> float:
    raise _Bad(f"giá trị {text} không phải số.")


def _checked(value: Any, source: str, nfc: bool) -> Any:
    """Depth and strings, walked without recursion; strings normalised to NFC in place."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    if isinstance(value, str):
        return _string(value, source, nfc)
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonRefused(source, "dữ liệu lồng nhau quá sâu, không phải tệp của ThiDua.")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            if isinstance(node, dict):
                _string(key, source, False)
            if isinstance(item, str):
                node[key] = _string(item, source, nfc)
            elif isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
    return value


def _string(text: str, source: str, nfc: bool) -> str:
    if len(text) > MAX_STRING:
        raise JsonRefused(source, f"có một chuỗi dài {len(text):,} ký tự, quá dài cho mọi trường dữ liệu.")
    if "\x00" in text:
        raise JsonRefused(source, "có ký tự NUL trong dữ liệu; tệp bị hỏng hoặc không phải tệp của ThiDua.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JsonRefused(source, "có ký tự không hợp lệ (nửa cặp UTF-16) trong dữ liệu.") from None
    return unicodedata.normalize("NFC", text) if nfc else text
