"""Pairwise, direction-aware comparison of schemas, over a graph of schema positions with a visited set.

A pair is (where the base defines a schema, where the revision defines it, direction). Each pair is
compared once, whatever number of operations and paths through the recursive graph reach it: it is
registered before its children are looked at, so every cycle of `$ref`s ends at a pair already seen.
Changes stay at the pair that found them; which operations they affect is worked out afterwards by
walking the graph's edges backwards from the changed pair to the operations' root positions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from contract_core.pointer import join
from contract_core.spec import Spec
from contract_spectools.diff.changes import Affected, Found
from contract_spectools.diff.rules import BOUNDS
from contract_spectools.diff.shapes import Shape, is_null_schema, shape_key, shape_of, unwrap
from contract_spectools.diff.unchanged import CleanUnits

PairKey = tuple[str, str, str]  # (base pointer, revision pointer, direction)
_CHILD_KEYWORDS = ("items", "additionalProperties", "contains", "propertyNames")
_OWNED_ELSEWHERE = {"request": "readOnly", "response": "writeOnly"}


@dataclass
class _Pair:
    base: Shape
    revision: Shape
    direction: str
    found: list[Found] = field(default_factory=list)
    parents: set[PairKey] = field(default_factory=set)


class SchemaComparison:
    """Every schema pair reachable from the roots operations register, compared once."""

    def __init__(self, base: Spec, revision: Spec):
        self.base, self.revision = base, revision
        self.pairs: dict[PairKey, _Pair] = {}
        self.roots: dict[PairKey, set[Affected]] = {}
        self._queue: deque[PairKey] = deque()
        self._clean = CleanUnits(base, revision)

    def add_root(
        self, base: tuple[Any, str], revision: tuple[Any, str], affected: Affected
    ) -> None:
        """A schema position of an operation (parameter, body, response, header), in both documents."""
        key = self._pair(base, revision, affected.direction, parent=None)
        if key in self.pairs:
            self.roots.setdefault(key, set()).add(affected)

    def run(self) -> None:
        while self._queue:
            key = self._queue.popleft()
            pair = self.pairs[key]
            pair.found.extend(self._compare(key, pair))

    def changes(self) -> Iterator[tuple[Found, set[Affected]]]:
        """Each change found, with the operations (and directions) that reach its pair."""
        for key, pair in self.pairs.items():
            if pair.found:
                affected = self._affected(key)
                for found in pair.found:
                    yield found, affected

    def _pair(
        self,
        base: tuple[Any, str],
        revision: tuple[Any, str],
        direction: str,
        parent: PairKey | None,
    ) -> PairKey:
        base_shape = shape_of(self.base, *base)
        revision_shape = shape_of(self.revision, *revision)
        key = (base_shape.at, revision_shape.at, direction)
        if self._clean.covers(base_shape.at, base_shape.raw, revision_shape.at, revision_shape.raw):
            return key  # identical, references and all: nothing below can have changed
        if key not in self.pairs:
            self.pairs[key] = _Pair(base_shape, revision_shape, direction)
            self._queue.append(key)
        if parent is not None:
            self.pairs[key].parents.add(parent)
        return key

    def _affected(self, key: PairKey) -> set[Affected]:
        seen, stack, affected = {key}, [key], set()
        while stack:
            current = stack.pop()
            affected |= self.roots.get(current, set())
            for parent in self.pairs[current].parents - seen:
                seen.add(parent)
                stack.append(parent)
        return affected

    # The comparison of one pair ---------------------------------------------------------------

    def _compare(self, key: PairKey, pair: _Pair) -> Iterator[Found]:
        b, r, d = pair.base, pair.revision, pair.direction
        yield from _nullability(b, r, d)
        type_changes = list(_types(b, r, d))
        yield from type_changes
        if any(found.rule.endswith("-type-changed") for found in type_changes):
            # a value of another kind: its old keywords and properties no longer apply, one change says it
            return
        yield from _one_value(b, r, d, "format")
        yield from _enums(b, r, d)
        yield from _one_value(b, r, d, "pattern")
        yield from _bounds(b, r, d)
        yield from self._properties(key, b, r, d)
        yield from self._branches(key, b, r, d)
        for keyword in _CHILD_KEYWORDS:
            if isinstance(b.get(keyword), dict) and isinstance(r.get(keyword), dict):
                self._pair(
                    (b.get(keyword), b.where(keyword)), (r.get(keyword), r.where(keyword)), d, key
                )

    def _properties(self, key: PairKey, b: Shape, r: Shape, d: str) -> Iterator[Found]:
        base_props = self._visible(self.base, b, d)
        revision_props = self._visible(self.revision, r, d)
        for name in base_props.keys() - revision_props.keys():
            yield _property_removed(name, b, r, d, base_props[name][1])
        for name in revision_props.keys() - base_props.keys():
            yield _property_added(name, b, r, d, revision_props[name][1])
        for name in base_props.keys() & revision_props.keys():
            yield from _requiredness(name, b, r, d, base_props[name][1], revision_props[name][1])
            self._pair(base_props[name], revision_props[name], d, key)

    def _visible(self, spec: Spec, shape: Shape, direction: str) -> dict[str, tuple[Any, str]]:
        """Properties as this direction sees them: readOnly ones are not sent, writeOnly ones not received."""
        owned_elsewhere = _OWNED_ELSEWHERE[direction]
        visible = {}
        for name, (at, schema) in shape.properties.items():
            target = spec.deref(schema, at)[0] if isinstance(schema, dict) else schema
            if not any(
                isinstance(s, dict) and s.get(owned_elsewhere) is True for s in (schema, target)
            ):
                visible[name] = (schema, at)
        return visible

    def _branches(self, key: PairKey, b: Shape, r: Shape, d: str) -> Iterator[Found]:
        for keyword, stem in (("oneOf", "one-of"), ("anyOf", "any-of")):
            base_branches = _real_branches(b, keyword)
            revision_branches = _real_branches(r, keyword)
            if not base_branches and not revision_branches:
                continue
            matched, removed, added = _match_branches(
                self.base, base_branches, self.revision, revision_branches
            )
            for base_branch, revision_branch in matched:
                self._pair(base_branch, revision_branch, d, key)
            for branch in removed:
                yield Found(
                    f"{d}-property-{stem}-removed",
                    f"{keyword} branch {_label(branch)} removed",
                    branch[1],
                    r.where(keyword),
                )
            for branch in added:
                yield Found(
                    f"{d}-property-{stem}-added",
                    f"{keyword} branch {_label(branch)} added",
                    b.where(keyword),
                    branch[1],
                )


Branch = tuple[Any, str]  # (raw schema, pointer)


def _real_branches(shape: Shape, keyword: str) -> list[Branch]:
    """Each branch that is not the `null` branch (that one is nullability)."""
    branches = shape.get(keyword)
    if not isinstance(branches, list):
        return []
    return [
        (branch, shape.where(keyword, i))
        for i, branch in enumerate(branches)
        if not is_null_schema(branch)
    ]


# Local rules on one pair, plain functions of the two shapes ---------------------------------------


def _nullability(b: Shape, r: Shape, d: str) -> Iterator[Found]:
    if b.nullable and not r.nullable:
        yield Found(f"{d}-property-became-not-nullable", "no longer nullable", b.at, r.at)
    elif r.nullable and not b.nullable:
        yield Found(f"{d}-property-became-nullable", "became nullable", b.at, r.at)


def _type_set(shape: Shape) -> set[str] | None:
    """The non-null types a schema admits; None when it names none (any type)."""
    kind = shape.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
    kinds.discard("null")
    return kinds or None


def _covers(kinds: set[str] | None, other: set[str] | None) -> bool:
    """Every value of `other`'s types is one of `kinds`' (integers are numbers)."""
    if kinds is None:
        return True
    if other is None:
        return False
    return all(k in kinds or (k == "integer" and "number" in kinds) for k in other)


def _types(b: Shape, r: Shape, d: str) -> Iterator[Found]:
    base, revision = _type_set(b), _type_set(r)
    if base == revision:
        return
    message = f"type changed from {_type_text(base)} to {_type_text(revision)}"
    # a `$ref` replaced by an inline schema (or back): the change is there
    if b.referenced != r.referenced:
        b, r = replace(b, at=b.position), replace(r, at=r.position)
    if _covers(revision, base):
        yield Found(f"{d}-property-type-generalized", message, b.at, r.at)
    elif _covers(base, revision):
        yield Found(f"{d}-property-type-specialized", message, b.at, r.at)
    else:
        yield Found(f"{d}-property-type-changed", message, b.at, r.at)


def _type_text(kinds: set[str] | None) -> str:
    return "any" if kinds is None else "/".join(sorted(kinds))


def _one_value(b: Shape, r: Shape, d: str, keyword: str) -> Iterator[Found]:
    """A keyword with one value (`format`, `pattern`) added, removed or changed."""
    base, revision = b.get(keyword), r.get(keyword)
    rule = f"{d}-property-{keyword}"
    if base == revision:
        return
    if base is None:
        yield Found(f"{rule}-added", f"{keyword} {revision!r} added", b.at, r.at)
    elif revision is None:
        yield Found(f"{rule}-removed", f"{keyword} {base!r} removed", b.at, r.at)
    else:
        yield Found(
            f"{rule}-changed", f"{keyword} changed from {base!r} to {revision!r}", b.at, r.at
        )


def _enum_values(shape: Shape) -> list[Any] | None:
    """`enum` (or `const`) values other than null, which nullability covers; None without one."""
    if "const" in shape.keywords:
        return [shape.get("const")] if shape.get("const") is not None else None
    values = shape.get("enum")
    return [v for v in values if v is not None] if isinstance(values, list) else None


def _enums(b: Shape, r: Shape, d: str) -> Iterator[Found]:
    base, revision = _enum_values(b), _enum_values(r)
    if base is None and revision is None:
        return
    if base is None:
        yield Found(f"{d}-property-enum-added", f"now limited to {revision!r}", b.at, r.at)
    elif revision is None:
        yield Found(f"{d}-property-enum-removed", f"no longer limited to {base!r}", b.at, r.at)
    else:
        for value in (v for v in base if v not in revision):
            yield Found(
                f"{d}-property-enum-value-removed", f"enum value {value!r} removed", b.at, r.at
            )
        for value in (v for v in revision if v not in base):
            yield Found(f"{d}-property-enum-value-added", f"enum value {value!r} added", b.at, r.at)


def _bound(shape: Shape, keywords: tuple[str, ...], upper: bool) -> float:
    """The effective bound (the tightest of its keywords; booleans are 3.0 exclusivity flags, not bounds).
    Absent: no upper bound, and a lower bound of 0 for lengths and counts, of -infinity for numbers."""
    numbers = [
        v
        for v in (shape.get(k) for k in keywords)
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]
    if not numbers:
        return float("inf") if upper else float("-inf") if "minimum" in keywords else 0
    return min(numbers) if upper else max(numbers)


def _bounds(b: Shape, r: Shape, d: str) -> Iterator[Found]:
    for stem, keywords, upper in BOUNDS:
        base, revision = _bound(b, keywords, upper), _bound(r, keywords, upper)
        if base != revision:
            action = "decreased" if revision < base else "increased"
            yield Found(
                f"{d}-property-{stem}-{action}",
                f"{stem} changed from {_number(base)} to {_number(revision)}",
                b.at,
                r.at,
            )


def _number(value: float) -> str:
    return "none" if value in (float("inf"), float("-inf")) else f"{value:g}"


def _property_removed(name: str, b: Shape, r: Shape, d: str, at: str) -> Found:
    where = join(r.at, "properties", name)
    if d == "request":
        closed = r.get("additionalProperties") is False
        rule = "request-closed-property-removed" if closed else "request-property-removed"
    else:
        rule = (
            "response-required-property-removed"
            if name in b.required
            else "response-optional-property-removed"
        )
    return Found(rule, f"property {name!r} removed", at, where)


def _property_added(name: str, b: Shape, r: Shape, d: str, at: str) -> Found:
    where = join(b.at, "properties", name)
    if d == "request":
        rule = (
            "new-required-request-property"
            if name in r.required
            else "new-optional-request-property"
        )
    else:
        rule = "response-property-added"
    return Found(rule, f"property {name!r} added", where, at)


def _requiredness(
    name: str, b: Shape, r: Shape, d: str, base_at: str, revision_at: str
) -> Iterator[Found]:
    was, now = name in b.required, name in r.required
    if was != now:
        change = "became-required" if now else "became-optional"
        yield Found(
            f"{d}-property-{change}",
            f"property {name!r} {change.replace('-', ' ')}",
            base_at,
            revision_at,
        )


def _match_branches(
    base_spec: Spec, base: list[Branch], revision_spec: Spec, revision: list[Branch]
) -> tuple[list[tuple[Branch, Branch]], list[Branch], list[Branch]]:
    """Pair branches by where they are defined, then by shape (reordering and renaming are no change),
    then by position among the rest when as many are left on both sides."""
    matched: list[tuple[Branch, Branch]] = []
    for identity in (_defined_at, lambda spec, branch: shape_key(spec, branch[0])):
        base, revision = _pair_by(identity, base_spec, base, revision_spec, revision, matched)
    if len(base) == len(revision):
        return matched + list(zip(base, revision, strict=True)), [], []
    return matched, base, revision


def _defined_at(spec: Spec, branch: Branch) -> str | None:
    """Where a `$ref` branch is defined (None for an inline one: its position says nothing)."""
    if isinstance(branch[0], dict) and "$ref" in branch[0]:
        return unwrap(spec, branch[0], branch[1])[1]
    return None


def _pair_by(
    identity: Callable[[Spec, Branch], str | None],
    base_spec: Spec,
    base: list[Branch],
    revision_spec: Spec,
    revision: list[Branch],
    matched: list[tuple[Branch, Branch]],
) -> tuple[list[Branch], list[Branch]]:
    """Move the branches with equal identities from `base`/`revision` into `matched`; return the rest."""
    if not base or not revision:
        return base, revision
    waiting: dict[str | None, list[Branch]] = {}
    for branch in revision:
        waiting.setdefault(identity(revision_spec, branch), []).append(branch)
    waiting.pop(None, None)
    left = []
    for branch in base:
        twins = waiting.get(identity(base_spec, branch))
        if twins:
            matched.append((branch, twins.pop(0)))
        else:
            left.append(branch)
    paired = {id(r) for _, r in matched}
    return left, [branch for branch in revision if id(branch) not in paired]


def _label(branch: Branch) -> str:
    schema = branch[0]
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    if isinstance(schema, dict) and isinstance(schema.get("title"), str):
        return repr(schema["title"])
    return branch[1].rsplit("/", 1)[-1]
