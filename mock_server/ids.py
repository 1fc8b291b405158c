"""Unique ids for `--stateful` creates: a create never overwrites another resource.

A fresh id drawn at random from `{type: integer, minimum: 1}` falls in a small range (the fixture
engine keeps numbers readable), so after a few hundred creates a draw repeats and the store would
replace the older resource. Integer ids therefore come from a counter kept in the store (atomic in
every store: a lock, an SQLite upsert, Redis' HINCRBY), mapped onto the schema's bounds:
`minimum`/`exclusiveMinimum` (3.0's boolean and 3.1's number), `maximum`/`exclusiveMaximum` and
`multipleOf`. String ids stay random draws, checked against the store by the caller (`state.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeGuard

from contract_core.spec import Spec

_INT64_MAX = 2**63 - 1  # no maximum: a JSON integer most clients can still hold


@dataclass(frozen=True)
class Numbering:
    """The n-th id of a collection: `first + (n - 1) * step`, up to `last`."""

    first: int
    step: int
    last: int

    def nth(self, n: int) -> int | None:
        """The n-th id (n from 1), or None once the schema's range is used up."""
        value = self.first + (n - 1) * self.step
        return value if value <= self.last else None

    @property
    def size(self) -> int:
        return max(0, (self.last - self.first) // self.step + 1)

    def describe(self) -> str:
        return f"{self.first}..{self.last}" + (f" step {self.step}" if self.step != 1 else "")


def numbering(spec: Spec, schema: Any) -> Numbering | None:
    """The numbering of an integer id schema (through `$ref`), or None for any other type."""
    schema, _ = spec.deref(schema)
    if not isinstance(schema, dict) or not _is_integer(schema.get("type")):
        return None
    step = _step(schema.get("multipleOf"))
    low = _bound(schema, "minimum", "exclusiveMinimum", +1)
    high = _bound(schema, "maximum", "exclusiveMaximum", -1)
    first = 1 if low is None else low
    first = -(-first // step) * step  # the first multiple of `step` within the bounds (exact ints)
    last = _INT64_MAX if high is None else high
    return Numbering(first, step, last - last % step)


def _is_integer(kind: Any) -> bool:
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def _step(multiple_of: Any) -> int:
    # a fractional multipleOf (0.5) admits every integer; a non-integer one (2.5) is rare: ignored
    if isinstance(multiple_of, int) and not isinstance(multiple_of, bool) and multiple_of > 0:
        return multiple_of
    return 1


def _bound(schema: dict[str, Any], inclusive: str, exclusive: str, inward: int) -> int | None:
    """The tightest integer bound of `inclusive` and `exclusive` (3.0 boolean or 3.1 number)."""
    rounding = math.ceil if inward > 0 else math.floor
    found: list[int] = []
    value = schema.get(inclusive)
    if _is_number(value):
        bound = rounding(value)
        # 3.0: `exclusiveMinimum: true` makes `minimum` itself exclusive
        found.append(bound + inward if schema.get(exclusive) is True and bound == value else bound)
    other = schema.get(exclusive)
    if _is_number(other):
        bound = rounding(other)
        found.append(bound + inward if bound == other else bound)
    if not found:
        return None
    return max(found) if inward > 0 else min(found)


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
