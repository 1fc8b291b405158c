"""casing (Spectral packages/functions/src/casing.ts): the same patterns, compiled once per options."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.regex import compile_re2, utf8

# Spectral's CASES; {D} is where digits go unless `disallowDigits`. Run on RE2 like `pattern`: with
# digits allowed, camel's `[a-z0-9]*` and `[A-Z0-9]` overlap, which a backtracking engine retries.
CASES: dict[str, str] = {
    "flat": "[a-z][a-z{D}]*",
    "camel": "[a-z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
    "pascal": "[A-Z][a-z{D}]*(?:[A-Z{D}](?:[a-z{D}]+|$))*",
    "kebab": "[a-z][a-z{D}]*(?:-[a-z{D}]+)*",
    "cobol": "[A-Z][A-Z{D}]*(?:-[A-Z{D}]+)*",
    "snake": "[a-z][a-z{D}]*(?:_[a-z{D}]+)*",
    "macro": "[A-Z][A-Z{D}]*(?:_[A-Z{D}]+)*",
}


def casing(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, str) or value == "" or options is None:
        return []  # Spectral's input schema: a non-empty string
    kind = options["type"]
    separator = options.get("separator")
    digits = options.get("disallowDigits") is not True
    if separator is not None:
        char, leading = separator["char"], separator.get("allowLeading") is True
        if leading and value == char:
            return []
        matcher = _compiled(kind, digits, char, leading)
    else:
        matcher = _compiled(kind, digits, None, False)
    return [] if matcher.search(utf8(value)) else [FunctionResult(f"must be {kind} case")]


@lru_cache(maxsize=256)
def _compiled(kind: str, digits: bool, char: str | None, leading: bool) -> Any:
    word = CASES[kind].replace("{D}", "0-9" if digits else "")
    if char is None:
        return compile_re2(f"^{word}$")
    # an empty `char` (the option schema allows it) separates nothing, as JavaScript's `[]`
    separator = f"[{re.escape(char)}]" if char else "[^\\x00-\\x{10FFFF}]"
    prefix = f"{separator}?" if leading else ""
    return compile_re2(f"^{prefix}{word}(?:{separator}{word})*$")
