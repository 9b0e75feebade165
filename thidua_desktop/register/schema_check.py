"""The dataset schema file, compiled into a checker that lists every problem in Vietnamese.

The schema under resources/schema/ is the contract (a copy of shared/schema/). A generic JSON Schema
library either stops at the first error or is too slow for a commune's file and speaks English, so
this module compiles the subset of Draft 2020-12 the schema uses into plain Python closures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from thidua_desktop import paths

SCHEMA_FILE = "thidua-dataset-v1.schema.json"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


Check = Callable[[Any, Any, list], None]  # value, path (a chain of (parent, key) tuples), problems

_TYPE_NAMES = {
    "string": "chuỗi ký tự",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "object": "đối tượng",
    "array": "danh sách",
    "null": "null",
}
_PATTERN_MESSAGES = {
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$": "không phải mã định danh (UUID, chữ thường) hợp lệ",
    r"^\d{4}-\d{2}-\d{2}$": "ngày phải có dạng NNNN-TT-NN (ví dụ 2019-01-05)",
    r"^\d{5}$": "phải gồm đúng 5 chữ số",
    r"^\d{2}$": "phải gồm đúng 2 chữ số",
    r"^(\d{12}|\d{9})$": "số CCCD phải gồm 12 chữ số (hoặc CMND cũ 9 chữ số)",
}


_PY_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# Paths are built only for a problem: while checking, a path is a chain of (parent, key) tuples.
Path_ = tuple | None


def _render(path: Path_) -> str:
    keys = []
    while path is not None:
        path, key = path
        keys.append(key)
    out = ""
    for key in reversed(keys):
        out = join(out, key)
    return out


class _Compiler:
    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, pointer: str) -> Check:
        if pointer not in self.refs:
            # Placeholder first so recursive references resolve lazily.
            holder: list[Check] = []
            self.refs[pointer] = lambda v, p, out: holder[0](v, p, out)
            node = self.root
            for part in pointer.lstrip("#/").split("/"):
                node = node[part]
            holder.append(self.compile(node))
            self.refs[pointer] = holder[0]
        return self.refs[pointer]

    def compile(self, node: dict) -> Check:
        checks: list[Check] = []
        if "$ref" in node:
            checks.append(self.ref(node["$ref"]))
        if "anyOf" in node:
            checks.append(self._any_of([self.compile(n) for n in node["anyOf"]]))
        leaf = self._leaf(node)
        if leaf is not None:
            checks.append(leaf)
        if "properties" in node or "required" in node:
            checks.append(self._object(node))
        if "items" in node:
            checks.append(self._items(self.compile(node["items"]), bool(node.get("uniqueItems"))))
        elif node.get("uniqueItems"):
            checks.append(self._items(None, True))
        if len(checks) == 1:
            return checks[0]

        def all_checks(value, path, out):
            for check in checks:
                before = len(out)
                check(value, path, out)
                if len(out) > before:
                    return  # one clear message per value is enough

        return all_checks

    @staticmethod
    def _leaf(node: dict) -> Check | None:
        """Type, const, enum and the value constraints of one node, fused into one closure."""
        preds: list[tuple[Callable[[Any], bool], str]] = []
        if "const" in node:
            const = node["const"]
            preds.append((lambda v: v == const and type(v) is type(const), f"phải là {_show(const)}"))
        if "enum" in node:
            options = node["enum"]
            keyed = {(type(o), o) for o in options}
            allowed = ", ".join(_show(o) for o in options)
            preds.append(
                (
                    lambda v: isinstance(v, (str, int, float, bool, type(None))) and (type(v), v) in keyed,
                    f"chỉ nhận: {allowed}",
                )
            )
        if "pattern" in node:
            rx = re.compile(node["pattern"])
            msg = _PATTERN_MESSAGES.get(node["pattern"], "không đúng định dạng")
            preds.append((lambda v: not isinstance(v, str) or rx.search(v) is not None, msg))
        if node.get("format") == "date-time":
            preds.append((_is_datetime, "thời điểm phải theo ISO 8601, ví dụ 2021-01-15T09:30:00+07:00"))
        if "minLength" in node:
            lo_len = node["minLength"]
            msg = "không được để trống" if lo_len == 1 else f"phải dài ít nhất {lo_len} ký tự"
            preds.append((lambda v: not isinstance(v, str) or len(v) >= lo_len, msg))
        if "maxLength" in node:
            hi_len = node["maxLength"]
            preds.append((lambda v: not isinstance(v, str) or len(v) <= hi_len, f"dài quá {hi_len} ký tự"))
        if "minimum" in node:
            lo = node["minimum"]
            preds.append((lambda v: type(v) not in (int, float) or v >= lo, f"phải từ {lo} trở lên"))
        if "maximum" in node:
            hi = node["maximum"]
            preds.append((lambda v: type(v) not in (int, float) or v <= hi, f"không được lớn hơn {hi}"))
        types = node.get("type")
        if types is None and not preds:
            return None
        names = [types] if isinstance(types, str) else list(types or ())
        py_types = frozenset(t for n in names for t in _PY_TYPES[n])
        wanted = " hoặc ".join(_TYPE_NAMES[n] for n in names)
        nullable = "null" in names

        integral_floats = "integer" in names  # JSON Schema: 2019.0 is an integer

        def check(value, path, out):
            if (
                py_types
                and type(value) not in py_types
                and not (integral_floats and type(value) is float and value.is_integer())
            ):
                out.append(Problem(_render(path), f"phải là {wanted}, không phải {_show(value)}"))
                return
            if value is None and nullable:
                return
            for ok, message in preds:
                if not ok(value):
                    shown = (
                        f"giá trị {_show(value)} không hợp lệ; {message}" if message.startswith("chỉ nhận") else message
                    )
                    out.append(Problem(_render(path), shown))
                    return

        return check

    @staticmethod
    def _any_of(branches: list[Check]) -> Check:
        def check(value, path, out):
            first: list = []
            for i, branch in enumerate(branches):
                found: list = []
                branch(value, path, found)
                if not found:
                    return
                if i == 0:
                    first = found
            out.extend(first)

        return check

    def _object(self, node: dict) -> Check:
        props = {k: self.compile(v) for k, v in node.get("properties", {}).items()}
        required = list(node.get("required", ()))
        required_set = frozenset(required)
        closed = node.get("additionalProperties") is False

        def check(value, path, out):
            if type(value) is not dict:
                return
            if not required_set <= value.keys():
                for key in required:
                    if key not in value:
                        out.append(Problem(_render(path), f"thiếu trường bắt buộc '{key}'"))
            for key, item in value.items():
                sub = props.get(key)
                if sub is not None:
                    sub(item, (path, key), out)
                elif closed:
                    out.append(Problem(_render((path, key)), "trường này không có trong định dạng dữ liệu"))

        return check

    @staticmethod
    def _items(item_check: Check | None, unique: bool) -> Check:
        def check(value, path, out):
            if type(value) is not list:
                return
            if item_check is not None:
                for i, item in enumerate(value):
                    item_check(item, (path, i), out)
            if unique and len(value) > 1 and not _unique(value):
                out.append(Problem(_render(path), "có phần tử bị trùng"))

        return check


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _unique(value: list) -> bool:
    try:
        return len(set(value)) == len(value)
    except TypeError:  # objects or lists inside
        seen = [json.dumps(v, sort_keys=True) for v in value]
        return len(seen) == len(set(seen))


def load_schema() -> dict:
    with open(paths.resource("schema", SCHEMA_FILE), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def dataset_checker() -> Check:
    schema = load_schema()
    return _Compiler(schema).compile(schema)


def check_dataset_shape(data: Any) -> list[Problem]:
    """Every place where `data` breaks the dataset schema, with a Vietnamese reason."""
    out: list[Problem] = []
    dataset_checker()(data, None, out)
    return out


@cache
def _definition_checker(name: str) -> Check:
    return _Compiler(load_schema()).ref(f"#/$defs/{name}")


def check_shape(value: Any, definition: str) -> list[Problem]:
    """Where one record (a 'household', a 'meeting', ...) breaks its definition in the schema; the
    paths are relative to the record."""
    out: list[Problem] = []
    _definition_checker(definition)(value, None, out)
    return out


@cache
def required_keys() -> frozenset[str]:
    return frozenset(load_schema().get("required", ()))


@cache
def _top_level_keys() -> frozenset[str]:
    return frozenset(load_schema().get("properties", {}))


# --- whether a value fits, fast ------------------------------------------------------------------------
# The checker above says where and why; most files fit, and telling that is all most imports need. The
# same subset of the schema is compiled here into Python source, one function a node, that only answers
# whether the value fits (several times faster); a file that does not is checked again above for the
# problems to list. tests/core/test_streaming.py keeps the two in agreement.


class _FastCompiler:
    """Each node as one Python expression of the value (its references, alternatives and leaf checks
    inline), objects and arrays as functions that look their keys up and loop over their items."""

    def __init__(self, root: dict):
        self.root = root
        self.names: dict[int, str] = {}
        self.sources: list[str] = []
        self.consts: dict[str, Any] = {"_unique": _unique, "_is_datetime": _is_datetime}

    def const(self, value: Any) -> str:
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        return name

    def resolve(self, pointer: str) -> dict:
        node = self.root
        for part in pointer.lstrip("#/").split("/"):
            node = node[part]
        return node

    def expr(self, node: dict, x: str) -> str:
        parts = []
        if "$ref" in node:
            parts.append(self.expr(self.resolve(node["$ref"]), x))
        if "anyOf" in node:
            parts.append("(" + " or ".join(self.expr(n, x) for n in node["anyOf"]) + ")")
        inside = []  # an object's or array's own function, asked only of a value of the node's type
        if "properties" in node or "required" in node:
            inside.append(f"{self.object_function(node)}({x})")
        if "items" in node or node.get("uniqueItems"):
            inside.append(f"{self.array_function(node)}({x})")
        leaf = self.leaf(node, x, inside)
        if leaf:
            parts.append(leaf)
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def _function(self, node: dict, lines: list[str]) -> str:
        name = self.names[id(node)]
        self.sources.append("\n".join([f"def {name}(v):", *(f"    {line}" for line in lines), "    return True"]))
        return name

    def object_function(self, node: dict) -> str:
        """A key the object must have is looked up, one it may have looked for; a closed object's keys
        are all among its properties (one set comparison, not a loop over its keys)."""
        if id(node) in self.names:
            return self.names[id(node)]
        self.names[id(node)] = f"_f{len(self.names)}"
        lines = ["if type(v) is not dict: return True"]
        required = list(node.get("required") or ())
        if required:
            lines.append(f"if not {self.const(frozenset(required))} <= v.keys(): return False")
        properties = node.get("properties", {})
        if node.get("additionalProperties") is False:
            lines.append(f"if not v.keys() <= {self.const(frozenset(properties))}: return False")
        for key, sub in properties.items():
            if key in required:
                lines += [f"x = v[{key!r}]", f"if not {self.expr(sub, 'x')}: return False"]
            else:
                lines += [f"if {key!r} in v:", f"    x = v[{key!r}]", f"    if not {self.expr(sub, 'x')}: return False"]
        return self._function(node, lines)

    def array_function(self, node: dict) -> str:
        if id(node) in self.names:
            return self.names[id(node)]
        self.names[id(node)] = f"_f{len(self.names)}"
        lines = ["if type(v) is not list: return True"]
        items = node.get("items")
        if items is not None:
            lines += ["for x in v:", f"    if not {self.expr(items, 'x')}: return False"]
        if node.get("uniqueItems"):
            if items is not None and _scalar(items):  # the items are hashable, as told above
                lines.append("if len(v) > 1 and len(set(v)) != len(v): return False")
            else:
                lines.append("if len(v) > 1 and not _unique(v): return False")
        return self._function(node, lines)

    def leaf(self, node: dict, x: str, inside: list[str]) -> str:
        """Type, const, enum and the value constraints of one node, then (`inside`) what its object or
        array function asks. Where the node's type leaves the value one kind (a string; a number), the
        constraints on that kind need not ask it again."""
        types = node.get("type")
        names = [types] if isinstance(types, str) else list(types or ())
        kinds = {t for n in names if n != "null" for t in _PY_TYPES[n]}
        strings = bool(names) and kinds <= {str}  # once the type holds, a string (or None, checked first)
        numbers = bool(names) and kinds <= {int, float}
        preds = []
        if "const" in node:
            preds.append(f"{x} == {self.const(node['const'])} and type({x}) is {self.const(type(node['const']))}")
        if "enum" in node:
            options = node["enum"]
            if options and all(type(o) is str for o in options):
                preds.append(f"type({x}) is str and {x} in {self.const(frozenset(options))}")
            else:
                keyed = self.const({(type(o), o) for o in options})
                preds.append(f"isinstance({x}, (str, int, float, bool, type(None))) and (type({x}), {x}) in {keyed}")
        is_str = "" if strings else f"not isinstance({x}, str) or "
        if "pattern" in node:
            rx = self.const(re.compile(node["pattern"]))
            preds.append(f"{is_str}{rx}.search({x}) is not None")
        if node.get("format") == "date-time":
            preds.append(f"_is_datetime({x})")
        if "minLength" in node:
            preds.append(f"{is_str}len({x}) >= {int(node['minLength'])}")
        if "maxLength" in node:
            preds.append(f"{is_str}len({x}) <= {int(node['maxLength'])}")
        is_number = "" if numbers else f"type({x}) not in (int, float) or "
        for key, op in (("minimum", ">="), ("maximum", "<=")):
            if key in node:
                preds.append(f"{is_number}{x} {op} {self.const(node[key])}")
        if not names:
            return " and ".join([*(f"({p})" for p in preds), *inside])
        typed = " or ".join(f"type({x}) is {t.__name__}" for t in _KIND_ORDER if t in kinds) or "False"
        if "integer" in names and float not in kinds:
            typed += f" or (type({x}) is float and {x}.is_integer())"
        checked = " and ".join([f"({typed})", *(f"({p})" for p in preds), *inside])
        return f"({x} is None or ({checked}))" if "null" in names else f"({checked})"

    def compiled(self, entries: dict[Any, dict]) -> dict[Any, Callable[[Any], bool]]:
        """A function for each of the nodes, all made by one `exec` (the nodes they share made once)."""
        checks = [f"def _e{i}(v):\n    return {self.expr(node, 'v')}" for i, node in enumerate(entries.values())]
        scope = dict(self.consts)
        exec("\n\n".join([*self.sources, *checks]), scope)  # our own schema's checks
        return {name: scope[f"_e{i}"] for i, name in enumerate(entries)}


def _scalar(node: dict) -> bool:
    """Whether a node takes only strings, numbers, booleans or null (each hashable), told by its type alone."""
    types = node.get("type")
    names = [types] if isinstance(types, str) else list(types or ())
    return bool(names) and set(names) <= {"string", "integer", "number", "boolean", "null"}


_KIND_ORDER = (str, int, float, bool, dict, list)  # the Python types of _PY_TYPES but None, by name in the source


@cache
def _fast_checks() -> dict[str | None, Callable[[Any], bool]]:
    """The whole schema (None), what each of its top-level keys holds ('properties/villages') and each of
    its definitions ('household'), compiled together once."""
    schema = load_schema()
    entries: dict[Any, dict] = {None: schema}
    entries.update({f"properties/{key}": node for key, node in schema.get("properties", {}).items()})
    entries.update(schema.get("$defs", {}))
    return _FastCompiler(schema).compiled(entries)


def _fast(definition: str | None) -> Callable[[Any], bool]:
    return _fast_checks()[definition]


def fits(value: Any, definition: str | None = None) -> bool:
    """Whether `value` fits the dataset schema, one of its definitions ('household' ...) or what one of
    its top-level keys holds ('properties/villages' ...; False for a key it does not have): exactly when
    check_dataset_shape (or check_shape) finds no problem, answered several times faster."""
    if definition is not None and definition.startswith("properties/"):
        if definition.removeprefix("properties/") not in _top_level_keys():
            return False
    return _fast(definition)(value)
