"""The one walker over an OpenAPI document's schemas and `$ref`s.

`iter_document_schemas` finds every place the document holds a schema (components, parameters,
headers, media types, in paths and webhooks); `iter_subschemas` steps one level into a schema by
the JSON Schema keywords that hold schemas. Nothing here follows `$ref`: callers that need to
(fixture engine, cycle analysis, linter) resolve through `Spec.deref`, with their own visited set.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from contract_core.pointer import join, split
from contract_core.records import Struct
from contract_core.spec import HTTP_METHODS

SCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)


# keyword -> how it holds schemas ("map" of names, "list", or "one" schema); children are visited in
# this order
_HOLDS: dict[str, str] = {
    **dict.fromkeys(SCHEMA_MAP_KEYWORDS, "map"),
    **dict.fromkeys(SCHEMA_LIST_KEYWORDS, "list"),
    **dict.fromkeys(SCHEMA_KEYWORDS, "one"),
}
_RANK = {keyword: rank for rank, keyword in enumerate(_HOLDS)}


def _step(at: str, token: str | int) -> str:
    """`join(at, token)`, escaping only a token that needs it: the walks make a pointer for every node
    (Stripe: 60,000 schemas), and `join`'s two `replace` calls per token were a third of their time."""
    if type(token) is str and ("~" in token or "/" in token):
        return join(at, token)
    return f"{at}/{token}"


def iter_subschemas(schema: Any, at: str) -> Iterator[tuple[str, Any]]:
    """The schemas directly inside `schema`, with their pointers."""
    if isinstance(schema, dict):
        yield from _subschemas(schema, at)


def _subschemas(schema: dict[str, Any], at: str) -> list[tuple[str, Any]]:
    # Most schemas are leaves: look at the keys the schema has rather than ask it for all 20 keywords.
    present = [key for key in schema if key in _HOLDS]
    if len(present) > 1:
        present.sort(key=_RANK.__getitem__)
    found: list[tuple[str, Any]] = []
    for keyword in present:
        child, holds, here = schema[keyword], _HOLDS[keyword], f"{at}/{keyword}"
        if holds == "map":
            if isinstance(child, dict):
                found.extend((_step(here, name), value) for name, value in child.items())
        elif isinstance(child, list):  # a list keyword, or draft-4 tuple `items`
            found.extend((f"{here}/{i}", item) for i, item in enumerate(child))
        elif holds == "one" and isinstance(child, dict):
            found.append((here, child))
    return found


def iter_schema_tree(schema: Any, at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """`schema` and every schema nested in it (not following `$ref`), depth first."""
    stack = [(at, schema)]
    while stack:
        here, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield here, node
        children = _subschemas(node, here)
        children.reverse()  # popped from the end: the first child is walked first
        stack.extend(children)


def _content_schemas(content: Any, at: str) -> Iterator[tuple[str, Any]]:
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                yield f"{_step(at, media_type)}/schema", media["schema"]


def _parameter_like_schemas(node: Any, at: str) -> Iterator[tuple[str, Any]]:
    """A parameter or header object: `schema`, or `content`."""
    if not isinstance(node, dict):
        return
    if "schema" in node:
        yield f"{at}/schema", node["schema"]
    yield from _content_schemas(node.get("content"), f"{at}/content")


def _response_schemas(response: Any, at: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(response, dict):
        return
    yield from _content_schemas(response.get("content"), f"{at}/content")
    for name, header in (response.get("headers") or {}).items():
        yield from _parameter_like_schemas(header, _step(f"{at}/headers", name))


def _operation_schemas(operation: dict[str, Any], at: str) -> Iterator[tuple[str, Any]]:
    for i, parameter in enumerate(operation.get("parameters") or []):
        yield from _parameter_like_schemas(parameter, f"{at}/parameters/{i}")
    body = operation.get("requestBody")
    if isinstance(body, dict):
        yield from _content_schemas(body.get("content"), f"{at}/requestBody/content")
    for status, response in (operation.get("responses") or {}).items():
        yield from _response_schemas(response, _step(f"{at}/responses", status))


def _path_item_schemas(item: Any, at: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(item, dict):
        return
    for i, parameter in enumerate(item.get("parameters") or []):
        yield from _parameter_like_schemas(parameter, f"{at}/parameters/{i}")
    for method in HTTP_METHODS:
        if isinstance(item.get(method), dict):
            yield from _operation_schemas(item[method], f"{at}/{method}")


def iter_document_schemas(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every top-level schema position of an OpenAPI document (not nested subschemas)."""
    for section in ("paths", "webhooks"):
        for path, item in (document.get(section) or {}).items():
            yield from _path_item_schemas(item, _step(f"#/{section}", path))
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield _step("#/components/schemas", name), schema
    for name, parameter in (components.get("parameters") or {}).items():
        yield from _parameter_like_schemas(parameter, _step("#/components/parameters", name))
    for name, header in (components.get("headers") or {}).items():
        yield from _parameter_like_schemas(header, _step("#/components/headers", name))
    for name, body in (components.get("requestBodies") or {}).items():
        if isinstance(body, dict):
            yield from _content_schemas(
                body.get("content"), _step("#/components/requestBodies", name) + "/content"
            )
    for name, response in (components.get("responses") or {}).items():
        yield from _response_schemas(response, _step("#/components/responses", name))
    for name, item in (components.get("pathItems") or {}).items():
        yield from _path_item_schemas(item, _step("#/components/pathItems", name))


def iter_all_schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the document, nested ones included."""
    for at, schema in iter_document_schemas(document):
        yield from iter_schema_tree(schema, at)


def iter_objects(
    node: Any, at: str = "#", skip_keys: Collection[str] = ()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object under `node` (itself included), depth first, with its pointer.

    The one generic walk of a JSON tree, for documents and instances alike; values under a key in
    `skip_keys` are not entered (examples and defaults are data, not OpenAPI).
    """
    stack = [(at, node)]
    push = stack.append
    while stack:
        here, current = stack.pop()
        # plain loops: generator expressions fed to `extend` cost a third more (the linter walks
        # Stripe's 3.7 MB document several times, the proxy every response body)
        if isinstance(current, dict):
            yield here, current
            for k, v in current.items():
                if isinstance(v, (dict, list)) and k not in skip_keys:
                    push((_step(here, k), v))
        elif isinstance(current, list):
            for i, v in enumerate(current):
                if isinstance(v, (dict, list)):
                    push((f"{here}/{i}", v))


LinkedPath = tuple[Any, str | int] | None  # (parent's path, key), None at the root


def iter_json_objects(document: Any) -> Iterator[tuple[LinkedPath, dict[str, Any]]]:
    """Every object of a parsed JSON instance (plain dicts and lists), depth first, with its path as a
    linked (parent, key) pair that `linked_pointer` turns into a pointer.

    `iter_objects` formats a pointer for every object; a check that judges every response body and
    needs the place of very few (the proxy's budget is about a millisecond) makes no strings here.
    """
    stack: list[tuple[Any, LinkedPath]] = [(document, None)]
    push = stack.append
    while stack:
        current, path = stack.pop()
        if type(current) is dict:
            yield path, current
            pairs: Iterable[tuple[Any, Any]] = current.items()
        elif type(current) is list:
            pairs = enumerate(current)
        else:
            continue
        for key, value in pairs:  # a plain loop: a generator expression here costs twice as much
            kind = type(value)
            if kind is dict or kind is list:
                push((value, (path, key)))


def linked_pointer(path: LinkedPath) -> str:
    tokens: list[str | int] = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return join("", *reversed(tokens))


def iter_refs(node: Any, at: str = "#") -> Iterator[tuple[str, str]]:
    """Every `$ref` string anywhere under `node`: (pointer of the object holding it, target)."""
    for here, current in iter_objects(node, at):
        ref = current.get("$ref")
        if isinstance(ref, str):
            yield here, ref


# keys whose values are not entered when looking for content maps
_NOT_CONTENT_MAPS = ("schema", "example", "examples")


def _iter_content_maps(
    document: dict[str, Any], objects: Iterable[tuple[str, dict[str, Any]]] | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the document that can carry `example(s)` beside a `schema`.

    Media type objects, parameters and headers; found by walking the document's structure, so a
    property named `example` inside a schema is never mistaken for one. From `objects` (the whole
    document's `iter_objects`, in order) when given: the same objects, those under none of the keys
    that the walk would not enter.
    """
    if objects is None:
        for here, node in iter_objects(document, "#", skip_keys=_NOT_CONTENT_MAPS):
            if _is_content_map(node):
                yield here, node
        return
    for here, node in objects:
        if _is_content_map(node) and not any(t in _NOT_CONTENT_MAPS for t in split(here)):
            yield here, node


def _is_content_map(node: dict[str, Any]) -> bool:
    return "schema" in node and ("example" in node or "examples" in node)


class Example(Struct, frozen=True):
    """An example value and the schema it must satisfy."""

    pointer: str  # where the example value stands
    value: Any
    schema_pointer: str


def iter_examples(
    document: dict[str, Any],
    resolve: Callable[[str], Any],
    schemas: Iterable[tuple[str, dict[str, Any]]] | None = None,
    objects: Iterable[tuple[str, dict[str, Any]]] | None = None,
) -> Iterator[Example]:
    """Every example in the document, beside media types, parameters, headers and inside schemas.

    `schemas` and `objects`: the document's `iter_all_schemas` and `iter_objects`, when the caller
    has walked them already.
    """
    for at, holder in _iter_content_maps(document, objects):
        schema_at = join(at, "schema")
        if "example" in holder:
            yield Example(join(at, "example"), holder["example"], schema_at)
        for name, example in (
            (holder.get("examples") or {}).items()
            if isinstance(holder.get("examples"), dict)
            else ()
        ):
            if isinstance(example, dict) and isinstance(example.get("$ref"), str):
                example = resolve(example["$ref"])
            if isinstance(example, dict) and "value" in example:
                yield Example(join(at, "examples", name, "value"), example["value"], schema_at)
    for at, schema in iter_all_schemas(document) if schemas is None else schemas:
        if "example" in schema:
            yield Example(join(at, "example"), schema["example"], at)
        if isinstance(schema.get("examples"), list):  # 3.1 / JSON Schema form
            for i, value in enumerate(schema["examples"]):
                yield Example(join(at, "examples", i), value, at)
