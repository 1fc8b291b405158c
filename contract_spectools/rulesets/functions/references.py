"""unreferencedReusableObject (Spectral packages/functions/src/unreferencedReusableObject.ts)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from contract_spectools.rulesets.functions.context import FunctionContext, FunctionResult

ORPHAN = "Potential orphaned reusable object has been detected"


def unreferenced_reusable_object(
    value: Any, options: Mapping[str, Any] | None, context: FunctionContext
) -> list[FunctionResult]:
    """Each member of the target that no local `$ref` of the document names, at `location/name`.

    Spectral reads its resolver's graph; here the document's own `$ref`s are read, which is why
    Spectral's docs (and ours) run this function with `resolved: false`: a resolved document
    has no `$ref` left to read.
    """
    if not isinstance(value, Mapping) or options is None:
        return []  # Spectral's input schema: an object
    location = options["reusableObjectsLocation"]
    referenced = set(_local_refs(context.document))
    return [
        FunctionResult(ORPHAN, (name,))
        for name in value
        if f"{location}/{_escape(name)}" not in referenced
    ]


def _local_refs(node: Any) -> Iterator[str]:
    """Every `$ref` in the document that points into it, %-decoded.

    Iterative (specs nest deep), and each container is read once: a resolved document may share
    one object at many places, or hold itself (a recursive schema).
    """
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Mapping):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                yield unquote(ref)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
