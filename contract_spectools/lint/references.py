"""Rules about references: `unresolved-ref`, `required-cycle`, `unused-component`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract_core.cycles import RecursionAnalysis
from contract_core.errors import InfiniteRecursion, UnresolvableReference
from contract_core.pointer import join, split, unescape
from contract_core.spec import Spec
from contract_core.walk import iter_objects, iter_refs
from contract_spectools.lint.findings import LintFinding, finding

# Values that are data, not OpenAPI: a "$ref" key inside them is just a key of the example.
_LITERAL_KEYWORDS = ("example", "default", "enum", "const")
_NAME_MAPS = ("properties", "patternProperties", "responses")  # a key here is a name, not a keyword


def is_literal(at: str) -> bool:
    """True when the pointer lies inside an example, default, enum or const value."""
    if not any(keyword in at for keyword in _LITERAL_KEYWORDS):
        return False  # the common case, without splitting the pointer ("examples" holds "example")
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


def check_unresolved_refs(
    spec: Spec, refs: list[tuple[str, str]] | None = None
) -> Iterator[LintFinding]:
    """`refs`: the document's `document_refs`, when the caller has walked them already."""
    for holder, ref in document_refs(spec.document) if refs is None else refs:
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


def check_unused_components(
    spec: Spec, objects: list[tuple[str, dict[str, Any]]] | None = None
) -> Iterator[LintFinding]:
    """`objects`: the document's `iter_objects`, when the caller has walked them already."""
    document = spec.document
    components = document.get("components")
    if not isinstance(components, dict) or not (document.get("paths") or document.get("webhooks")):
        return  # a document with no paths is a component library: everything is there to be used
    walked = list(iter_objects(document)) if objects is None else objects
    used = _used_components(document, _uses(components, walked))
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


# Who uses what: a top-level section (`("paths",)`) or a component (`("schemas", "Pet")`) -> the
# components it names. Built from one walk of the whole document rather than one per component.
Owner = tuple[str, ...]


def _used_components(
    document: dict[str, Any], uses: dict[Owner, set[tuple[str, str]]]
) -> set[tuple[str, str]]:
    """Components reachable from everything outside `components` (and from security requirements)."""
    used: set[tuple[str, str]] = {
        ("securitySchemes", name)
        for requirement in document.get("security") or []
        if isinstance(requirement, dict)
        for name in requirement
    }
    pending: list[Owner] = [(key,) for key in document if key != "components"]
    while pending:
        for target in uses.get(pending.pop(), ()):
            if target not in used:
                used.add(target)
                pending.append(target)
    return used


def _uses(
    components: dict[str, Any], objects: list[tuple[str, dict[str, Any]]]
) -> dict[Owner, set[tuple[str, str]]]:
    uses: dict[Owner, set[tuple[str, str]]] = {}
    schemas = declared if isinstance(declared := components.get("schemas"), dict) else {}
    for at, node in objects:
        if "$ref" in node or "security" in node or "discriminator" in node:
            owner = _owner(at)
            if owner:
                uses.setdefault(owner, set()).update(_named(at, node, owner, schemas))
    return uses


def _owner(at: str) -> Owner:
    """Who holds the object at `at`: none for the document and `components` themselves."""
    # only the first three tokens matter: split no further (Stripe: 1,800 pointers of ~10 tokens)
    head = [unescape(token) for token in at.split("/", 4)[1:4]]
    if head[:1] == ["components"]:
        return tuple(head[1:3]) if len(head) >= 3 else ()
    return tuple(head[:1])


def _named(
    at: str, node: dict[str, Any], owner: Owner, schemas: dict[str, Any]
) -> Iterator[tuple[str, str]]:
    """The components one object names: by `$ref`, by security requirement, by discriminator mapping."""
    ref = node.get("$ref")
    if isinstance(ref, str) and not is_literal(at) and (target := _component(ref)):
        yield target
    if "security" not in node and "discriminator" not in node:
        return
    # the keys below the owner's own node (a component's pointer has three tokens, a section's one)
    below_owner = split(at)[1 if len(owner) == 1 else 3 :]
    if any(key in _LITERAL_KEYWORDS for key in below_owner):
        return  # example data: neither a security requirement nor a discriminator
    security = node.get("security")
    if isinstance(security, list) and _is_operation(node):
        for requirement in security:
            if isinstance(requirement, dict):
                yield from (("securitySchemes", scheme) for scheme in requirement)
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
        for target in discriminator["mapping"].values():
            if isinstance(target, str) and target in schemas:
                yield "schemas", target


def _component(ref: str) -> tuple[str, str] | None:
    """(kind, name) of a `#/components/kind/name...` reference."""
    tokens = ref[1:].split("/", 4)[1:] if ref.startswith("#") else []
    if len(tokens) >= 3 and tokens[0] == "components":
        return unescape(tokens[1]), unescape(tokens[2])
    return None


def _is_operation(node: dict[str, Any]) -> bool:
    return "responses" in node or "operationId" in node
