"""truthy, falsy, defined, undefined (Spectral packages/functions/src/{truthy,falsy,defined,undefined}.ts)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import (
    FunctionContext,
    FunctionResult,
    is_missing,
)
from contract_spectools.rulesets.functions.printing import property_prefix


def js_truthy(value: Any, context: FunctionContext) -> bool:
    """JavaScript truthiness: `[]` and `{}` are truthy, `0`, `""`, `null` and a missing field are not."""
    if is_missing(value, context) or value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def truthy(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if js_truthy(value, context):
        return []
    return [_result(context, "must be truthy")]


def falsy(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not js_truthy(value, context):
        return []
    return [_result(context, "must be falsy")]


def defined(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not is_missing(value, context):
        return []
    return [_result(context, "must be defined")]


def undefined(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if is_missing(value, context):
        return []
    return [_result(context, "must be undefined")]


def _result(context: FunctionContext, text: str) -> FunctionResult:
    return FunctionResult(property_prefix(context.document, context.path) + text)
