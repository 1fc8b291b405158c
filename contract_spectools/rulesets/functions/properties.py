"""xor and or (Spectral 6: @stoplight/spectral-functions 1.11, src/{xor,or}.ts).

Both name the properties of an object they look for; xor also wants no more than one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult
from contract_spectools.rulesets.functions.printing import js_key_order


def xor(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, Mapping) or options is None:
        return []  # Spectral's input schema: an object
    names: list[str] = options["properties"]
    present = _present(value, names)
    results = _none_present(names) if not present else []
    if len(present) > 1:
        listed = '" and "'.join(present)
        results.append(FunctionResult(f'Just one of "{listed}" must be defined'))
    return results


def or_(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    if not isinstance(value, Mapping) or options is None:
        return []  # Spectral's input schema: an object
    names: list[str] = options["properties"]
    return _none_present(names) if not _present(value, names) else []


def _present(value: Mapping[str, Any], names: list[str]) -> list[str]:
    """The object's own keys that are among `names`, in JavaScript's key order (as Spectral lists them)."""
    return [key for key in js_key_order(list(value)) if key in names]


def _none_present(names: list[str]) -> list[FunctionResult]:
    if len(names) < 2:
        return []
    if len(names) > 4:
        shown = '" or "'.join(names[:3])
        return [
            FunctionResult(
                f'At least one of "{shown}" or {len(names) - 3} other properties must be defined'
            )
        ]
    listed = '" or "'.join(names)
    return [FunctionResult(f'At least one of "{listed}" must be defined')]
