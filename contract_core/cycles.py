"""Which referenced schemas admit a finite instance, and which cycles of references do not.

A schema reached through `$ref` is *finite* when some instance of it needs only finite schemas.
We compute the least fixpoint over all `$ref` targets, so a cycle is harmless as long as it has one
exit (an optional property, an array that may be empty, `null`, another `oneOf` branch). What is left
is a set of schemas no finite document can satisfy; `required_cycles` names the cycles among them.
The fixture engine refuses such schemas up front and the linter reports them, from this one analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from contract_core.errors import UnresolvableReference
from contract_core.records import Struct
from contract_core.spec import Spec
from contract_core.walk import iter_refs


def is_nullable(schema: dict[str, Any]) -> bool:
    """True where `null` is valid: 3.0 `nullable`, or a 3.1 type list with "null"."""
    kind = schema.get("type")
    return (
        schema.get("nullable") is True
        or kind == "null"
        or (isinstance(kind, list) and "null" in kind)
    )


def _admits_a_scalar(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(k in ("string", "number", "integer", "boolean", "null") for k in kinds)


def mandatory_children(schema: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """What every instance of `schema` must contain, as (combinator, alternatives).

    "all" groups must all be satisfiable; "any" groups need one. Required properties, the items of a
    non-empty array and `allOf` members are mandatory; `anyOf`/`oneOf` need one branch.
    """
    if "allOf" in schema and isinstance(schema["allOf"], list):
        yield "all", schema["allOf"]
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list) and schema[keyword]:
            yield "any", schema[keyword]
    properties = schema.get("properties") or {}
    required = [properties[name] for name in schema.get("required") or [] if name in properties]
    if required:
        yield "all", required
    items = schema.get("items")
    if isinstance(items, dict) and (schema.get("minItems") or 0) > 0:
        yield "all", [items]


class RecursionAnalysis(Struct, dict=True):  # a __dict__ for its cached_property members
    """Finite/infinite verdict for every `$ref` target of one spec."""

    spec: Spec
    # every `$ref` string of the document, when the caller has walked them already (the linter)
    refs: Iterable[str] | None = None

    @cached_property
    def targets(self) -> list[str]:
        refs = (ref for _, ref in iter_refs(self.spec.document)) if self.refs is None else self.refs
        return sorted({ref for ref in refs if ref.startswith("#/")})

    @cached_property
    def infinite(self) -> frozenset[str]:
        """References whose schema no finite instance satisfies."""
        finite: set[str] = set()
        changed = True
        while changed:
            changed = False
            for ref in self.targets:
                if ref not in finite and self._satisfiable(self._target(ref), finite, set()):
                    finite.add(ref)
                    changed = True
        return frozenset(self.targets) - finite

    def _target(self, ref: str) -> Any:
        try:
            return self.spec.resolve(ref)
        except UnresolvableReference:
            return {}  # reported by the linter's own rule; not a recursion problem

    def _satisfiable(self, schema: Any, finite: set[str], inline_seen: set[int]) -> bool:
        if not isinstance(schema, dict):
            return True  # boolean schema `true` (or garbage the linter reports)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return not ref.startswith("#/") or ref in finite
        if is_nullable(schema) or _admits_a_scalar(schema) or id(schema) in inline_seen:
            return True
        inline_seen = inline_seen | {id(schema)}
        for combinator, options in mandatory_children(schema):
            results = (self._satisfiable(option, finite, inline_seen) for option in options)
            if not (all(results) if combinator == "all" else any(results)):
                return False
        return True

    def cycle_through(self, start: str) -> tuple[str, ...]:
        """A cycle of infinite references reachable from `start`, as `(A, B, A)` component names."""
        path: list[str] = []
        on_path: set[str] = set()
        ref = start
        while ref not in on_path:
            path.append(ref)
            on_path.add(ref)
            nxt = next(iter(self._mandatory_infinite_refs(self._target(ref))), None)
            if nxt is None:
                return tuple(_short(r) for r in path)
            ref = nxt
        loop = [*path[path.index(ref) :], ref]
        return tuple(_short(r) for r in loop)

    def _mandatory_infinite_refs(self, schema: Any) -> Iterator[str]:
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in self.infinite:
                yield ref
            return
        if is_nullable(schema):
            return
        for _, options in mandatory_children(schema):
            for option in options:
                yield from self._mandatory_infinite_refs(option)

    def required_cycles(self) -> list[tuple[str, ...]]:
        """Each distinct cycle of references that no finite instance can satisfy."""
        cycles: dict[frozenset[str], tuple[str, ...]] = {}
        for ref in sorted(self.infinite):
            cycle = self.cycle_through(ref)
            cycles.setdefault(frozenset(cycle), cycle)
        return list(cycles.values())


def _short(ref: str) -> str:
    """`#/components/schemas/Account` -> `Account` (other pointers stay whole)."""
    prefix = "#/components/schemas/"
    return ref[len(prefix) :] if ref.startswith(prefix) else ref
