"""`multipart/form-data` bodies read the way OpenAPI describes them, so that they are validated like
JSON and form bodies: the mock answers a request missing a required `file` part with a 400, and the
proxy and `contract verify` report it.

python-multipart (the parser Starlette and Connexion use) splits the parts; each part is a property.
Text parts take the schema's types as form values do (`forms.coerce`); a part whose property is an
object is read as JSON (OpenAPI's default content type for object parts); a repeated part makes an
array; a file part's bytes stand as a string, which is what `type: string, format: binary` describes.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import orjson
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field, File, create_form_parser

from contract_core.errors import UnreadableBody
from contract_core.forms import coerce, read_form, with_absent_containers
from contract_core.media import is_form, is_json, is_multipart
from contract_core.spec import Spec

# bodies are capped at --max-body before this
_IN_MEMORY = {"MAX_MEMORY_FILE_SIZE": 16 * 1024 * 1024}


def read_request_data(spec: Spec, raw: bytes, content_type: str, schema_pointer: str | None) -> Any:
    """A JSON, urlencoded or multipart request body as data (a form with its schema's types); None for
    another media type, or a form without a schema. Raises orjson.JSONDecodeError or UnreadableBody."""
    if is_json(content_type):
        return orjson.loads(raw)
    if schema_pointer is not None and (is_form(content_type) or is_multipart(content_type)):
        return read_form_body(spec, raw, content_type, schema_pointer)
    return None


def read_form_body(spec: Spec, raw: bytes, content_type: str, schema_pointer: str) -> Any:
    """A urlencoded or multipart body as typed data, for the schema at `schema_pointer` (a media type's
    `schema`, whose sibling `encoding` says how fields are packed); UnreadableBody when it cannot be read."""
    schema = spec.resolve(schema_pointer)
    if is_multipart(content_type):
        return parse_multipart(spec, raw, content_type, schema)
    media_object = spec.resolve(schema_pointer.rsplit("/", 1)[0])
    return read_form(
        spec, raw, schema, media_object.get("encoding") if isinstance(media_object, dict) else None
    )


def parse_multipart(spec: Spec, raw: bytes, content_type: str, schema: Any) -> dict[str, Any]:
    """The parts of a multipart body as a typed object; UnreadableBody when it cannot be read."""
    parts: dict[str, Any] = {}
    try:
        parser = create_form_parser(
            {"Content-Type": content_type.encode("latin-1")},
            lambda field: _add(parts, field),
            lambda file: _add(parts, file),
            _IN_MEMORY,
        )
        parser.write(raw)
        parser.finalize()
    except (FormParserError, ValueError) as exc:
        raise UnreadableBody("multipart", str(exc)) from None
    return with_absent_containers(
        spec, _json_parts(spec, coerce(spec, parts, schema), schema), schema, ("array",)
    )


def _add(parts: dict[str, Any], part: Field | File) -> None:
    name = (part.field_name or b"").decode("utf-8", "replace")
    value: Any = (
        _file_text(part)
        if isinstance(part, File)
        else (part.value or b"").decode("utf-8", "replace")
    )
    if isinstance(part, Field) and is_json(part.content_type):
        with contextlib.suppress(ValueError):  # a part that says it is JSON is data (else: text)
            value = json.loads(value)
    previous = parts.get(name)
    if previous is None:
        parts[name] = value
    else:  # a repeated part: an array, as OpenAPI serialises them
        parts[name] = [*(previous if isinstance(previous, list) else [previous]), value]


def _file_text(part: File) -> str:
    stream = part.file_object
    stream.seek(0)
    return stream.read().decode("latin-1")  # any bytes, one character each: a binary string


def _json_parts(spec: Spec, parts: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Object-typed parts, sent as `application/json` by default, parsed."""
    resolved, _ = spec.deref(schema)
    properties = resolved.get("properties") if isinstance(resolved, dict) else None
    if not isinstance(properties, dict):
        return parts
    typed = dict(parts)
    for name, value in parts.items():
        prop, _ = spec.deref(properties.get(name))
        if (
            isinstance(value, str)
            and isinstance(prop, dict)
            and (prop.get("type") == "object" or "properties" in prop)
        ):
            # left as text: validation says it is not an object
            with contextlib.suppress(ValueError):
                typed[name] = json.loads(value)
    return typed
