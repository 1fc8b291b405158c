"""Make a created resource reflect the request: what the client sent comes back at the same place.

Generic: a request field is copied to the same JSON path of the response wherever the response
schema has that path and the value is valid there (`account.id`, `modules[].id`, `name`, …).
"""

from __future__ import annotations

import copy
from typing import Any

from contract_core.spec import Spec

_MAX_DEPTH = 16


def reflect(spec: Spec, sent: Any, body: Any, schema: Any, depth: int = 0) -> Any:
    """`body` with the values of `sent` written in where `schema` has room for them (a new object)."""
    resolved = _resolved_object_schema(spec, schema)
    if depth > _MAX_DEPTH or resolved is None:
        return body
    if isinstance(sent, dict) and isinstance(body, dict | None):
        return _reflect_object(spec, sent, body or {}, resolved, depth)
    if isinstance(sent, list) and isinstance(body, list | None) and isinstance(resolved.get("items"), dict):
        return _reflect_list(spec, sent, body or [], resolved["items"], depth)
    if isinstance(sent, str | int | float | bool) and not isinstance(sent, dict | list):
        return sent if _scalar_fits(sent, resolved) else body
    return body


def _reflect_object(spec: Spec, sent: dict[str, Any], body: dict[str, Any], schema: dict[str, Any],
                    depth: int) -> dict[str, Any]:
    properties = _properties(spec, schema)
    result = dict(body)
    for name, value in sent.items():
        if name not in properties:
            continue
        reflected = reflect(spec, value, result.get(name), properties[name], depth + 1)
        if reflected is not None:
            result[name] = reflected
            _unlist_omitted(result, name)
    return result


def _reflect_list(spec: Spec, sent: list[Any], body: list[Any], items: Any, depth: int) -> list[Any]:
    template = body[0] if body else None
    result = []
    for index, value in enumerate(sent):
        base = body[index] if index < len(body) else copy.deepcopy(template)
        result.append(reflect(spec, value, base, items, depth + 1))
    return result


def _unlist_omitted(result: dict[str, Any], name: str) -> None:
    meta = result.get("$meta")
    if isinstance(meta, dict) and isinstance(meta.get("omitted"), list) and name in meta["omitted"]:
        result["$meta"] = {**meta, "omitted": [n for n in meta["omitted"] if n != name]}


def _resolved_object_schema(spec: Spec, schema: Any) -> dict[str, Any] | None:
    resolved, _ = spec.deref(schema)
    return resolved if isinstance(resolved, dict) else None


def _properties(spec: Spec, schema: dict[str, Any]) -> dict[str, Any]:
    """Properties of a schema, looking through `allOf` members."""
    found = dict(schema.get("properties") or {})
    for member in schema.get("allOf") or []:
        resolved = _resolved_object_schema(spec, member)
        if resolved:
            found.update(_properties(spec, resolved))
    return found


def _scalar_fits(value: Any, schema: dict[str, Any]) -> bool:
    """A cheap pre-check; the whole response is validated after reflection anyway."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if "enum" in schema and value not in schema["enum"]:
        return False
    python = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
    return not kinds or any(isinstance(value, python[k]) for k in kinds if k in python)
