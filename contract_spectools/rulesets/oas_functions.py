"""Three of Spectral's OpenAPI-specific functions, for the bundled `spectral:oas` ruleset only.

`uniquenessTags` (openapi-tags-uniqueness), `oasTagDefined` (operation-tag-defined) and
`refSiblings` (no-$ref-siblings) are not core functions: a team's ruleset cannot call them under
Spectral, so the loader accepts them only in the bundled file (a ruleset that names them gets the
usual unknown-function error). Each is a few lines of Spectral's TypeScript (stoplightio/spectral,
packages/rulesets/src, Apache-2.0), ported with its messages and result paths. Spectral skips a
target that fails the function's input schema; so do these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_spectools.rulesets.functions import (
    Function,
    FunctionContext,
    FunctionResult,
    lookup,
)

OPERATION_KEYS = ("get", "head", "post", "put", "patch", "delete", "options", "trace")


def uniqueness_tags(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    """Each tag whose name an earlier tag has, at its `name`."""
    if not isinstance(value, list) or not all(_named(tag) for tag in value):
        return []
    names = [tag["name"] for tag in value]
    return [
        FunctionResult(f'"tags" object contains duplicate tag name "{name}".', (index, "name"))
        for index, name in enumerate(names)
        if names.index(name) != index
    ]


def _named(tag: Any) -> bool:
    return isinstance(tag, dict) and isinstance(tag.get("name"), str)


def oas_tag_defined(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    """Each operation tag the document's `tags` do not name, at the operation's tag."""
    if not isinstance(value, dict):
        return []
    tags = value.get("tags")
    defined = [t["name"] for t in tags if _named(t)] if isinstance(tags, list) else []
    return [
        FunctionResult("Operation tags must be defined in global tags.", (*where, index))
        for where, operation_tags in _operation_tags(value.get("paths"))
        for index, tag in enumerate(operation_tags)
        if tag not in defined
    ]


def _operation_tags(paths: Any) -> list[tuple[tuple[str, str, str, str], list[Any]]]:
    """(("paths", path, method, "tags"), tags) for every operation with a `tags` list."""
    if not isinstance(paths, dict):
        return []
    return [
        (("paths", path, method, "tags"), operation["tags"])
        for path, item in paths.items()
        if isinstance(item, dict)
        for method, operation in item.items()
        if method in OPERATION_KEYS
        and isinstance(operation, dict)
        and isinstance(operation.get("tags"), list)
    ]


def ref_siblings(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    """Given a `$ref` key (`$..[?(@property === '$ref')]`), each other key of the object holding it,
    at that key: beside the target, not below it, so from the document's root (`at`)."""
    holder_path = context.path[:-1]
    holder = lookup(context.document, holder_path) if context.path else None
    if not isinstance(holder, dict) or len(holder) == 1:
        return []
    message = "$ref must not be placed next to any other properties"
    return [FunctionResult(message, at=(*holder_path, key)) for key in holder if key != "$ref"]


BUNDLED_FUNCTIONS: dict[str, Function] = {
    "uniquenessTags": uniqueness_tags,
    "oasTagDefined": oas_tag_defined,
    "refSiblings": ref_siblings,
}
