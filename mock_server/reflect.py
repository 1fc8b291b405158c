"""Make a created resource reflect the request: what the client sent comes back at the same place.

Generic, and field by field. Each value the request sent (every scalar and `null`, every empty list
or object) is written at the same JSON path of the response, wherever the response schema documents
a value of that kind there: through `$ref`, `allOf`/`anyOf`/`oneOf`, `properties` and `items`
(`contract_core.instance_paths`, the question conformance asks too). A list the request sent also
trims the response's list at that place to its length, and a map (`metadata`) to its keys. The
result must validate; when it does not, the edits are applied one at a time and each one the
response schema cannot hold is left out on its own, so one value that cannot be reflected never
costs the others.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from contract_core.instance_paths import could_be, schemas_at
from contract_core.spec import Spec
from contract_core.validation import SchemaValidator

_MAX_EDITS = 512  # a request body is at most 1 MB; past this many values the rest is not reflected
_MAX_ONE_BY_ONE = 128  # validations spent finding which values break the response schema
SLOW_PATH_SECONDS = 0.05  # and the time: a fuzzer's 1 MB body must not hold the server up
_COPY_ONCE = 16  # more edits than this: copy the body once and write in place, not a copy per edit
_MAX_INDEX = 255  # array positions past this are not grown in the response
_CACHE_LIMIT = 4096

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Edit:
    path: Path
    # the value to write; for a trim, the list whose length or the map whose keys to keep
    value: Any
    trim: bool = False

    def apply(self, body: Any, in_place: bool = False) -> Any:
        change = self._trimmed if self.trim else (lambda _old: self.value)
        return _rewrite(body, self.path, change, in_place)

    def _trimmed(self, old: Any) -> Any:
        if isinstance(old, list):
            return old[: len(self.value)]
        return {k: v for k, v in old.items() if k in self.value} if isinstance(old, dict) else old


class Reflector:
    """Reflects requests into response bodies of one spec (documented places cached per schema)."""

    def __init__(self, spec: Spec, validator: SchemaValidator):
        self.spec = spec
        self.validator = validator
        self._schemas: dict[tuple[str, Path], list[dict[str, Any]]] = {}
        self._verdicts: dict[tuple[str, Path, Any], bool | str] = {}

    def edits(self, sent: Any, schema_pointer: str) -> list[Edit]:
        """The edits that write `sent` into a body of the schema at `schema_pointer`."""
        found: list[Edit] = []
        for edit in _edits(sent, ()):
            if len(found) >= _MAX_EDITS:
                break
            if self._documented(schema_pointer, edit):
                found.append(edit)
        return found

    def _documented(self, schema_pointer: str, edit: Edit) -> bool:
        """Whether the response documents the edit's value at its place; decided once per place and
        kind of value (the hot path of every create), except where an enum makes it depend on the value."""
        where = tuple(0 if isinstance(token, int) else token for token in edit.path)
        kind = (
            ("map" if isinstance(edit.value, dict) else "list") if edit.trim else type(edit.value)
        )
        key = (schema_pointer, where, kind)
        verdict = self._verdicts.get(key)
        if verdict is None:
            schemas = self._schemas_at(schema_pointer, where)
            if kind == "map":
                verdict = any(_is_map(schema) for schema in schemas)
            elif any("enum" in schema for schema in schemas):
                verdict = "by value"
            else:
                verdict = any(
                    could_be([] if edit.trim else edit.value, schema) for schema in schemas
                )
            _remember(self._verdicts, key, verdict)
        if verdict == "by value":
            return any(
                could_be(edit.value, schema) for schema in self._schemas_at(schema_pointer, where)
            )
        return bool(verdict)

    def apply(self, body: Any, edits: list[Edit]) -> Any:
        in_place = len(edits) > _COPY_ONCE
        if in_place:
            body = _deep_copy(body)
        for edit in edits:
            body = edit.apply(body, in_place)
        return body

    def apply_valid(
        self, body: Any, edits: list[Edit], schema_pointer: str, sent: Any
    ) -> tuple[Any, int]:
        """`body` (valid) with each edit that keeps it valid, one at a time; and how many were kept.

        A value refused where it is (a `type: namespace` written into a fixture's `function` tool) is
        tried once more as part of what the request sent around it, the nearest enclosing object or
        list written whole (the request's tool, where the response documents tools alike)."""
        kept, covered = 0, set[Path]()
        deadline = time.perf_counter() + SLOW_PATH_SECONDS
        for edit in edits[:_MAX_ONE_BY_ONE]:
            if time.perf_counter() > deadline:
                break
            if any(edit.path[: len(whole)] == whole for whole in covered):
                kept += 1
                continue
            candidate = edit.apply(body)
            if self.validator.is_valid(candidate, schema_pointer):
                body, kept = candidate, kept + 1
                continue
            whole = self._enclosing_that_fits(body, edit.path, schema_pointer, sent)
            if whole is not None:
                body, kept = whole[0], kept + 1
                covered.add(whole[1])
        return body, kept

    def _enclosing_that_fits(
        self, body: Any, path: Path, schema_pointer: str, sent: Any
    ) -> tuple[Any, Path] | None:
        for length in range(len(path) - 1, 0, -1):
            prefix = path[:length]
            candidate = Edit(prefix, _value_at(sent, prefix)).apply(body)
            if self.validator.is_valid(candidate, schema_pointer):
                return candidate, prefix
        return None

    def _schemas_at(self, schema_pointer: str, where: Path) -> list[dict[str, Any]]:
        key = (schema_pointer, where)
        found = self._schemas.get(key)
        if found is None:
            found = list(schemas_at(self.spec, self.spec.resolve(schema_pointer), where))
            _remember(self._schemas, key, found)
        return found


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Paths come from requests: the caches stay bounded whatever clients send."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _value_at(document: Any, path: Path) -> Any:
    for token in path:
        document = document[token]
    return document


def _is_map(schema: dict[str, Any]) -> bool:
    """A map (`metadata`): any keys, none named. What the request sent is all of it."""
    return (
        "additionalProperties" in schema
        and schema["additionalProperties"] is not False
        and not schema.get("properties")
    )


def _edits(sent: Any, path: Path) -> Iterator[Edit]:
    if isinstance(sent, dict) and sent:
        yield Edit(path, sent, trim=True)
        for key, value in sent.items():
            yield from _edits(value, (*path, key))
    elif isinstance(sent, list) and sent:
        yield Edit(path, sent, trim=True)
        for index, value in enumerate(sent):
            yield from _edits(value, (*path, index))
    else:
        yield Edit(path, sent)


def _rewrite(node: Any, path: Path, change: Callable[[Any], Any], in_place: bool = False) -> Any:
    """`node` with the value at `path` replaced by `change(old)`: containers on the way are copied
    (never the fixture's own) unless `in_place` (a copy the caller owns), missing ones made, new list
    items copied from the last."""
    if not path:
        return change(node)
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        if head > _MAX_INDEX:
            return node
        items = (node if in_place else list(node)) if isinstance(node, list) else []
        while len(items) <= head:
            items.append(copy.deepcopy(items[-1]) if items else None)
        items[head] = _rewrite(items[head], rest, change, in_place)
        return items
    fields = (node if in_place else dict(node)) if isinstance(node, dict) else {}
    fields[head] = _rewrite(fields.get(head), rest, change, in_place)
    _unlist_omitted(fields, head)
    return fields


def _deep_copy(body: Any) -> Any:
    """A copy to write into. orjson's round trip is ~10x faster than `copy.deepcopy` on fixtures."""
    try:
        return orjson.loads(orjson.dumps(body))
    except TypeError:  # integers beyond 64 bits
        return copy.deepcopy(body)


def _unlist_omitted(fields: dict[str, Any], name: str) -> None:
    """A field written into an object is no longer one it leaves out (`$meta.omitted`)."""
    meta = fields.get("$meta")
    if isinstance(meta, dict) and isinstance(meta.get("omitted"), list) and name in meta["omitted"]:
        fields["$meta"] = {**meta, "omitted": [n for n in meta["omitted"] if n != name]}
