"""jsonschema-rs errors told as Spectral tells Ajv's: `{{error}}` reads the same in users' rulesets.

Spectral 6's `schema` function passes Ajv 8's errors through @stoplight/better-ajv-errors 1.0
(a tree of errors by instance path, redundant ones dropped) and then names array items and
unmatched combinators (spectral-functions 1.11 schema/index.ts). This module rebuilds Ajv's error
list from jsonschema-rs's (combinator branches first, as Ajv reports them) and applies the same
steps, so `"bar" property type must be string`, `Property "baz" is not expected to be here` and
`String must be equal to one of the allowed values: "foo", "bar". Did you mean "bar"?` read alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from contract_core.records import Struct, field
from contract_spectools.rulesets.functions.context import MISSING, JsonPath, lookup
from contract_spectools.rulesets.functions.printing import js_json, js_key_order

# Ajv's message per keyword (jsonschema-rs kind name), filled from `kind.as_dict()`
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
    "const": "must be equal to constant",
    "uniqueItems": "must NOT have duplicate items",
    "anyOf": "must match a schema in anyOf",
    "oneOf": "must match exactly one schema in oneOf",
    "not": "must NOT be valid",
    "falseSchema": "boolean schema is false",
    "contains": "must contain at least 1 valid item(s)",
    "propertyNames": "property name must be valid",
}
# better-ajv-errors' makeTree: an instance path splits into `/key` or `/key/index` steps
_POINTER_STEPS = re.compile(r"/[\w$_-]+(/\d+)?")
_UNMATCHED_SUFFIX = ". None of the schemas matched, see the other errors reported for this value"


# The order Ajv 8 evaluates keywords in (type first; then untyped, number, string, array and object
# rules, each in vocabulary order): the first error Spectral reports is the first in this order.
_AJV_KEYWORDS = """
    type const enum not anyOf oneOf allOf if then else
    maximum minimum exclusiveMaximum exclusiveMinimum multipleOf maxLength minLength pattern format
    maxItems minItems uniqueItems prefixItems additionalItems items contains
    maxProperties minProperties required dependentRequired dependencies propertyNames
    additionalProperties properties patternProperties dependentSchemas unevaluatedItems unevaluatedProperties
"""
_AJV_ORDER = {keyword: rank for rank, keyword in enumerate(_AJV_KEYWORDS.split())}
# keywords whose next schema-path step is a name or an index, not a keyword
_KEYED_KEYWORDS = """
    properties patternProperties definitions $defs dependencies dependentSchemas allOf anyOf oneOf prefixItems
"""
_KEYED = frozenset(_KEYED_KEYWORDS.split())


def in_ajv_order(errors: Iterable[Any]) -> list[Any]:
    """jsonschema-rs's errors in the order Ajv would report them (a stable sort on each schema-path step)."""
    listed = list(errors)
    first_seen: dict[tuple[Any, ...], int] = {}
    for error in listed:
        for depth in range(len(error.schema_path)):
            first_seen.setdefault(tuple(error.schema_path[: depth + 1]), len(first_seen))
    return sorted(listed, key=lambda error: _order_key(error.schema_path, first_seen))


def _order_key(schema_path: list[Any], first_seen: dict[tuple[Any, ...], int]) -> tuple[int, ...]:
    key, keyed = [], False
    for depth, step in enumerate(schema_path):
        if keyed or not isinstance(step, str) or step not in _AJV_ORDER:
            key.append(len(_AJV_ORDER) + first_seen[tuple(schema_path[: depth + 1])])
        else:
            key.append(_AJV_ORDER[step])
        keyed = not keyed and step in _KEYED
    return tuple(key)


class AjvError(Struct):
    """One error as Ajv would report it."""

    keyword: str
    path: JsonPath
    message: str  # Ajv's message, e.g. "must be string"
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def pointer(self) -> str:
        return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in self.path)


class _Node(Struct):
    errors: list[AjvError] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


# (subschema, instance) -> jsonschema-rs's errors in Ajv's order: what `contains` re-checks items with
Check = Callable[[Any, Any], list[Any]]


def spectral_messages(
    errors: Iterable[Any],
    target: Any,
    schema: Any,
    context_path: JsonPath,
    *,
    all_errors: bool,
    check: Check | None = None,
) -> list[tuple[str, JsonPath]]:
    """(message, path relative to the target) per reported problem, in Spectral's order and words."""
    ajv = [
        record for error in errors for record in _as_ajv(error, schema, target, all_errors, check)
    ]
    unmatched = {
        e.pointer: e.keyword for e in ajv if e.keyword in ("anyOf", "oneOf") and not e.params
    }
    tree = _tree(ajv)
    _filter(tree, None, "")
    out = []
    for error in _instances(tree):
        message = _format(error, target, context_path)
        out.append((_describe(message, error, unmatched.get(error.pointer)), error.path))
    return out


def _as_ajv(
    error: Any, schema: Any, target: Any, all_errors: bool, check: Check | None = None
) -> Iterator[AjvError]:
    """The Ajv errors one jsonschema-rs error stands for; a failed `then`/`else` adds Ajv's `if` error."""
    yield from _ajv_records(error, schema, target, all_errors, check)
    branch = (
        _conditional_branch(error.schema_path) if all_errors else None
    )  # Ajv adds it under allErrors only
    if branch is not None:
        keyword, depth = branch
        yield AjvError("if", tuple(error.instance_path)[:depth], f'must match "{keyword}" schema')


def _ajv_records(
    error: Any, schema: Any, target: Any, all_errors: bool, check: Check | None
) -> Iterator[AjvError]:
    kind = error.kind.name
    path: JsonPath = tuple(error.instance_path)
    details = error.kind.as_dict()
    if kind in ("anyOf", "oneOf") and type(error.kind).__name__ != "OneOfMultipleValid":
        for branch in details.get("context") or []:
            for inner in branch if all_errors else branch[:1]:
                yield from _as_ajv(inner, schema, target, all_errors, check)
        yield AjvError(kind, path, _AJV[kind])
    elif kind == "contains" and check is not None:
        yield from _contains_items(error, schema, target, all_errors, check)
        yield AjvError(kind, path, _AJV[kind])
    elif kind == "oneOf":
        yield AjvError(kind, path, _AJV[kind], {"passingSchemas": True})
    elif kind == "propertyNames":
        inner = details["error"]
        yield _simple(inner.kind.name, path, inner.kind.as_dict(), inner, schema)
        yield AjvError(kind, path, _AJV[kind])
    elif kind == "additionalProperties" or _false_after(
        kind, error.schema_path, "additionalProperties"
    ):
        names = js_key_order(
            _unexpected(kind, details, lookup(target, path), schema, error.schema_path)
        )
        for name in (
            names if all_errors else names[:1]
        ):  # Ajv stops at the first one unless allErrors
            yield AjvError("additionalProperties", path, "", {"additionalProperty": name})
    elif _false_after(kind, error.schema_path, "items") or _false_after(
        kind, error.schema_path, "additionalItems"
    ):
        yield _too_many_items(path, schema, error.schema_path)
    else:
        yield _simple(kind, path, details, error, schema)


def _contains_items(
    error: Any, schema: Any, target: Any, all_errors: bool, check: Check
) -> Iterator[AjvError]:
    """Where `contains` fails, Ajv keeps each item's own failing keyword (the first, unless
    allErrors) and Spectral prints them; jsonschema-rs reports the `contains` error alone, so each
    item is checked again. A subschema with a `$ref` is not (its `#` would be another document)."""
    path: JsonPath = tuple(error.instance_path)
    items = lookup(target, path)
    subschema = lookup(schema, tuple(error.schema_path))
    if not isinstance(items, list) or '"$ref"' in json.dumps(subschema):
        return
    for index, item in enumerate(items):
        found = check(subschema, item)
        for inner in found if all_errors else found[:1]:
            for record in _as_ajv(inner, subschema, item, all_errors, check):
                where = (*path, index, *record.path)
                yield AjvError(record.keyword, where, record.message, record.params)


def _dependency_trigger(schema: Any, schema_path: list[Any], missing: str, instance: Any) -> str:
    """Which present property asked for the missing one (jsonschema-rs names only the missing one)."""
    dependencies = _mapping(lookup(schema, tuple(schema_path)))
    for name, required in dependencies.items():
        if (
            isinstance(instance, Mapping)
            and name in instance
            and isinstance(required, list)
            and missing in required
        ):
            return str(name)
    return "?"


def _too_many_items(path: JsonPath, schema: Any, schema_path: list[Any]) -> AjvError:
    """`items: false` after `prefixItems` (or `additionalItems: false`): Ajv reports the array, not the item."""
    parent = _mapping(lookup(schema, tuple(schema_path[:-1])))
    listed = parent.get("prefixItems", parent.get("items"))
    limit = len(listed) if isinstance(listed, list) else 0
    return AjvError("items", path[:-1], f"must NOT have more than {limit} items")


# how many instance steps a schema-path keyword takes (the rest take none: allOf, not, $defs ...)
_STEPPING_WITH_KEY = frozenset({"properties", "patternProperties", "prefixItems"})
_STEPPING = frozenset(
    {"additionalProperties", "additionalItems", "contains", "unevaluatedProperties"}
)


def _conditional_branch(schema_path: list[Any]) -> tuple[str, int] | None:
    """The last `then`/`else` the schema path passes and the instance depth of its `if` (None without one)."""
    found, depth, index = None, 0, 0
    while index < len(schema_path):
        step = schema_path[index]
        if step in ("then", "else"):
            found = (str(step), depth)
        elif step in _STEPPING_WITH_KEY or (step == "items" and _is_index(schema_path, index + 1)):
            depth, index = depth + 1, index + 1
        elif step in _STEPPING or step == "items":
            depth += 1
        elif step in _KEYED:
            index += 1
        index += 1
    return found


def _is_index(schema_path: list[Any], index: int) -> bool:
    return index < len(schema_path) and isinstance(schema_path[index], int)


def _simple(
    kind: str, path: JsonPath, details: dict[str, Any], error: Any, schema: Any
) -> AjvError:
    if kind == "type":
        declared = lookup(schema, tuple(error.schema_path))
        types = declared if isinstance(declared, list) else details["types"]
        return AjvError(kind, path, "must be " + ",".join(map(str, types)))
    if (
        kind == "required"
        and error.schema_path
        and error.schema_path[-1] in ("dependencies", "dependentRequired")
    ):
        trigger = _dependency_trigger(
            schema, error.schema_path, details["property"], error.instance
        )
        return AjvError(
            kind,
            path,
            f"must have property {details['property']} when property {trigger} is present",
        )
    if kind == "required":
        return AjvError(kind, path, f"must have required property '{details['property']}'")
    if kind == "enum":
        return AjvError(
            kind,
            path,
            "must be equal to one of the allowed values",
            {"allowedValues": details["options"]},
        )
    return AjvError(kind, path, ajv_message(kind, details, str(error.message)))


def ajv_message(kind: str, details: dict[str, Any], fallback: str) -> str:
    """Ajv's own message for a jsonschema-rs error kind (`fallback` where Ajv's is not known here)."""
    template = _AJV.get(kind)
    values = {
        key: v if isinstance(v, str) else js_json(v) for key, v in _printable(details).items()
    }
    return template.format(**values) if template else fallback


def _tree(errors: list[AjvError]) -> _Node:
    root = _Node()
    for error in errors:
        steps = (
            [""] if not error.path else [m.group(0) for m in _POINTER_STEPS.finditer(error.pointer)]
        )
        node = root
        for step in steps:
            node = node.children.setdefault(step, _Node())
        if steps:
            node.errors.append(error)
    return root


def _filter(node: _Node, parent: _Node | None, key: str) -> None:
    """better-ajv-errors' filterRedundantErrors (an enum node with any sibling is dropped, errors or not)."""
    if any(e.keyword == "anyOf" for e in node.errors) and node.children:
        node.errors = []
    only_enum = bool(node.errors) and all(e.keyword == "enum" for e in node.errors)
    if parent is not None and only_enum and len(parent.children) > 1:
        del parent.children[key]
    for child_key, child in list(node.children.items()):
        _filter(child, node, child_key)


def _instances(node: _Node) -> Iterator[AjvError]:
    if node.errors and all(e.keyword == "enum" for e in node.errors):
        allowed = _unique(v for e in node.errors for v in e.params["allowedValues"])
        first = node.errors[0]
        yield AjvError("enum", first.path, first.message, {"allowedValues": allowed})
    else:
        yield from node.errors
    for child in node.children.values():
        yield from _instances(child)


def _format(error: AjvError, target: Any, outer: JsonPath) -> str:
    """better-ajv-errors' getError per keyword."""
    name = _property_name(error.path, outer)
    if error.keyword == "type":
        return (
            f"Value type {error.message}"
            if name is None
            else f'"{name}" property type {error.message}'
        )
    if error.keyword == "additionalProperties":
        return f'Property "{error.params["additionalProperty"]}" is not expected to be here'
    subject = f'"{name}" property' if name is not None else _js_typeof(lookup(target, error.path))
    if error.keyword == "enum":
        return _enum_message(
            subject, error.message, error.params["allowedValues"], lookup(target, error.path)
        )
    return f"{subject} {_clean(error.message)}"


def _describe(message: str, error: AjvError, unmatched: str | None) -> str:
    """spectral-functions' describeArrayItem and describeCombinator."""
    index = str(error.path[-1]) if error.path else ""
    if index.isdigit():
        for prefix in (f'"{index}" property type', f'"{index}" property'):
            if message.startswith(prefix):
                message = f"Item at index {index}{message[len(prefix) :]}"
                break
    if unmatched is not None and message.endswith(f" in {unmatched}"):
        message += _UNMATCHED_SUFFIX
    return message


def _enum_message(subject: str, text: str, allowed: list[Any], value: Any) -> str:
    listed = ", ".join(js_json(option) for option in allowed)
    message = f"{subject} {text}: {listed}"
    best = _best_match(allowed, value)
    return message if best is None else f'{message}. Did you mean "{best}"?'


def _best_match(allowed: list[Any], value: Any) -> str | None:
    """The closest allowed string by edit distance, if close enough (a stable sort: ties keep their order)."""
    if not isinstance(value, str):
        return None
    strings = [option for option in allowed if isinstance(option, str)]
    if not strings:
        return None
    best = min(strings, key=lambda option: levenshtein(option, value))
    return best if len(allowed) == 1 or levenshtein(best, value) < len(best) else None


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
    """capitalize(typeof value)."""
    if value is MISSING:
        return "Undefined"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    return "String" if isinstance(value, str) else "Object"


def _clean(message: str) -> str:
    return message.replace("'", '"').replace("NOT", "not")


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(
            js_json(value) if not isinstance(value, dict | list) else repr(value), value
        )
    return list(seen.values())


def _printable(details: dict[str, Any]) -> dict[str, Any]:
    """The primitive details; `details` also carries nested errors (anyOf's `context`), which no template prints."""
    return {
        key: value
        for key, value in details.items()
        if isinstance(value, str | int | float | bool | None)
    }


def _false_after(kind: str, schema_path: list[Any], keyword: str) -> bool:
    return kind == "falseSchema" and bool(schema_path) and schema_path[-1] == keyword


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
