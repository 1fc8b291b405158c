"""Rules about references: `unresolved-ref`, `required-cycle`, `unused-component`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract_core.cycles import RecursionAnalysis
from contract_core.errors import InfiniteRecursion, UnresolvableReference
from contract_core.pointer import join, split
from contract_core.spec import Spec
from contract_core.walk import iter_objects, iter_refs
from contract_spectools.lint.findings import LintFinding, finding

# Values that are data, not OpenAPI: a "$ref" key inside them is just a key of the example.
_LITERAL_KEYWORDS = ("example", "default", "enum", "const")
_NAME_MAPS = ("properties", "patternProperties", "responses")  # a key here is a name, not a keyword


def is_literal(at: str) -> bool:
    """True when the pointer lies inside an example, default, enum or const value."""
    tokens = split(at)
    for i, token in enumerate(tokens):
        named = i > 0 and tokens[i - 1] in _NAME_MAPS
        if not named and token in _LITERAL_KEYWORDS:
            return True
        if not named and token == "examples" and i + 2 < len(tokens) and tokens[i + 2] == "value":
            return True
    return False


def document_refs(node: Any, at: str = "#") -> Iterator[tuple[str, str]]:
    """Every real `$ref` under `node` (not inside example data): (holder pointer, target)."""
    for holder, ref in iter_refs(node, at):
        if not is_literal(holder):
            yield holder, ref


def check_unresolved_refs(spec: Spec) -> Iterator[LintFinding]:
    for holder, ref in document_refs(spec.document):
        if not ref.startswith("#"):
            yield finding(
                "unresolved-ref",
                join(holder, "$ref"),
                f"external $ref {ref!r}: the kit reads one file; bundle the spec into one document",
            )
            continue
        try:
            spec.resolve(ref, holder)
        except UnresolvableReference:
            yield finding(
                "unresolved-ref",
                join(holder, "$ref"),
                f"$ref {ref!r} points at nothing in the document",
            )


def check_required_cycles(spec: Spec, analysis: RecursionAnalysis) -> Iterator[LintFinding]:
    for cycle in analysis.required_cycles():
        first = cycle[0]
        at = first if first.startswith("#") else join("#/components/schemas", first)
        yield finding("required-cycle", at, str(InfiniteRecursion(cycle)).split(";")[0])


def check_unused_components(spec: Spec) -> Iterator[LintFinding]:
    document = spec.document
    components = document.get("components")
    if not isinstance(components, dict) or not (document.get("paths") or document.get("webhooks")):
        return  # a document with no paths is a component library: everything is there to be used
    used = _used_components(document, components)
    for kind, members in components.items():
        if not isinstance(members, dict) or kind.startswith("x-"):
            continue
        for name in members:
            if (kind, name) not in used and not name.startswith("x-"):
                yield finding(
                    "unused-component",
                    join("#/components", kind, name),
                    f"components/{kind}/{name} is never referenced",
                )


def _used_components(document: dict[str, Any], components: dict[str, Any]) -> set[tuple[str, str]]:
    """Components reachable from everything outside `components` (and from security requirements)."""
    used: set[tuple[str, str]] = {
        ("securitySchemes", name)
        for requirement in document.get("security") or []
        if isinstance(requirement, dict)
        for name in requirement
    }
    pending: list[tuple[str, Any]] = [
        (join("#", key), value) for key, value in document.items() if key != "components"
    ]
    while pending:
        at, node = pending.pop()
        for target in _references_from(node, at, components):
            if target not in used:
                used.add(target)
                member = (components.get(target[0]) or {}).get(target[1])
                pending.append((join("#/components", *target), member))
    return used


def _references_from(node: Any, at: str, components: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for _, ref in document_refs(node, at):
        tokens = split(ref) if ref.startswith("#") else []
        if len(tokens) >= 3 and tokens[0] == "components":
            yield tokens[1], tokens[2]
    for requirement in _security_requirements(node):
        for scheme in requirement:
            yield "securitySchemes", scheme
    schemas = declared if isinstance(declared := components.get("schemas"), dict) else {}
    for mapping in _discriminator_mappings(node):
        for target in mapping.values():
            if isinstance(target, str) and target in schemas:
                yield "schemas", target


def _security_requirements(node: Any) -> Iterator[dict[str, Any]]:
    """Security requirement objects under `node` (document or operation level)."""
    for _, current in iter_objects(node, skip_keys=_LITERAL_KEYWORDS):
        security = current.get("security")
        if isinstance(security, list) and _is_operation(current):
            yield from (r for r in security if isinstance(r, dict))


def _is_operation(node: dict[str, Any]) -> bool:
    return "responses" in node or "operationId" in node


def _discriminator_mappings(node: Any) -> Iterator[dict[str, Any]]:
    for _, current in iter_objects(node, skip_keys=_LITERAL_KEYWORDS):
        discriminator = current.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            yield discriminator["mapping"]
