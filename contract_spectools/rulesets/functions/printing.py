"""Spectral's printing of values, paths and the `#{{print("property")}}` part of its messages.

Spectral's core functions write `#{{print("property")}}must be truthy`; its runner fills the
template from the reported path (spectral-core runner/lintNode.ts, runtime printValue/printPath).
The functions here fill it themselves, so a FunctionResult carries the finished `{{error}}`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from contract_spectools.rulesets.functions.context import MISSING, JsonPath, Segment, lookup

_WHITESPACE = re.compile(r"\s")


def print_value(value: Any) -> str:
    """JavaScript's view of a value, as spectral-runtime's printValue writes it."""
    if value is MISSING:
        return "undefined"
    if isinstance(value, list):
        return "Array[]"
    if isinstance(value, Mapping):
        return "Object{}"
    return js_json(value)


def js_json(value: Any) -> str:
    """JSON.stringify of a primitive: integral floats lose their `.0`, as JavaScript numbers do."""
    if isinstance(value, str):
        # what json.dumps(ensure_ascii=False) returns for a string, without building an encoder
        # for each of a large spec's thousands of messages
        return encode_basestring(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def js_key_order(names: list[str]) -> list[str]:
    """The order JavaScript enumerates an object's keys in: array indices first, ascending, then the rest."""
    indices = sorted((name for name in names if _is_array_index(name)), key=int)
    return indices + [name for name in names if not _is_array_index(name)]


def _is_array_index(name: str) -> bool:
    return name.isdigit() and (name == "0" or not name.startswith("0")) and int(name) < 2**32 - 1


def print_dot_path(path: JsonPath) -> str:
    """printPath(path, PrintStyle.Dot): `a.b[0]['c d']`."""
    out = ""
    for index, segment in enumerate(path):
        bracket = _bracket(segment)
        out += bracket if bracket is not None else f"{'' if index == 0 else '.'}{segment}"
    return out


def property_prefix(document: Any, path: JsonPath) -> str:
    """`"name" property ` or `The document ` for the result at `path` (Spectral's print("property")).

    Where the path leaves the document (a missing field), Spectral reports the closest existing
    node and names the missing rest from that node's own key: `"get.description" property`.
    """
    closest = closest_path(document, path)
    if len(path) > len(closest):
        start = len(closest) - 1 if closest else -1
        name = print_dot_path(path[start:])
    else:
        name = str(path[-1]) if path else ""
    return f'"{name}" property ' if name else "The document "


def closest_path(document: Any, path: JsonPath) -> JsonPath:
    """The longest prefix of `path` that exists in `document` (where Spectral reports a missing field)."""
    for length in range(len(path), 0, -1):
        if lookup(document, path[:length]) is not MISSING:
            return path[:length]
    return ()


def _bracket(segment: Segment) -> str | None:
    if isinstance(segment, int):
        return f"[{segment}]"
    if segment == "":
        return "['']"
    if _WHITESPACE.search(segment):
        return f"['{segment}']"
    if _js_numeric(segment):
        return f"[{segment}]"
    return None


def _js_numeric(text: str) -> bool:
    try:
        float(text.strip() or "0")
    except ValueError:
        return False
    return True
