"""Rules on schema objects: `required-undefined`, `invalid-pattern`, and the version mismatches
(`nullable-in-3.1`, `example-in-3.1-schema`, `type-array-in-3.0`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs

from contract_core.errors import UnresolvableReference
from contract_core.pointer import from_path, join, resolve, split
from contract_core.spec import Spec
from contract_core.walk import iter_all_schemas
from contract_spectools.lint.findings import LintFinding, finding

_COMBINATORS = ("allOf", "anyOf", "oneOf")
# the keywords `_version_mismatches` reads, by version
_MISMATCHED_IN_3_1 = frozenset(("nullable", "example"))
_MISMATCHED_IN_3_0 = frozenset(("type",))


def check_schemas(
    spec: Spec, schemas: list[tuple[str, dict[str, Any]]] | None = None
) -> Iterator[LintFinding]:
    """`schemas`: every schema of the document (`iter_all_schemas`), when the caller walked it already."""
    # Each rule is asked only where its keyword is: most of Stripe's 12,854 schemas have none of
    # them, and three generators per schema were most of this function's time.
    mismatched = _MISMATCHED_IN_3_1 if spec.version == "3.1" else _MISMATCHED_IN_3_0
    for at, schema in iter_all_schemas(spec.document) if schemas is None else schemas:
        if "required" in schema:
            yield from _required_undefined(spec, at, schema)
        if "pattern" in schema or "patternProperties" in schema:
            yield from _invalid_patterns(at, schema)
        if not mismatched.isdisjoint(schema):
            yield from _version_mismatches(spec.version, at, schema)


# required-undefined -----------------------------------------------------------------------------


def _required_undefined(spec: Spec, at: str, schema: dict[str, Any]) -> Iterator[LintFinding]:
    required = schema.get("required")
    if (
        not isinstance(required, list)
        or not required
        or _open_to_other_names(schema)
        or at.endswith("/not")
    ):
        return  # under `not`, `required` says which names must not appear together
    known = _known_properties(spec, schema, set())
    parent = _composition_parent(spec, at)
    if known is None or parent is False:
        return  # a reference we cannot follow, or a parent that allows any name: nothing to say
    if isinstance(parent, set):
        known |= parent
    for i, name in enumerate(required):
        if isinstance(name, str) and name not in known:
            yield finding(
                "required-undefined",
                join(at, "required", i),
                f"required property {name!r} is not defined in properties",
            )


def _open_to_other_names(schema: dict[str, Any]) -> bool:
    """A map-like schema (patternProperties, or a schema for additional names) may require any name."""
    extra = schema.get("additionalProperties")
    return bool(schema.get("patternProperties")) or (isinstance(extra, dict) and bool(extra))


def _known_properties(spec: Spec, schema: Any, seen: set[str]) -> set[str] | None:
    """Property names `schema` defines itself or through allOf/anyOf/oneOf members; None if unknowable."""
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return set()
        try:
            return _known_properties(spec, spec.resolve(ref), seen | {ref})
        except UnresolvableReference:
            return None
    if _open_to_other_names(schema):
        return None
    names = set(schema["properties"]) if isinstance(schema.get("properties"), dict) else set()
    for keyword in _COMBINATORS:
        for member in schema.get(keyword) or [] if isinstance(schema.get(keyword), list) else []:
            inner = _known_properties(spec, member, seen)
            if inner is None:
                return None
            names |= inner
    return names


def _composition_parent(spec: Spec, at: str) -> set[str] | bool | None:
    """For an allOf/anyOf/oneOf member: the names its parent and siblings define (False: any name)."""
    tokens = split(at)
    if len(tokens) < 2 or tokens[-2] not in _COMBINATORS:
        return None
    parent_at = "#" + from_path(tokens[:-2])
    try:
        parent = resolve(spec.document, parent_at)
    except (KeyError, IndexError, ValueError):
        return None
    names = _known_properties(spec, parent, set())
    grand = _composition_parent(spec, parent_at)
    if names is None or grand is False:
        return False
    return names | grand if isinstance(grand, set) else names


# invalid-pattern ---------------------------------------------------------------------------------


def _invalid_patterns(at: str, schema: dict[str, Any]) -> Iterator[LintFinding]:
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and (problem := regex_problem(pattern)):
        yield finding(
            "invalid-pattern",
            join(at, "pattern"),
            f"pattern {pattern!r} does not compile: {problem}",
        )
    names = schema.get("patternProperties")
    for name in names if isinstance(names, dict) else ():
        if problem := regex_problem(name):
            yield finding(
                "invalid-pattern",
                join(at, "patternProperties", name),
                f"patternProperties key {name!r} does not compile: {problem}",
            )


@cache
def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is not a valid regular expression for our validator, or None."""
    try:
        jsonschema_rs.validator_for({"pattern": pattern})
    except jsonschema_rs.ValidationError as exc:
        return str(exc).splitlines()[0]
    return None


# version mismatches ------------------------------------------------------------------------------


def _version_mismatches(version: str, at: str, schema: dict[str, Any]) -> Iterator[LintFinding]:
    if version == "3.1":
        if "nullable" in schema:
            yield finding(
                "nullable-in-3.1",
                join(at, "nullable"),
                "`nullable` is an OpenAPI 3.0 keyword; OpenAPI 3.1 ignores it, so null is not allowed here",
            )
        if "example" in schema:
            yield finding(
                "example-in-3.1-schema",
                join(at, "example"),
                "`example` in a 3.1 schema is deprecated in favour of `examples`",
            )
    elif isinstance(schema.get("type"), list):
        yield finding(
            "type-array-in-3.0",
            join(at, "type"),
            f"type {schema['type']!r}: OpenAPI 3.0 takes a single type string",
        )
