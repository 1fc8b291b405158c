"""One side of a schema comparison: a schema position seen as the shape a client meets.

`$ref`s are followed (the place a schema is defined is its identity, so a renamed component or an
inline schema turned into a `$ref` compare equal), wrappers that change nothing are looked through
(a single-branch `allOf`/`oneOf`/`anyOf`, a `oneOf` whose other branch is `{type: null}`), and
`allOf` members are folded into one view of properties, required names and keywords.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from contract_core.cycles import is_nullable
from contract_core.pointer import join
from contract_core.spec import Spec

# Keywords that document rather than constrain: never a change on their own.
ANNOTATIONS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "$comment",
        "deprecated",
        "xml",
        "discriminator",
        "default",
    }
)
_COMBINATORS = ("allOf", "oneOf", "anyOf")


@dataclass
class Shape:
    """A schema after `$ref`s, no-op wrappers and `allOf` are resolved; `at` is where it is defined."""

    at: str
    keywords: dict[str, Any]
    # name -> (pointer, raw schema)
    properties: dict[str, tuple[str, Any]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: bool = False
    position: str = ""  # the position it was first reached from, before `$ref`s and wrappers
    raw: Any = None  # the schema as written at `at`
    # keyword -> the schema (an allOf member) it came from
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def referenced(self) -> bool:
        return self.position != self.at

    def get(self, keyword: str, default: Any = None) -> Any:
        return self.keywords.get(keyword, default)

    def where(self, keyword: str, *tokens: str | int) -> str:
        """The pointer of a keyword's value (in the allOf member it came from), or of something inside it."""
        return join(self.origins.get(keyword, self.at), keyword, *tokens)


def is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("enum") == [None]
    )


def _assertions(schema: dict[str, Any], ignore: str) -> set[str]:
    return {k for k in schema if k not in ANNOTATIONS and k != ignore and k != "nullable"}


def unwrap(spec: Spec, schema: Any, at: str) -> tuple[Any, str, bool]:
    """Follow `$ref`s and no-op wrappers: the schema a position means, where it is defined, and
    whether a wrapper on the way admitted null (`oneOf: [X, {type: null}]`, `nullable: true`)."""
    nullable = False
    for _ in range(64):  # wrappers of wrappers end quickly; a `$ref` loop raises in deref
        target, ref = spec.deref(schema, at)
        if ref is not None:
            schema, at = target, ref
        if not isinstance(schema, dict):
            return schema, at, nullable
        step = _single_branch(schema)
        if step is None:
            return schema, at, nullable
        keyword, index = step
        nullable = nullable or is_nullable(schema) or len(schema[keyword]) > 1
        schema, at = schema[keyword][index], join(at, keyword, index)
    return schema, at, nullable


def _single_branch(schema: dict[str, Any]) -> tuple[str, int] | None:
    """(keyword, index) when `schema` only wraps one real branch, else None."""
    for keyword in _COMBINATORS:
        branches = schema.get(keyword)
        if not isinstance(branches, list) or _assertions(schema, keyword):
            continue
        real = [i for i, b in enumerate(branches) if not is_null_schema(b)]
        nulls = len(branches) - len(real)
        if len(real) == 1 and (keyword != "allOf" or nulls == 0):
            return keyword, real[0]
    return None


def shape_of(spec: Spec, schema: Any, at: str) -> Shape:
    """The folded view of the schema at `at` (a boolean or broken schema is an empty shape)."""
    position = at
    schema, at, nullable = unwrap(spec, schema, at)
    shape = Shape(at, {}, nullable=nullable, position=position, raw=schema)
    if isinstance(schema, dict):
        _fold(spec, shape, schema, at, set())
        shape.nullable = shape.nullable or is_nullable(schema) or _has_null_branch(schema)
    return shape


def _has_null_branch(schema: dict[str, Any]) -> bool:
    return any(
        is_null_schema(branch)
        for keyword in ("oneOf", "anyOf")
        for branch in _list(schema.get(keyword))
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fold(spec: Spec, shape: Shape, schema: dict[str, Any], at: str, seen: set[str]) -> None:
    """Add `schema` (and, depth first, its `allOf` members) to `shape`; `seen` stops `allOf` cycles."""
    if at in seen:
        return
    seen.add(at)
    for name, child in (
        (schema.get("properties") or {}).items()
        if isinstance(schema.get("properties"), dict)
        else ()
    ):
        shape.properties.setdefault(name, (join(at, "properties", name), child))
    shape.required.update(r for r in schema.get("required") or [] if isinstance(r, str))
    for keyword, value in schema.items():
        if (
            keyword not in ("properties", "required", "allOf", "nullable")
            and keyword not in shape.keywords
        ):
            shape.keywords[keyword] = value
            shape.origins[keyword] = at
    for i, member in enumerate(schema.get("allOf") or []):
        member, member_at, _ = unwrap(spec, member, join(at, "allOf", i))
        if isinstance(member, dict):
            _fold(spec, shape, member, member_at, seen)


def shape_key(spec: Spec, schema: Any, depth: int = 2) -> str:
    """A canonical text of a schema's shape, `$ref`s expanded `depth` levels: matches oneOf branches
    across documents whatever their components are called or in which order they stand."""
    return json.dumps(_canonical(spec, schema, depth), sort_keys=True, default=str)


def _canonical(spec: Spec, schema: Any, depth: int, names: bool = False) -> Any:
    """`names`: the keys of this mapping are property names, not keywords (a property may be called `title`)."""
    if isinstance(schema, dict) and "$ref" in schema and not names:
        if depth == 0:
            return "<ref>"
        schema, _, _ = unwrap(spec, schema, "")
        depth -= 1
    if isinstance(schema, dict):
        return {
            k: _canonical(spec, v, depth, k in ("properties", "patternProperties"))
            for k, v in schema.items()
            if names or k not in ANNOTATIONS
        }
    if isinstance(schema, list):
        return [_canonical(spec, v, depth) for v in schema]
    return schema
