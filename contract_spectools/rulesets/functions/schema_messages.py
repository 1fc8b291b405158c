"""jsonschema-rs errors told in Spectral's words (Ajv 8's messages through @stoplight/better-ajv-errors).

Spectral users' rulesets put `{{error}}` in their messages, so the common keywords read as they
do there: `"bar" property type must be string`, `Property "baz" is not expected to be here`,
`String must be equal to one of the allowed values: "foo", "bar". Did you mean "bar"?`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from contract_spectools.rulesets.functions.context import MISSING, JsonPath, lookup
from contract_spectools.rulesets.functions.printing import js_json

# Ajv's message per keyword, filled from jsonschema-rs's `kind.as_dict()`
_AJV: dict[str, str] = {
    "maxItems": "must NOT have more than {limit} items",
    "minItems": "must NOT have fewer than {limit} items",
    "maxLength": "must NOT have more than {limit} characters",
    "minLength": "must NOT have fewer than {limit} characters",
    "maxProperties": "must NOT have more than {limit} properties",
    "minProperties": "must NOT have fewer than {limit} properties",
    "maximum": "must be <= {limit}",
    "minimum": "must be >= {limit}",
    "exclusiveMaximum": "must be < {limit}",
    "exclusiveMinimum": "must be > {limit}",
    "multipleOf": "must be multiple of {multiple_of}",
    "pattern": 'must match pattern "{pattern}"',
    "format": 'must match format "{format}"',
    "constant": "must be equal to constant",
    "uniqueItems": "must NOT have duplicate items",
    "anyOf": "must match a schema in anyOf",
    "oneOfNotValid": "must match exactly one schema in oneOf",
    "oneOfMultipleValid": "must match exactly one schema in oneOf",
    "not": "must NOT be valid",
    "falseSchema": "boolean schema is false",
    "contains": "must contain at least 1 valid item(s)",
    "propertyNames": "property name must be valid",
}


def spectral_messages(
    error: Any, target: Any, schema: Any, context_path: JsonPath
) -> Iterator[tuple[str, JsonPath]]:
    """(message, path relative to the target) for one jsonschema-rs error; additional properties give one each."""
    path: JsonPath = tuple(error.instance_path)
    kind = error.kind.name
    details = error.kind.as_dict()
    if kind == "additionalProperties" or _false_additional(kind, error.schema_path):
        for name in _unexpected(kind, details, lookup(target, path), schema, error.schema_path):
            yield f'Property "{name}" is not expected to be here', path
        return
    yield _message(kind, details, error.message, target, path, context_path), path


def _message(
    kind: str, details: dict[str, Any], fallback: str, target: Any, path: JsonPath, outer: JsonPath
) -> str:
    name = _property_name(path, outer)
    if kind == "type":
        types = ",".join(details["types"])
        return (
            f"Value type must be {types}"
            if name is None
            else f'"{name}" property type must be {types}'
        )
    subject = f'"{name}" property' if name is not None else _js_typeof(lookup(target, path))
    if kind == "required":
        return f'{subject} must have required property "{details["property"]}"'
    if kind == "enum":
        return _enum_message(subject, details["options"], lookup(target, path))
    template = _AJV.get(kind)
    text = template.format(**{k: _plain(v) for k, v in details.items()}) if template else fallback
    return f"{subject} {text.replace('NOT', 'not')}"


def _enum_message(subject: str, allowed: list[Any], value: Any) -> str:
    listed = ", ".join(js_json(option) for option in allowed)
    text = f"{subject} must be equal to one of the allowed values: {listed}"
    best = _best_match(allowed, value)
    return text if best is None else f'{text}. Did you mean "{best}"?'


def _best_match(allowed: list[Any], value: Any) -> str | None:
    """better-ajv-errors' suggestion: the closest allowed string by edit distance, if close enough."""
    if not isinstance(value, str):
        return None
    candidates = sorted(
        (levenshtein(option, value), option) for option in allowed if isinstance(option, str)
    )
    if not candidates:
        return None
    weight, option = candidates[0]
    return option if len(allowed) == 1 or weight < len(option) else None


def levenshtein(a: str, b: str) -> int:
    """Edit distance (the `leven` package better-ajv-errors uses); a few lines, not worth a dependency."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _property_name(path: JsonPath, outer: JsonPath) -> str | None:
    if path:
        return str(path[-1])
    return str(outer[-1]) if outer else None


def _js_typeof(value: Any) -> str:
    if value is MISSING:
        return "Undefined"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    return "String" if isinstance(value, str) else "Object"


def _plain(value: Any) -> Any:
    return value if isinstance(value, str) else js_json(value)


def _false_additional(kind: str, schema_path: list[Any]) -> bool:
    return kind == "falseSchema" and bool(schema_path) and schema_path[-1] == "additionalProperties"


def _unexpected(
    kind: str, details: dict[str, Any], instance: Any, schema: Any, schema_path: list[Any]
) -> list[str]:
    if kind == "additionalProperties":
        return [str(name) for name in details["unexpected"]]
    # jsonschema-rs reports `additionalProperties: false` without `properties` as one false schema
    parent = lookup(schema, tuple(schema_path[:-1]))
    if not isinstance(instance, Mapping) or not isinstance(parent, Mapping):
        return ["(unknown)"]
    known = _mapping(parent.get("properties"))
    patterns = _mapping(parent.get("patternProperties"))
    return [
        name
        for name in instance
        if name not in known and not any(re.search(p, name) for p in patterns)
    ]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
