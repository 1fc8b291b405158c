"""What the message-level checks need to know about each operation, worked out once at start-up.

`exchange_request.MessageChecks` asks these plans on every exchange the proxy sees: the parameters
with their types, the path's route, the request body object, and per documented response its content
and headers, every `$ref` already followed. The only work left per exchange is the lookups that
depend on it (which response key a status falls under, cached per status; which media type matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_core import pointer
from contract_core.errors import UnresolvableReference
from contract_core.paths import Route
from contract_core.spec import Operation, Spec, response_key

_LOCATIONS = ("path", "query", "header", "cookie")


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
class HeaderPlan:
    name: str
    required: bool
    at: str  # the header object (after its $ref)
    documented_at: str  # where the response names it
    parameter: Parameter | None  # how to read and validate the value; None: no schema


@dataclass(frozen=True)
class ResponsePlan:
    at: str
    content: dict[str, Any] | None
    headers: tuple[HeaderPlan, ...]


@dataclass
class MessagePlan:
    operation: Operation
    parameters: tuple[Parameter, ...]
    route: Route | None
    body: Any  # the requestBody object, $ref followed
    body_at: str
    # by `responses` key; None: the operation documents none
    responses: dict[str, ResponsePlan] | None
    responses_at: str
    _keys: dict[int, str | None] = field(default_factory=dict)

    def response_key(self, status: int) -> str | None:
        """The documented key for a status (cached: a few distinct statuses per operation)."""
        if status in self._keys:
            return self._keys[status]
        key = response_key(self.responses or {}, status)
        # bounded: no status from the wire grows the cache past 500 entries
        if 100 <= status <= 599:
            self._keys[status] = key
        return key

    def response(self, status: int) -> ResponsePlan | None:
        key = self.response_key(status) if self.responses is not None else None
        return None if key is None or self.responses is None else self.responses.get(key)

    def body_content(self) -> dict[str, Any] | None:
        content = self.body.get("content") if isinstance(self.body, dict) else None
        return content if isinstance(content, dict) else None


def operation_plan(spec: Spec, operation: Operation, route: Route | None) -> MessagePlan:
    body_at = pointer.join(operation.pointer, "requestBody")
    body, body_ref = _deref(spec, operation.node.get("requestBody"), body_at)
    responses = operation.node.get("responses")
    responses_at = pointer.join(operation.pointer, "responses")
    planned = (
        {
            str(key): _response_plan(spec, raw, pointer.join(responses_at, key))
            for key, raw in responses.items()
        }
        if isinstance(responses, dict)
        else None
    )
    return MessagePlan(
        operation,
        tuple(_parameters(spec, operation)),
        route,
        body,
        body_ref or body_at,
        planned,
        responses_at,
    )


def _response_plan(spec: Spec, raw: Any, at: str) -> ResponsePlan:
    node, ref = _deref(spec, raw, at)
    at = ref or at
    content = node.get("content") if isinstance(node, dict) else None
    headers = node.get("headers") if isinstance(node, dict) else None
    planned = [
        _header_plan(spec, name, raw_header, pointer.join(at, "headers", name))
        for name, raw_header in (headers.items() if isinstance(headers, dict) else ())
        # OpenAPI: a Content-Type header definition is ignored
        if str(name).lower() != "content-type"
    ]
    return ResponsePlan(
        at,
        content if isinstance(content, dict) else None,
        tuple(plan for plan in planned if plan is not None),
    )


def _header_plan(spec: Spec, name: str, raw: Any, at: str) -> HeaderPlan | None:
    header, ref = _deref(spec, raw, at)
    if not isinstance(header, dict):
        return None
    where = ref or at
    schema = header.get("schema")
    parameter = None
    if isinstance(schema, dict):
        kind, item_kind = _kinds(spec, schema)
        parameter = Parameter(
            name, "header", False, pointer.join(where, "schema"), kind, item_kind, False
        )
    return HeaderPlan(name, header.get("required") is True, where, at, parameter)


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
    node, ref = _deref(spec, raw, at)
    if (
        not isinstance(node, dict)
        or node.get("in") not in _LOCATIONS
        or not isinstance(node.get("name"), str)
    ):
        return None
    where, location = ref or at, node["in"]
    schema = node.get("schema")
    kind, item_kind = _kinds(spec, schema) if isinstance(schema, dict) else (None, None)
    explode = (
        node.get("explode", node.get("style", "form") == "form") if location == "query" else False
    )
    return Parameter(
        node["name"],
        location,
        location == "path" or node.get("required") is True,
        pointer.join(where, "schema") if isinstance(schema, dict) else None,
        kind,
        item_kind,
        bool(explode),
    )


def _kinds(spec: Spec, schema: Any) -> tuple[str | None, str | None]:
    resolved, _ = _deref(spec, schema, "")
    if not isinstance(resolved, dict):
        return None, None
    kind = _first_type(resolved.get("type"))
    items, _ = _deref(spec, resolved.get("items"), "") if kind == "array" else (None, None)
    return kind, _first_type(items.get("type")) if isinstance(items, dict) else None


def _first_type(kind: Any) -> str | None:
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _deref(spec: Spec, node: Any, at: str) -> tuple[Any, str | None]:
    """A `$ref` that leads nowhere plans as nothing documented (the linter reports it), not a crash at start-up."""
    try:
        return spec.deref(node, at)
    except UnresolvableReference:
        return None, None
