"""What a core function is given and what it returns: the interface the ruleset runner calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from contract_core.records import Struct

Segment = str | int
JsonPath = tuple[Segment, ...]


class _Missing:
    """The value of a field that is not there (JavaScript's `undefined`)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class FunctionContext(Struct):  # not frozen: the runner sets its `path` and `given_path` per target
    document: (
        Any  # the whole document the rule runs on (resolved, or as written when `resolved: false`)
    )
    path: JsonPath  # JSON path of the target value (after `field`)
    given_path: JsonPath  # JSON path of the `given` match
    rule: str  # the rule's name
    ruleset_dir: Path  # where the ruleset file lives (the `schema` function's local $refs)


class FunctionResult(Struct, frozen=True):
    message: str  # Spectral's `{{error}}`
    path: JsonPath = ()  # relative to context.path, where the problem is
    # from the document's root, where the problem is outside the target (Spectral's results may name
    # any path: refSiblings, given a `$ref`, reports the keys beside it); when set, `path` is unused
    at: JsonPath | None = None

    def path_from(self, target: JsonPath) -> JsonPath:
        """Where the problem is, given the path of the target the function was called on."""
        return self.at if self.at is not None else (*target, *self.path)


Function = Callable[[Any, Mapping[str, Any] | None, FunctionContext], list[FunctionResult]]


def lookup(document: Any, path: JsonPath) -> Any:
    """The value at `path`, or MISSING where the path leaves the document."""
    node = document
    for segment in path:
        if isinstance(node, Mapping) and str(segment) in node:
            node = node[str(segment)]
        elif isinstance(node, list) and _index(segment, len(node)) is not None:
            node = node[int(segment)]
        else:
            return MISSING
    return node


def is_missing(value: Any, context: FunctionContext) -> bool:
    """A target is missing when the runner says so (MISSING) or passes None for a path not in the document.

    Both are accepted so a runner that hands `None` for an absent `field` still tells `defined`
    from a YAML `null`.
    """
    if value is MISSING:
        return True
    return value is None and lookup(context.document, context.path) is MISSING


def _index(segment: Segment, length: int) -> int | None:
    if isinstance(segment, bool):
        return None
    if isinstance(segment, str) and not segment.isdigit():
        return None
    index = int(segment)
    return index if 0 <= index < length else None
