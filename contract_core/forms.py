"""`application/x-www-form-urlencoded` bodies read the way OpenAPI describes them.

Keys in bracket form (`card[address][city]=…`, `expand[]=a`, `items[0][price]=…`, the `deepObject`
style many form APIs use) become nested objects and lists; values, which a form only carries as
text, take the type the schema gives them (`amount=100` is the integer 100). A property's
`encoding` (`style`/`explode`, `contentType: application/json`) is honoured for top-level fields.
The mock validates and reflects the result like a JSON body; the proxy and `contract verify`
validate it the same way.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from contract_core.errors import UnreadableBody
from contract_core.instance_paths import schemas_at
from contract_core.media import is_json
from contract_core.spec import Spec

_MAX_DEPTH = 32
_MAX_DIGITS = 4000  # below sys.get_int_max_str_digits()
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def read_form(spec: Spec, raw: bytes, schema: Any, encoding: Any = None) -> Any:
    """An `application/x-www-form-urlencoded` body as the typed object `schema` describes (`encoding`:
    the media type's per-property encoding object); UnreadableBody for bytes that are not UTF-8."""
    try:
        fields = parse_form(raw)
    except UnicodeDecodeError:
        raise UnreadableBody("application/x-www-form-urlencoded", "not UTF-8 text") from None
    resolved, _ = spec.deref(schema)
    return with_absent_containers(
        spec, coerce(spec, encoded(spec, fields, resolved, encoding), resolved), resolved
    )


def parse_form(raw: bytes) -> dict[str, Any]:
    """Nested dicts/lists of strings; raises UnicodeDecodeError for bytes that are not UTF-8."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False):
        tokens = _key_tokens(key)
        if tokens:
            _insert(result, tokens, value)
    # The body itself is always an object: field names that are all digits (`0=a&1=b`, or nameless
    # fields `=a&=b`) are properties, not a list.
    return {name: _lists_from_numbered(value) for name, value in result.items()}


def encoded(spec: Spec, fields: dict[str, Any], schema: Any, encoding: Any) -> dict[str, Any]:
    """Top-level fields read by their `encoding`: a JSON `contentType` parsed; an array not exploded
    (`ids=a,b`, or `a b`/`a|b` for spaceDelimited/pipeDelimited) split."""
    if not isinstance(encoding, dict) or not isinstance(schema, dict):
        return fields
    properties = declared if isinstance(declared := schema.get("properties"), dict) else {}
    decoded = dict(fields)
    for name, rule in encoding.items():
        value = fields.get(name)
        if not isinstance(rule, dict) or not isinstance(value, str):
            continue
        if is_json(rule.get("contentType")):
            with contextlib.suppress(ValueError):  # not JSON: left as text, validation says why
                decoded[name] = json.loads(value)
        elif _is_packed_array(spec, properties.get(name), rule):
            decoded[name] = value.split(_DELIMITERS.get(rule.get("style", "form"), ","))
    return decoded


def _is_packed_array(spec: Spec, schema: Any, rule: dict[str, Any]) -> bool:
    style = rule.get("style", "form")
    resolved, _ = spec.deref(schema)
    # OpenAPI: explode defaults to true for `form` only
    explode = rule.get("explode", style == "form")
    return (
        style in _DELIMITERS
        and explode is False
        and isinstance(resolved, dict)
        and "array" in _kinds(resolved)
    )


def _key_tokens(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    return [head, *re.findall(r"\[([^\]]*)\]", "[" + rest)] if rest else [head]


def _insert(node: dict[str, Any], tokens: list[str], value: str) -> None:
    for depth, token in enumerate(tokens[:-1]):
        if depth > _MAX_DEPTH:
            return
        if token == "":
            token = str(len(node))
        child = node.get(token)
        if not isinstance(child, dict):
            child = node[token] = {}
        node = child
    last = tokens[-1] or str(len(node))
    previous = node.get(last)
    # `expand=a&expand=b`: form style, exploded array
    if isinstance(previous, str | list) and tokens[-1]:
        node[last] = [*(previous if isinstance(previous, list) else [previous]), value]
    else:
        node[last] = value


def _lists_from_numbered(node: Any) -> Any:
    """`{"0": a, "1": b}` (from `x[]=a&x[]=b` or `x[0]=a`) -> `[a, b]`."""
    if not isinstance(node, dict):
        return node
    converted = {k: _lists_from_numbered(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def coerce(spec: Spec, value: Any, schema: Any, depth: int = 0) -> Any:
    """`value` (from a form) with strings turned into the types `schema` asks for."""
    resolved, _ = spec.deref(schema)
    if not isinstance(resolved, dict) or depth > _MAX_DEPTH:
        return value
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in resolved.get(keyword) or []:
            coerced = coerce(spec, value, branch, depth + 1)
            if coerced is not value and coerced != value:
                return coerced
    kinds = _kinds(resolved)
    if isinstance(value, dict):
        if "array" in kinds and all(k.isdigit() for k in value):
            value = [value[k] for k in sorted(value, key=int)]
        else:
            properties = resolved.get("properties") or {}
            extra = resolved.get("additionalProperties")
            return {
                k: coerce(
                    spec, v, properties.get(k, extra if isinstance(extra, dict) else {}), depth + 1
                )
                for k, v in value.items()
            }
    if isinstance(value, list):
        items = resolved.get("items", {})
        return [coerce(spec, v, items, depth + 1) for v in value]
    if isinstance(value, str):
        return _scalar(value, kinds, resolved)
    return value


def with_absent_containers(
    spec: Spec,
    value: Any,
    schema: Any,
    kinds: tuple[str, ...] = ("array", "object"),
    depth: int = 0,
) -> Any:
    """A required array (or object) property absent from a form body is an empty one.

    A form carries an array as one field per item and an object as one field per member (OpenAPI
    styles `form` and `deepObject`, exploded), so `[]` and `{}` are no field at all: absence is how
    they look on the wire. Multipart carries arrays the same way (one part per item) but an object
    as one JSON part, so there only arrays (`kinds=("array",)`).
    """
    resolved, _ = spec.deref(schema)
    if not isinstance(value, dict) or not isinstance(resolved, dict) or depth > _MAX_DEPTH:
        return value
    filled = dict(value)
    # objects inside: `shipping[name]=` sent, `shipping.address` empty
    for name, member in value.items():
        if isinstance(member, dict) and "object" in kinds:
            inner = next(
                (s for s in schemas_at(spec, resolved, [name]) if "object" in _kinds(s)), None
            )
            filled[name] = (
                with_absent_containers(spec, member, inner, kinds, depth + 1) if inner else member
            )
    for name in resolved.get("required") or []:
        documented = {
            kind for found in schemas_at(spec, resolved, [name]) for kind in _kinds(found)
        }
        kind = next((k for k in kinds if k in documented), None)
        if name not in filled and kind is not None:
            filled[name] = [] if kind == "array" else {}
    return filled


def _takes_the_word(kinds: list[str], schema: dict[str, Any]) -> bool:
    strings = "string" in kinds or not kinds
    return strings and (not isinstance(schema.get("enum"), list) or "null" in schema["enum"])


def _kinds(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    return kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []


def _scalar(text: str, kinds: list[str], schema: dict[str, Any]) -> Any:
    if (
        text == "null"
        and ("null" in kinds or schema.get("nullable") is True)
        and not _takes_the_word(kinds, schema)
    ):
        # forms have no null; where the schema takes no string "null", the word can only mean it
        return None
    if "string" in kinds or not kinds:
        return text
    # longer: Python refuses to convert it; the schema check says why
    numeric = len(text) <= _MAX_DIGITS
    if numeric and "integer" in kinds and _INTEGER.fullmatch(text):
        return int(text)
    if numeric and "number" in kinds and _NUMBER.fullmatch(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    if "array" in kinds:
        return [_scalar(text, _kinds(schema.get("items") or {}), schema.get("items") or {})]
    return text
