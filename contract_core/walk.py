"""The one walker over an OpenAPI document's schemas and `$ref`s.

`iter_document_schemas` finds every place the document holds a schema (components, parameters,
headers, media types, in paths and webhooks); `iter_subschemas` steps one level into a schema by
the JSON Schema keywords that hold schemas. Nothing here follows `$ref`: callers that need to
(fixture engine, cycle analysis, linter) resolve through `Spec.deref`, with their own visited set.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from contract_core.pointer import join
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


def iter_subschemas(schema: Any, at: str) -> Iterator[tuple[str, Any]]:
    """The schemas directly inside `schema`, with their pointers."""
    if not isinstance(schema, dict):
        return
    for keyword in SCHEMA_MAP_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, dict):
            for name, child in children.items():
                yield join(at, keyword, name), child
    for keyword in SCHEMA_LIST_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, list):
            for i, child in enumerate(children):
                yield join(at, keyword, i), child
    for keyword in SCHEMA_KEYWORDS:
        child = schema.get(keyword)
        if isinstance(child, list):  # draft-4 tuple `items`
            for i, item in enumerate(child):
                yield join(at, keyword, i), item
        elif isinstance(child, dict):
            yield join(at, keyword), child


def iter_schema_tree(schema: Any, at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """`schema` and every schema nested in it (not following `$ref`), depth first."""
    stack = [(at, schema)]
    while stack:
        here, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield here, node
        stack.extend(reversed(list(iter_subschemas(node, here))))


def _content_schemas(content: Any, at: str) -> Iterator[tuple[str, Any]]:
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                yield join(at, media_type, "schema"), media["schema"]


def _parameter_like_schemas(node: Any, at: str) -> Iterator[tuple[str, Any]]:
    """A parameter or header object: `schema`, or `content`."""
    if not isinstance(node, dict):
        return
    if "schema" in node:
        yield join(at, "schema"), node["schema"]
    yield from _content_schemas(node.get("content"), join(at, "content"))


def _response_schemas(response: Any, at: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(response, dict):
        return
    yield from _content_schemas(response.get("content"), join(at, "content"))
    for name, header in (response.get("headers") or {}).items():
        yield from _parameter_like_schemas(header, join(at, "headers", name))


def _operation_schemas(operation: dict[str, Any], at: str) -> Iterator[tuple[str, Any]]:
    for i, parameter in enumerate(operation.get("parameters") or []):
        yield from _parameter_like_schemas(parameter, join(at, "parameters", i))
    body = operation.get("requestBody")
    if isinstance(body, dict):
        yield from _content_schemas(body.get("content"), join(at, "requestBody", "content"))
    for status, response in (operation.get("responses") or {}).items():
        yield from _response_schemas(response, join(at, "responses", status))


def _path_item_schemas(item: Any, at: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(item, dict):
        return
    for i, parameter in enumerate(item.get("parameters") or []):
        yield from _parameter_like_schemas(parameter, join(at, "parameters", i))
    for method in HTTP_METHODS:
        if isinstance(item.get(method), dict):
            yield from _operation_schemas(item[method], join(at, method))


def iter_document_schemas(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every top-level schema position of an OpenAPI document (not nested subschemas)."""
    for section in ("paths", "webhooks"):
        for path, item in (document.get(section) or {}).items():
            yield from _path_item_schemas(item, join("#", section, path))
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield join("#/components/schemas", name), schema
    for name, parameter in (components.get("parameters") or {}).items():
        yield from _parameter_like_schemas(parameter, join("#/components/parameters", name))
    for name, header in (components.get("headers") or {}).items():
        yield from _parameter_like_schemas(header, join("#/components/headers", name))
    for name, body in (components.get("requestBodies") or {}).items():
        if isinstance(body, dict):
            yield from _content_schemas(
                body.get("content"), join("#/components/requestBodies", name, "content")
            )
    for name, response in (components.get("responses") or {}).items():
        yield from _response_schemas(response, join("#/components/responses", name))
    for name, item in (components.get("pathItems") or {}).items():
        yield from _path_item_schemas(item, join("#/components/pathItems", name))


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
    while stack:
        here, current = stack.pop()
        if isinstance(current, dict):
            yield here, current
            # `here + "/" + key`, escaped only when needed: the proxy walks every response body
            stack.extend(
                (f"{here}/{k}" if "~" not in k and "/" not in k else join(here, k), v)
                for k, v in current.items()
                if isinstance(v, (dict, list)) and k not in skip_keys
            )
        elif isinstance(current, list):
            stack.extend(
                (f"{here}/{i}", v) for i, v in enumerate(current) if isinstance(v, (dict, list))
            )


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


def _iter_content_maps(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the document that can carry `example(s)` beside a `schema`.

    Media type objects, parameters and headers; found by walking the document's structure, so a
    property named `example` inside a schema is never mistaken for one.
    """
    for here, node in iter_objects(document, "#", skip_keys=("schema", "example", "examples")):
        if "schema" in node and ("example" in node or "examples" in node):
            yield here, node


@dataclass(frozen=True)
class Example:
    """An example value and the schema it must satisfy."""

    pointer: str  # where the example value stands
    value: Any
    schema_pointer: str


def iter_examples(document: dict[str, Any], resolve: Callable[[str], Any]) -> Iterator[Example]:
    """Every example in the document, beside media types, parameters, headers and inside schemas."""
    for at, holder in _iter_content_maps(document):
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
    for at, schema in iter_all_schemas(document):
        if "example" in schema:
            yield Example(join(at, "example"), schema["example"], at)
        if isinstance(schema.get("examples"), list):  # 3.1 / JSON Schema form
            for i, value in enumerate(schema["examples"]):
                yield Example(join(at, "examples", i), value, at)
