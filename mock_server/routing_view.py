"""The document Connexion routes with: a skeleton of the spec, in OpenAPI 3.0.3.

Connexion 3.3 validates every document against the 3.0 meta-schema (3.1 is refused) and inlines
every `$ref` before it serves; it needs neither for what it does here (routing, parameter
validation, media-type checks). So it gets each operation's id, parameters (schemas resolved and
written in 3.0 terms) and request media types, and nothing else: bodies are validated by
MockMiddleware against the real spec, responses come from the fixture engine, security is
enforced by the responder, and Swagger UI reads the untouched document from /openapi.json.
"""

from __future__ import annotations

from typing import Any

from contract_core.spec import Spec

_PARAMETER_FIELDS = (
    "name",
    "in",
    "required",
    "style",
    "explode",
    "allowReserved",
    "allowEmptyValue",
)
_SCHEMA_30_SIMPLE = frozenset(
    {
        "multipleOf",
        "maximum",
        "minimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "enum",
        "format",
    }
)
_MAX_DEPTH = 8


def routing_view(spec: Spec) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for op in spec.operations:
        paths.setdefault(op.path, {})[op.method] = _operation(spec, op)
    return {"openapi": "3.0.3", "info": {"title": "routing view", "version": "1"}, "paths": paths}


def _operation(spec: Spec, op: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "operationId": op.operation_id,
        "responses": {"default": {"description": "mock"}},
    }
    parameters = _parameters(spec, op)
    if parameters:
        node["parameters"] = parameters
    body, _ = spec.deref(op.node.get("requestBody"))
    if isinstance(body, dict) and isinstance(body.get("content"), dict) and body["content"]:
        node["requestBody"] = {
            "required": bool(body.get("required")),
            "content": {media: {"schema": {}} for media in body["content"]},
        }
    return node


def _parameters(spec: Spec, op: Any) -> list[dict[str, Any]]:
    """Path-level then operation-level parameters, the latter winning on (name, in)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(op.path_item.get("parameters") or []), *(op.node.get("parameters") or [])]:
        parameter, _ = spec.deref(raw)
        if not isinstance(parameter, dict) or "name" not in parameter or "in" not in parameter:
            continue
        converted = {k: parameter[k] for k in _PARAMETER_FIELDS if k in parameter}
        if parameter["in"] == "path":
            converted["required"] = True
        schema = parameter.get("schema")
        if schema is None and isinstance(parameter.get("content"), dict) and parameter["content"]:
            schema = next(iter(parameter["content"].values())).get("schema")
        converted["schema"] = (
            _schema_30(spec, schema, spec.version, 0) if schema is not None else {}
        )
        merged[(parameter["name"], parameter["in"])] = converted
    return list(merged.values())


def _schema_30(spec: Spec, schema: Any, version: str, depth: int) -> dict[str, Any]:
    """The simple constraints of a parameter schema, references resolved, in 3.0 terms.

    Parameters are scalars or flat arrays/objects; combinators (`allOf`/`oneOf`/…) are dropped
    rather than translated, so that no parameter can make Connexion refuse the document. Less
    validation of exotic parameters, never a mock that does not start.
    """
    resolved, _ = spec.deref(schema) if isinstance(schema, dict) else (schema, None)
    if not isinstance(resolved, dict) or depth > _MAX_DEPTH:
        return {}
    out: dict[str, Any] = {k: v for k, v in resolved.items() if k in _SCHEMA_30_SIMPLE}
    if isinstance(out.get("enum"), list) and not out["enum"]:
        del out["enum"]
    if isinstance(resolved.get("items"), dict):
        out["items"] = _schema_30(spec, resolved["items"], version, depth + 1)
    if isinstance(resolved.get("properties"), dict):
        out["properties"] = {
            n: _schema_30(spec, sub, version, depth + 1)
            for n, sub in resolved["properties"].items()
        }
    _bounds_30(resolved, out)
    _type_30(resolved, out)
    if "const" in resolved:
        out["enum"] = [resolved["const"]]
    if out.get("type") not in (None, "array") and "items" in out:
        del out["items"]
    return out


def _bounds_30(source: dict[str, Any], out: dict[str, Any]) -> None:
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = source.get(exclusive)
        if isinstance(value, bool):
            out[exclusive] = value
        elif isinstance(value, (int, float)):  # 3.1: the bound itself
            out[bound], out[exclusive] = value, True


def _type_30(source: dict[str, Any], out: dict[str, Any]) -> None:
    kind = source.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) == 1:
            out["type"] = kinds[0]
        if "null" in kind:
            out["nullable"] = True
    elif isinstance(kind, str) and kind != "null":
        out["type"] = kind
