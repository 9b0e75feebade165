"""JSON from outside (datasets, packages, receipts, setup files, criteria sets), read under limits.

Whatever the bytes hold, `loads` returns plain JSON values or raises `Refused` naming the source in
Vietnamese: invalid UTF-8 or JSON, a key given twice in one object, NaN or Infinity, a number past the
range any field of ours can hold, nesting deeper than any of our formats, a string longer than any
field, a NUL or a lone surrogate in a string. Every string comes back NFC, so text is stored the one
way it is compared and searched.
"""

from __future__ import annotations

import codecs
import gc
import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

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
        with without_collector():
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
    if _plain(text):
        if _depth_of(raw if isinstance(raw, bytes) else text) > MAX_DEPTH:
            raise JsonRefused(source, "dữ liệu lồng nhau quá sâu, không phải tệp của ThiDua.")
        return value
    return _checked(value, source, nfc)


@contextmanager
def without_collector() -> Iterator[None]:
    """Inside: the cycle collector does not run. JSON values, and the rows made of them, hold no cycle, and
    a large document is millions of objects the collector would pass over again and again for nothing
    (a fifth of an import's time); every object is freed as before once nothing refers to it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


_LONG_STRING = re.compile(f'"[^"]{{{MAX_STRING + 1}}}')


def _plain(text: str) -> bool:
    """Whether no string of the document can break a limit or need normalising, told from the text
    itself: no \\u escape (so no NUL, no lone surrogate, nothing an escape turns into a combining mark),
    no escaped quote, no run after a quote longer than a string may be (an escape only shortens a
    string), and the whole text NFC (cut at its ASCII quotes, each string is NFC then). Our own files
    are such; any other is walked string by string."""
    return (
        ("\\" not in text or ("\\u" not in text and '\\"' not in text))
        and unicodedata.is_normalized("NFC", text)
        and (len(text) <= MAX_STRING or _LONG_STRING.search(text) is None)
    )


_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'[]{}"')


def _depth_of(document: bytes | str) -> int:
    """How deep a valid `_plain` document (its text, or the UTF-8 bytes it was decoded from) nests, told
    from its brackets outside strings (up to one past MAX_DEPTH): with no escaped quote, every other
    piece between quotes is outside a string; each round takes away the innermost pairs. A UTF-8
    sequence's bytes are never ASCII, so the bytes' brackets and quotes are the text's."""
    raw = document.encode("utf-8") if isinstance(document, str) else document
    kept = raw.translate(_BRACKETS, _NOT_STRUCTURE)
    nesting = b"".join(kept.split(b'"')[::2])
    depth = 0
    while nesting and depth <= MAX_DEPTH:
        nesting = nesting.replace(b"()", b"")
        depth += 1
    return depth


def _deep_checked(value: Any, source: str, depth: int = 1) -> Any:
    """The depth alone, walked without recursion (a `_plain` document's strings need nothing); `depth`
    is the value's own in its document."""
    stack: list[tuple[Any, int]] = [(value, depth)] if isinstance(value, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonRefused(source, "dữ liệu lồng nhau quá sâu, không phải tệp của ThiDua.")
        for item in node.values() if isinstance(node, dict) else node:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
    return value


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


# --- a file read a piece at a time ----------------------------------------------------------------------


class NotStreamed(Exception):
    """The file is not one `iter_document` reads as it is: read it whole (with `loads`) instead, which
    takes it or refuses it in words."""


ARRAY = object()  # the value `iter_document` gives for its streamed key, before the array's items
_SPACE = re.compile(r"[ \t\n\r]*")
_CHUNK = 1 << 20


class _Reader:
    def __init__(self, fh: IO[bytes]):
        self.fh, self.buf, self.pos, self.eof = fh, "", 0, False
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.json = json.JSONDecoder(
            object_pairs_hook=_object, parse_int=_integer, parse_float=_number, parse_constant=_constant
        )

    def more(self, at_least: int = _CHUNK) -> bool:
        if self.eof:
            return False
        if self.pos > _CHUNK:
            self.buf, self.pos = self.buf[self.pos :], 0
        raw = self.fh.read(at_least)
        try:
            self.buf += self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise NotStreamed from None
        self.eof = not raw
        return True

    def char(self) -> str:
        """The next character after white space ('' at the end)."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]

    def take(self, expected: str) -> None:
        if self.char() != expected:
            raise NotStreamed
        self.pos += 1

    def value(self, depth: int, walk: bool = True) -> Any:
        """The value at the position, read as `loads` reads it, of a document whose strings are plain
        (without `walk`, its depth is left to the caller)."""
        self.char()
        want = _CHUNK
        while True:
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:  # a number cut by the buffer's end is read again
                    break
            except json.JSONDecodeError:
                if self.eof:
                    raise NotStreamed from None
            except (_Bad, ValueError, RecursionError):
                raise NotStreamed from None
            self.more(want)
            want *= 2
        text, self.pos = self.buf[self.pos : end], end
        if not _plain(text):
            raise NotStreamed
        if not walk:
            return value
        try:
            return _deep_checked(value, "", depth)
        except JsonRefused:
            raise NotStreamed from None


def iter_document(fh: IO[bytes], streamed: str, walk_items: bool = True) -> Iterator[tuple[str, Any]]:
    """A JSON object read from `fh` a piece at a time: (key, value) in the file's order; for `streamed`,
    (key, ARRAY) when its value is an array, then (key, item) for each of its items. Every value is read
    as `loads` would read it, in a document `loads` would take whole; anything else (not an object, a
    key twice, a string that is not plain, nothing or something more after it...) raises NotStreamed.
    Without `walk_items`, how deep the items nest is left to the caller (whose shape bounds it)."""
    reader = _Reader(fh)
    reader.take("{")
    seen: set[str] = set()
    if reader.char() == "}":
        reader.pos += 1
    else:
        while True:
            key = reader.value(1)
            if not isinstance(key, str) or key in seen:
                raise NotStreamed
            seen.add(key)
            reader.take(":")
            if key == streamed and reader.char() == "[":
                reader.pos += 1
                yield key, ARRAY
                if reader.char() == "]":
                    reader.pos += 1
                else:
                    while True:
                        yield key, reader.value(3, walk_items)
                        after = reader.char()
                        reader.pos += 1
                        if after == "]":
                            break
                        if after != ",":
                            raise NotStreamed
            else:
                yield key, reader.value(2)
            if reader.char() == "}":
                reader.pos += 1
                break
            reader.take(",")
    if reader.char() != "":
        raise NotStreamed
