"""Fresh ids and secrets for every created resource: any 2xx answer to a POST.

A created resource's top-level `id` and its secret fields (by name, or marked `format: password` /
`x-secret`: `contract_core.secrets`) are drawn anew for each creation, never from the schema's own
`example` (a spec's `id: {example: cons_1234}` would hand every client the same id), and never one
this process already handed out for that field. The schema is read through `$ref` and
`allOf`/`anyOf`/`oneOf` branches, so a response documented as `anyOf: [bank_account, card]` gets
fresh ids too. Values are drawn from a seeded RNG: the n-th creation of a seed is always the same.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from contract_core.pointer import join
from contract_core.secrets import is_secret_field, marked_secret
from contract_core.spec import Spec
from mock_server.fixtures import FixtureEngine

_COMBINATORS = ("allOf", "anyOf", "oneOf")
_MAX_DEPTH = 8
_REDRAWS = 8  # draws of a value already handed out before settling for it (a tiny enum has few)
_SEEN_LIMIT = 100_000  # remembered values per field; the memory stays bounded on a long run

Field = tuple[str, tuple[str, ...]]  # a property name and the schema pointers that document it


class FreshFields:
    """The renewable fields of each response schema, and the values already handed out."""

    def __init__(self, spec: Spec, engine: FixtureEngine):
        self.spec = spec
        self.engine = engine
        self._fields: dict[str, list[Field]] = {}
        self._seen: dict[tuple[str, str], set[str]] = {}

    def fields(self, schema_pointer: str) -> list[Field]:
        """`id` and secret-like top-level properties of the schema at `schema_pointer` (cached)."""
        found = self._fields.get(schema_pointer)
        if found is None:
            pointers: dict[str, list[str]] = {}
            for name, pointer, schema in self._properties(schema_pointer, 0):
                if (
                    name == "id"
                    or is_secret_field(name)
                    or marked_secret(self.spec.deref(schema)[0])
                ):
                    pointers.setdefault(name, []).append(pointer)
            found = self._fields[schema_pointer] = [
                (name, tuple(p)) for name, p in pointers.items()
            ]
        return found

    def property_pointers(self, schema_pointer: str, name: str) -> list[str]:
        """The schema pointers documenting top-level property `name` (through combinators)."""
        return [
            pointer for found, pointer, _ in self._properties(schema_pointer, 0) if found == name
        ]

    def _properties(self, pointer: str, depth: int) -> Iterator[tuple[str, str, Any]]:
        schema, ref = self.spec.deref(self.spec.resolve(pointer))
        base = ref or pointer
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return
        for name, sub in (schema.get("properties") or {}).items():
            yield name, join(base, "properties", name), sub
        for keyword in _COMBINATORS:
            for index, _branch in enumerate(schema.get(keyword) or []):
                yield from self._properties(join(base, keyword, index), depth + 1)

    def draw(
        self, body: Any, schema_pointer: str, rng: random.Random, owner: str | None, choice: int = 0
    ) -> Any:
        """`body` with each renewable field it has drawn anew (from its `choice`-th documenting schema)."""
        if not isinstance(body, dict):
            return body
        fresh = dict(body)
        for name, pointers in self.fields(schema_pointer):
            if name in fresh and choice < len(pointers):
                fresh[name] = self._unseen(schema_pointer, name, pointers[choice], rng, owner)
        _relink_href(body, fresh)
        return fresh

    def _unseen(
        self, schema_pointer: str, name: str, pointer: str, rng: random.Random, owner: str | None
    ) -> Any:
        seen = self._seen.setdefault((schema_pointer, name), set())
        if len(seen) >= _SEEN_LIMIT:
            seen.clear()
        value = None
        for _ in range(_REDRAWS):
            value = self.engine.draft(pointer, rng, name=name, owner=owner, examples=False)
            if repr(value) not in seen:
                break
        seen.add(repr(value))
        return value

    def most_choices(self, schema_pointer: str) -> int:
        return max((len(pointers) for _, pointers in self.fields(schema_pointer)), default=0)


def _relink_href(old: dict[str, Any], fresh: dict[str, Any]) -> None:
    """A resource's `href` that named its old id names the new one."""
    old_id, new_id, href = old.get("id"), fresh.get("id"), fresh.get("href")
    if isinstance(old_id, str) and isinstance(new_id, str) and isinstance(href, str) and old_id:
        fresh["href"] = href.replace(old_id, new_id)
