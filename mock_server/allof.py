"""Fold `allOf` members into one schema, so an instance can be generated in one pass.

Generators need one schema to build from; validators don't, which is why this lives beside the
fixture engine and not in the core. The merge is conservative: where two members constrain the
same keyword, the stricter bound wins; where it cannot tell, the fixture is still validated
against the original `allOf` afterwards.
"""

from __future__ import annotations

from typing import Any

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


def merge_into(merged: dict[str, Any], member: dict[str, Any]) -> None:
    """Add `member`'s constraints to `merged` (both already free of `$ref` at the top)."""
    for key, value in member.items():
        if key == "properties" and isinstance(value, dict):
            _merge_properties(merged.setdefault("properties", {}), value)
        elif key == "required" and isinstance(value, list):
            merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
        elif key == "type" and "type" in merged:
            merged["type"] = _intersect_types(merged["type"], value)
        elif key == "enum" and "enum" in merged:
            merged["enum"] = [v for v in merged["enum"] if v in value]
        elif key in _LOWER_BOUNDS and key in merged and _comparable(merged[key], value):
            merged[key] = max(merged[key], value)
        elif key in _UPPER_BOUNDS and key in merged and _comparable(merged[key], value):
            merged[key] = min(merged[key], value)
        elif key in ("oneOf", "anyOf") and key in merged:
            merged.setdefault("allOf", []).append({key: value})
        elif key == "nullable":
            continue  # only the allOf holder's own `nullable` makes the whole value nullable
        elif key == "additionalProperties" and value is False:
            merged[key] = False
        else:
            merged.setdefault(key, value)


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    )


def _merge_properties(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for name, schema in extra.items():
        if name in into and into[name] != schema:
            into[name] = {"allOf": [into[name], schema]}
        else:
            into[name] = schema


def _intersect_types(a: Any, b: Any) -> Any:
    left = set(a) if isinstance(a, list) else {a}
    right = set(b) if isinstance(b, list) else {b}
    if "number" in left and "integer" in right:
        left.add("integer")
    if "number" in right and "integer" in left:
        right.add("integer")
    both = sorted(left & right)
    return both[0] if len(both) == 1 else both
