"""Which schemas document a place in an instance: a JSON path (`["modules", 0, "id"]`) followed through a
schema's `$ref`s, `allOf`/`anyOf`/`oneOf` branches, `properties`, `additionalProperties` (maps) and `items`.

The mock writes a request's values where the response documents them; conformance checks that they
came back there. Both ask the same question, so both should use this answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from contract_core import pointer
from contract_core.spec import Spec

_COMBINATORS = ("allOf", "anyOf", "oneOf")
_MAX_DEPTH = 64  # request bodies are finite; a path deeper than this is not worth matching
_JSON_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
    "object": dict,
    "array": list,
}


def schemas_at(
    spec: Spec, schema: Any, tokens: Sequence[str | int], depth: int = 0
) -> Iterator[dict[str, Any]]:
    """Every schema object that documents the value at `tokens` below `schema` (combinator holders too)."""
    for found, _ in located_schemas_at(spec, schema, tokens, "", depth):
        yield found


def located_schemas_at(
    spec: Spec, schema: Any, tokens: Sequence[str | int], at: str, depth: int = 0
) -> Iterator[tuple[dict[str, Any], str]]:
    """`schemas_at` with each schema's pointer in the spec, `schema` standing at `at` (`#/...`), for a
    validator to check a value against (conform's known data)."""
    schema, ref = spec.deref(schema)
    at = ref or at
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    branched = False
    for keyword in _COMBINATORS:
        for index, branch in enumerate(schema.get(keyword) or []):
            branched = True
            yield from located_schemas_at(
                spec, branch, tokens, pointer.join(at, keyword, index), depth + 1
            )
    if not tokens:
        # a bare holder is what its branches are
        if not branched or "type" in schema or "enum" in schema:
            yield schema, at
        return
    head, rest = tokens[0], tokens[1:]
    if isinstance(head, int):
        if isinstance(schema.get("items"), dict):
            yield from located_schemas_at(
                spec, schema["items"], rest, pointer.join(at, "items"), depth + 1
            )
    elif head in (schema.get("properties") or {}):
        yield from located_schemas_at(
            spec,
            schema["properties"][head],
            rest,
            pointer.join(at, "properties", head),
            depth + 1,
        )
    elif isinstance(schema.get("additionalProperties"), dict):  # a map: every key documented alike
        yield from located_schemas_at(
            spec,
            schema["additionalProperties"],
            rest,
            pointer.join(at, "additionalProperties"),
            depth + 1,
        )


def could_be(value: Any, schema: dict[str, Any]) -> bool:
    """Whether `value` has a type (and enum value) `schema` allows; other keywords are not looked at."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if schema.get("nullable") is True:
        kinds = [*kinds, "null"]
    if kinds and not any(
        isinstance(value, _JSON_TYPES.get(k, object))
        and not (isinstance(value, bool) and k in ("integer", "number"))
        for k in kinds
    ):
        return False
    return not isinstance(schema.get("enum"), list) or value in schema["enum"]
