"""Turn an OpenAPI document's schemas into plain JSON Schema 2020-12, once per spec.

Validators (jsonschema-rs here) and generators speak JSON Schema, not OpenAPI 3.0's dialect:
`nullable` must become a `null` type, boolean `exclusiveMinimum` a number. We convert a copy of the
whole document so that every `$ref` still resolves in it. Direction views drop `required` entries
that the other side owns (`readOnly` in requests, `writeOnly` in responses).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from contract_core.walk import iter_all_schemas

Direction = Literal["request", "response"]


def to_json_schema(document: dict[str, Any], direction: Direction | None = None) -> dict[str, Any]:
    """A converted deep copy of `document` (its schemas in JSON Schema 2020-12)."""
    converted = json.loads(json.dumps(document))  # far faster than copy.deepcopy on MB-sized specs
    nodes = [schema for _, schema in iter_all_schemas(converted)]
    for schema in nodes:
        # `nullable` is 3.0 syntax. In a 3.1 document it is an error (the linter says so), but its
        # author plainly means `null` is allowed (OpenAI's 3.1 spec writes it 111 times), and the
        # servers built from such specs accept null: read it that way rather than refuse null.
        _convert_nullable(schema)
        # Boolean bounds are 3.0 syntax; in a 3.1 document they are an error (the linter says so),
        # which we read the way its author meant rather than refuse the whole document.
        _convert_exclusive_bound(schema, "exclusiveMinimum", "minimum")
        _convert_exclusive_bound(schema, "exclusiveMaximum", "maximum")
        _bound_sized_integer(schema)
        if direction:
            _drop_required_of_other_direction(schema, direction)
    return converted


def _convert_nullable(schema: dict[str, Any]) -> None:
    if "nullable" not in schema:
        return
    nullable = schema.pop("nullable") is True
    if not nullable:
        return
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list):
        schema["type"] = kind if "null" in kind else [*kind, "null"]
    elif any(k in schema for k in ("$ref", "allOf", "anyOf", "oneOf")):
        rest = dict(schema)
        schema.clear()
        schema["anyOf"] = [rest, {"type": "null"}]


def _convert_exclusive_bound(schema: dict[str, Any], exclusive: str, bound: str) -> None:
    flag = schema.get(exclusive)
    if not isinstance(flag, bool):
        return
    del schema[exclusive]
    if flag and bound in schema:
        schema[exclusive] = schema.pop(bound)


# OpenAPI's int32/int64 (and the widely used unsigned/small variants) are ranges; JSON Schema
# validators treat them as unknown formats and check nothing, so we state the range.
INTEGER_FORMAT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}


def _bound_sized_integer(schema: dict[str, Any]) -> None:
    declared = schema.get("format")
    # A malformed `format` (a list, a map: the linter reports it) bounds nothing, and is no dict key.
    bounds = INTEGER_FORMAT_RANGES.get(declared) if isinstance(declared, str) else None
    if bounds is None:
        return
    low, high = bounds
    if not isinstance(schema.get("minimum"), (int, float)) and not isinstance(
        schema.get("exclusiveMinimum"), (int, float)
    ):
        schema["minimum"] = low
    if not isinstance(schema.get("maximum"), (int, float)) and not isinstance(
        schema.get("exclusiveMaximum"), (int, float)
    ):
        schema["maximum"] = high


def _drop_required_of_other_direction(schema: dict[str, Any], direction: Direction) -> None:
    required = schema.get("required")
    properties = schema.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return
    owned_elsewhere = "readOnly" if direction == "request" else "writeOnly"
    kept = [
        name
        for name in required
        if not (
            isinstance(properties.get(name), dict) and properties[name].get(owned_elsewhere) is True
        )
    ]
    if len(kept) != len(required):
        schema["required"] = kept
