"""pattern (Spectral packages/functions/src/pattern.ts), on RE2 with a bounded fallback (regex.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.printing import js_json, print_value
from contract_spectools.rulesets.functions.regex import (
    FALLBACK_TIMEOUT_S,
    PatternTimeout,
    compile_pattern,
)


def pattern(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, str) or options is None:
        return []  # Spectral's input schema: strings only; anything else is not judged
    # the two keys read in turn, not looped over: this runs for every target of every pattern rule
    results = _judge(value, options["match"], True, "must match") if "match" in options else []
    if "notMatch" in options:
        results += _judge(value, options["notMatch"], False, "must not match")
    return results


def _judge(value: str, source: str, wanted: bool, verb: str) -> list[FunctionResult]:
    try:
        if compile_pattern(source).test(value) == wanted:
            return []
    except PatternTimeout:
        return [
            FunctionResult(
                f"{print_value(value)} could not be checked against the pattern {js_json(source)} "
                f"within {FALLBACK_TIMEOUT_S:g} s (backtracking); simplify the pattern"
            )
        ]
    return [FunctionResult(f"{print_value(value)} {verb} the pattern {js_json(source)}")]
