"""xor and or (Spectral packages/functions/src/{xor,or}.ts): which of some properties an object has."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.printing import print_value


def xor(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, Mapping) or options is None:
        return []  # Spectral's input schema: an object
    names: list[str] = options["properties"]
    if sum(1 for key in value if key in names) == 1:
        return []
    quoted = [print_value(name) for name in names]
    listed = ", ".join(quoted[:-1]) + (f" and {quoted[-1]}" if quoted else "")
    return [FunctionResult(f"{listed} must not be both defined or both undefined")]


def or_(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, Mapping) or options is None:
        return []
    names: list[str] = options["properties"]
    if len(names) < 2 or any(key in names for key in value):
        return []
    if len(names) > 4:
        shown = '" or "'.join(names[:3])
        rest = f"{len(names) - 3} other properties must be defined"
        return [FunctionResult(f'At least one of "{shown}" or {rest}')]
    listed = '" or "'.join(names)
    return [FunctionResult(f'At least one of "{listed}" must be defined')]
