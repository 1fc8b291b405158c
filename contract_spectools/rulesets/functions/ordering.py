"""alphabetical (Spectral packages/functions/src/alphabetical.ts), its comparison quirks included."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.printing import print_value, property_prefix

_JS_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|Infinity)$", re.IGNORECASE)
# The printable ASCII characters in the order Node's `localeCompare` sorts them (letters: lowercase)
_ICU_ORDER = "\t _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"
_ICU_PRIMARY = {char: rank for rank, char in enumerate(_ICU_ORDER)}
_JS_RADIX = re.compile(r"^0(x[0-9a-f]+|o[0-7]+|b[01]+)$", re.IGNORECASE)


def alphabetical(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, Mapping | list):
        return []  # Spectral's input schema: object or array
    items: list[Any] = list(value) if isinstance(value, list) else list(value.keys())
    if len(items) < 2:
        return []
    keyed_by = options.get("keyedBy") if options else None
    if keyed_by is not None:
        if not all(isinstance(item, Mapping) for item in items):
            return [
                FunctionResult(
                    property_prefix(context.document, context.path) + "must be an object"
                )
            ]
        items = [item.get(keyed_by) for item in items]
    if not all(_is_string_or_number(item) for item in items):
        prefix = property_prefix(context.document, context.path)
        return [FunctionResult(f"{prefix}must be one of the allowed types: number, string")]
    return _unsorted(items, value, keyed_by)


def _unsorted(items: list[Any], value: Any, keyed_by: str | None) -> list[FunctionResult]:
    for index in range(len(items) - 1):
        if js_compare(items[index], items[index + 1]) >= 1:
            if keyed_by is not None:
                return [FunctionResult("properties must follow the alphabetical order")]
            where: str | int = index if isinstance(value, list) else items[index]
            after = (
                f"{print_value(items[index])} must be placed after {print_value(items[index + 1])}"
            )
            return [FunctionResult(after, (where,))]
    return []


def js_compare(a: Any, b: Any) -> float:
    """Spectral's `compare`, including its test of `a` (a non-numeric string takes the numeric branch).

    NaN compares as "in order", as `NaN >= 1` is false in JavaScript.
    """
    a_numeric = _is_number(a) or math.isnan(js_number(a))
    b_numeric = _is_number(b) or not math.isnan(js_number(b))
    if a_numeric and b_numeric:
        difference = js_number(a) - js_number(b)
        return math.nan if math.isnan(difference) else min(1.0, max(-1.0, difference))
    if not isinstance(a, str) or not isinstance(b, str):
        return 0
    return locale_compare(a, b)


def locale_compare(a: str, b: str) -> int:
    """`localeCompare` as Node's ICU does it with the root collation, for the characters of API specs.

    Hand-written because no small library brings ICU's root collation without ICU itself: ASCII
    compares by ICU's primary order (whitespace, punctuation, symbols, digits, letters with case
    ignored), then lowercase before uppercase; other characters follow ASCII by code point.
    """
    key_a, key_b = _collation_key(a), _collation_key(b)
    return (key_a > key_b) - (key_a < key_b)


def js_number(value: Any) -> float:
    """JavaScript's Number() on a string or number."""
    if _is_number(value):
        return float(value)
    if not isinstance(value, str):
        return math.nan
    text = value.strip()
    if text == "":
        return 0.0
    if _JS_RADIX.match(text):
        return float(int(text, 0))
    return float(text) if _JS_NUMBER.match(text) else math.nan


def _collation_key(text: str) -> tuple[tuple[int, ...], tuple[bool, ...]]:
    primary = tuple(_ICU_PRIMARY.get(char.lower(), 1000 + ord(char.lower())) for char in text)
    return primary, tuple(char.isupper() for char in text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_string_or_number(value: Any) -> bool:
    return isinstance(value, str) or _is_number(value)
