"""How large a value of the resolved document is once its shared `$ref` targets are copied out,
and how deep a JSON Schema reads into an instance: what bounds the `schema` function's cost.

The resolved view shares each `$ref` target (a DAG, not copies). jsonschema-rs reads a Python value
lazily while it validates, but copies each error's instance into a tree: on a chain of schemas that
each reference the next twice, that copy doubles per level (11 GB at 22 levels). So the `schema`
function hands jsonschema-rs a copy only as deep as its schema reads, and reports a value that is
too large even then instead of checking it. Sizes are counted on the DAG with memoisation, so the
count is linear in the DAG, not in the tree it stands for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_core import pointer

# More nodes than this once expanded (about 10 MB as jsonschema-rs's tree): reported, not checked
LIMIT = 100_000

# keywords whose subschemas apply to the instance's children (one level down)
_CHILD_MAPS = frozenset({"properties", "patternProperties"})
_CHILD_SCHEMAS = frozenset(
    {
        "additionalProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "contains",
        "unevaluatedProperties",
        "unevaluatedItems",
    }
)
# keywords whose subschemas apply to the instance itself (or, propertyNames, to its keys)
_SAME_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_SAME_SCHEMAS = frozenset({"not", "if", "then", "else", "propertyNames"})
_SAME_MAPS = frozenset({"dependentSchemas", "dependencies"})
# references this module does not follow (other files, dynamic scopes): the whole value is read
_OPAQUE_REFS = frozenset({"$dynamicRef", "$recursiveRef"})


class _Unbounded(Exception):
    """The schema may read the whole value (a recursive or remote `$ref`, an object `enum`...)."""


def schema_reach(schema: Any) -> int | None:
    """How many levels below the instance the schema reads (0: the instance's own type, keys and
    length); None when it may read everything."""
    try:
        return _reach(schema, schema, frozenset())
    except _Unbounded:
        return None


def _reach(node: Any, root: Any, following: frozenset[str]) -> int:
    if not isinstance(node, Mapping):
        return 0  # a boolean schema reads nothing below the instance
    deepest = _ref_reach(node, root, following)
    for keyword, value in node.items():
        deepest = max(deepest, _keyword_reach(keyword, value, root, following))
    return deepest


def _keyword_reach(keyword: str, value: Any, root: Any, following: frozenset[str]) -> int:
    if keyword in _CHILD_MAPS and isinstance(value, Mapping):
        return 1 + _most(value.values(), root, following)
    if keyword in _CHILD_SCHEMAS:
        subschemas = value if isinstance(value, list) else [value]
        return 1 + _most(subschemas, root, following)
    if keyword in _SAME_LISTS and isinstance(value, list):
        return _most(value, root, following)
    if keyword in _SAME_SCHEMAS:
        return _reach(value, root, following)
    if keyword in _SAME_MAPS and isinstance(value, Mapping):
        return _most((v for v in value.values() if isinstance(v, Mapping)), root, following)
    if keyword in ("enum", "const") and _holds_containers(value, keyword):
        raise _Unbounded  # compared with the whole value
    if (keyword == "uniqueItems" and value is True) or keyword in _OPAQUE_REFS:
        raise _Unbounded
    return 0


def _most(schemas: Any, root: Any, following: frozenset[str]) -> int:
    return max((_reach(s, root, following) for s in schemas), default=0)


def _ref_reach(node: Mapping[str, Any], root: Any, following: frozenset[str]) -> int:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return 0
    if not ref.startswith("#") or ref in following:
        raise _Unbounded  # another file, or recursion: no fixed depth
    try:
        target = pointer.resolve(root, ref)
    except (KeyError, IndexError, ValueError) as error:
        raise _Unbounded from error
    return _reach(target, root, following | {ref})


def _holds_containers(value: Any, keyword: str) -> bool:
    options = value if keyword == "enum" and isinstance(value, list) else [value]
    return any(isinstance(option, dict | list) for option in options)


def expanded_size(value: Any, depth: int | None) -> int:
    """Nodes in the tree `value` stands for, cut `depth` levels below it (None: not cut).

    Memoised by (node, levels left), so shared nodes are counted once: linear in the DAG.
    """
    memo: dict[tuple[int, int | None], int] = {}

    def count(node: Any, left: int | None) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = (id(node), left)
        if key not in memo:
            memo[key] = 0  # a node inside itself (a recursive YAML anchor) counts once
            children = node.values() if isinstance(node, dict) else node
            if left == 0:
                memo[key] = 1 + len(node)
            else:
                below = None if left is None else left - 1
                memo[key] = 1 + sum(count(child, below) for child in children)
        return memo[key]

    return count(value, depth)


def cut(value: Any, depth: int) -> Any:
    """A copy of `value` down to `depth` levels: the containers there keep their keys and length,
    with null in place of what they hold (the schema reads no further)."""
    memo: dict[tuple[int, int], Any] = {}

    def copy(node: Any, left: int) -> Any:
        if not isinstance(node, dict | list):
            return node
        key = (id(node), left)
        if key not in memo:
            memo[key] = None  # a node inside itself
            memo[key] = _copied(node, lambda child: None if left == 0 else copy(child, left - 1))
        return memo[key]

    return copy(value, depth)


def _copied(node: dict[str, Any] | list[Any], each: Any) -> Any:
    if isinstance(node, dict):
        return {key: each(child) for key, child in node.items()}
    return [each(child) for child in node]
