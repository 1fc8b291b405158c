"""The contract compiled once per Spec: each operation with its route, parameters, security, request body
and responses, every `$ref` followed.

The mock, the checker, the proxy and verify read this one view instead of walking the spec into plans
of their own; `Contract.of(spec)` makes it on first use and keeps it with the Spec, so every component of
a process shares it (a reloaded spec is a new Spec, with its own). What only one component needs (the
mock's fixture targets, its examples) is derived from this view where that component lives.

A `$ref` that leads nowhere compiles as nothing documented (the linter reports it) and keeps its error
in `unresolved`, for the components that refuse such a spec (the mock at start-up, conform's lookups).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from contract_core import pointer
from contract_core.dialect import Direction
from contract_core.errors import UnresolvableReference
from contract_core.paths import PathMatcher, Route
from contract_core.redact import spec_query_credentials, spec_secret_fields
from contract_core.security import (
    Security,
    SecurityScheme,
    compiled_security,
    effective_security,
    security_schemes,
)
from contract_core.spec import Operation, Spec, response_key
from contract_core.validation import SchemaValidator

_LOCATIONS = ("path", "query", "header", "cookie")
_STATUSES_KEPT = range(100, 600)  # a status from the wire outside these never grows a cache


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema_pointer: str | None  # None: no schema to validate against
    kind: str | None  # the schema's type, for turning the text into a value
    item_kind: str | None
    explode: bool


@dataclass(frozen=True)
class MediaType:
    name: str  # the documented key: `application/json`, `application/*`
    schema_pointer: str | None  # None: no schema
    node: dict[str, Any]  # the Media Type object (example, examples, encoding)


@dataclass(frozen=True)
class ResponseHeader:
    name: str
    required: bool
    at: str  # the header object (after its $ref)
    documented_at: str  # where the response names it
    parameter: Parameter | None  # how to read and validate the value; None: no schema


@dataclass(frozen=True)
class RequestBody:
    at: str  # the Request Body object, after its $ref
    required: bool
    content: dict[str, MediaType] | None  # by documented media type; None: no `content` mapping
    unresolved: UnresolvableReference | None = None


@dataclass(frozen=True)
class Response:
    key: str  # the `responses` key: `201`, `4XX`, `default`
    at: str  # the Response object, after its $ref
    content: dict[str, MediaType] | None
    headers: tuple[ResponseHeader, ...]
    unresolved: UnresolvableReference | None = None


@dataclass(frozen=True)
class CompiledOperation:
    operation: Operation
    route: Route | None  # the path matcher's route: reads the path parameters
    parameters: tuple[Parameter, ...]  # path-item ones overridden by the operation's own
    body: RequestBody | None  # None: no request body documented
    responses: dict[str, Response] | None  # by `responses` key; None: the operation documents none
    responses_at: str
    security: Security  # the effective requirements, their schemes resolved
    _keys: dict[int, str | None] = field(default_factory=dict, repr=False, compare=False)

    def response_key(self, status: int) -> str | None:
        """The documented key for a status (cached: a few distinct statuses per operation)."""
        if status in self._keys:
            return self._keys[status]
        key = response_key(self.responses or {}, status)
        if status in _STATUSES_KEPT:
            self._keys[status] = key
        return key

    def response(self, status: int) -> Response | None:
        key = self.response_key(status) if self.responses is not None else None
        return None if key is None or self.responses is None else self.responses.get(key)


class Contract:
    """One spec compiled: its operations, the one path matcher, the resolved security schemes, the
    validators."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.matcher = PathMatcher(spec)
        self.schemes = security_schemes(spec)
        routes = {
            (method, route.template): route
            for route in self.matcher.routes
            for method in route.operations
        }
        self.operations = tuple(
            compiled_operation(spec, op, routes.get((op.method.upper(), op.path)), self.schemes)
            for op in spec.operations
        )
        self._by_place = {(c.operation.method, c.operation.path): c for c in self.operations}
        self._by_label = {c.operation.label.upper(): c for c in self.operations}
        self._validators: dict[Direction, SchemaValidator] = {}

    @staticmethod
    def of(spec: Spec) -> Contract:
        """The spec's compiled view, made once per Spec."""
        return spec.derived(Contract)

    def compiled(self, operation: Operation) -> CompiledOperation:
        return self._by_place[(operation.method, operation.path)]

    def by_label(self, label: str) -> CompiledOperation | None:
        """The operation a `METHOD /template` label names, in any case (a dict lookup per exchange)."""
        return self._by_label.get(label.upper())

    def validator(self, direction: Direction) -> SchemaValidator:
        """The spec's validator for one direction, formats enforced, made on first use: the mock's
        fixtures and the checker's verdicts share its converted document and compiled schemas."""
        found = self._validators.get(direction)
        if found is None:
            found = self._validators.setdefault(direction, SchemaValidator(self.spec, direction))
        return found

    @cached_property
    def secret_fields(self) -> frozenset[str]:
        """Property names the spec marks secret (`format: password`, `x-secret: true`) plus the usual names."""
        return spec_secret_fields(self.spec)

    @cached_property
    def query_credentials(self) -> frozenset[str]:
        return spec_query_credentials(self.spec)


def raise_unresolved(found: RequestBody | Response) -> None:
    """Raise the error of a `$ref` that led nowhere, as a fresh exception (a kept one would gather tracebacks)."""
    if found.unresolved is not None:
        raise UnresolvableReference(found.unresolved.ref, found.unresolved.pointer)


def compiled_operation(
    spec: Spec, operation: Operation, route: Route | None, schemes: dict[str, SecurityScheme]
) -> CompiledOperation:
    responses = operation.node.get("responses")
    responses_at = pointer.join(operation.pointer, "responses")
    return CompiledOperation(
        operation,
        route,
        tuple(_parameters(spec, operation)),
        _request_body(spec, operation),
        _responses(spec, responses, responses_at) if isinstance(responses, dict) else None,
        responses_at,
        compiled_security(*effective_security(spec, operation), schemes),
    )


def _follow(spec: Spec, node: Any, at: str) -> tuple[Any, str, UnresolvableReference | None]:
    """The node after its `$ref`s and where it stands; (None, at, the error) for a `$ref` to nowhere."""
    try:
        found, ref = spec.deref(node, at)
    except UnresolvableReference as exc:
        return None, at, exc
    return found, ref or at, None


def _request_body(spec: Spec, operation: Operation) -> RequestBody | None:
    raw = operation.node.get("requestBody")
    if raw is None:
        return None
    body, at, unresolved = _follow(spec, raw, pointer.join(operation.pointer, "requestBody"))
    if not isinstance(body, dict):
        return RequestBody(at, False, None, unresolved)
    return RequestBody(at, body.get("required") is True, _content(body, at))


def _responses(spec: Spec, responses: dict[str, Any], at: str) -> dict[str, Response]:
    return {
        str(key): _response(spec, str(key), raw, pointer.join(at, key))
        for key, raw in responses.items()
    }


def _response(spec: Spec, key: str, raw: Any, at: str) -> Response:
    node, at, unresolved = _follow(spec, raw, at)
    if not isinstance(node, dict):
        return Response(key, at, None, (), unresolved)
    headers = node.get("headers")
    compiled = [
        _header(spec, name, raw_header, pointer.join(at, "headers", name))
        for name, raw_header in (headers.items() if isinstance(headers, dict) else ())
        if str(name).lower() != "content-type"
    ]  # OpenAPI: a Content-Type header definition is ignored
    return Response(key, at, _content(node, at), tuple(h for h in compiled if h is not None))


def _content(owner: dict[str, Any], at: str) -> dict[str, MediaType] | None:
    """The `content` mapping by media type, each with its schema's pointer (None when it has none)."""
    content = owner.get("content")
    if not isinstance(content, dict):
        return None
    return {str(name): _media_type(str(name), node, at) for name, node in content.items()}


def _media_type(name: str, node: Any, at: str) -> MediaType:
    if not isinstance(node, dict):
        return MediaType(name, None, {})
    has_schema = "schema" in node
    return MediaType(
        name, pointer.join(at, "content", name, "schema") if has_schema else None, node
    )


def _header(spec: Spec, name: str, raw: Any, documented_at: str) -> ResponseHeader | None:
    header, at, _ = _follow(spec, raw, documented_at)
    if not isinstance(header, dict):
        return None
    schema = header.get("schema")
    parameter = None
    if isinstance(schema, dict):
        kind, item_kind = _kinds(spec, schema)
        parameter = Parameter(
            name, "header", False, pointer.join(at, "schema"), kind, item_kind, False
        )
    return ResponseHeader(name, header.get("required") is True, at, documented_at, parameter)


def _parameters(spec: Spec, operation: Operation) -> list[Parameter]:
    """Path-item parameters overridden by the operation's own, by (name, in)."""
    by_key: dict[tuple[str, str], Parameter] = {}
    path_item_at = operation.pointer.rsplit("/", 1)[0]
    for owner, at in ((operation.path_item, path_item_at), (operation.node, operation.pointer)):
        for index, raw in enumerate(owner.get("parameters") or []):
            parameter = _parameter(spec, raw, pointer.join(at, "parameters", index))
            if parameter is not None:
                by_key[(parameter.name, parameter.location)] = parameter
    return list(by_key.values())


def _parameter(spec: Spec, raw: Any, at: str) -> Parameter | None:
    node, at, _ = _follow(spec, raw, at)
    if not _is_parameter(node):
        return None
    location, schema = node["in"], node.get("schema")
    kind, item_kind = _kinds(spec, schema) if isinstance(schema, dict) else (None, None)
    explode = (
        node.get("explode", node.get("style", "form") == "form") if location == "query" else False
    )
    return Parameter(
        node["name"],
        location,
        location == "path" or node.get("required") is True,
        pointer.join(at, "schema") if isinstance(schema, dict) else None,
        kind,
        item_kind,
        bool(explode),
    )


def _is_parameter(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and node.get("in") in _LOCATIONS
        and isinstance(node.get("name"), str)
    )


def _kinds(spec: Spec, schema: Any) -> tuple[str | None, str | None]:
    resolved, _, _ = _follow(spec, schema, "")
    if not isinstance(resolved, dict):
        return None, None
    kind = _first_type(resolved.get("type"))
    items = _follow(spec, resolved.get("items"), "")[0] if kind == "array" else None
    return kind, _first_type(items.get("type")) if isinstance(items, dict) else None


def _first_type(kind: Any) -> str | None:
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None
