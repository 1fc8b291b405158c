"""What the spec documents for a response, asked through the core's compiled view (`contract_core.contract`).

The checks need three answers: which schema a response must match (status code, then `2XX`, then
`default`; exact media type, then a `type/*` range, then `*/*`), whether a JSON path exists in a
response schema, and which fields the spec marks as secret. The view has followed every `$ref`;
nothing is inlined.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from contract_core.contract import CompiledOperation, Contract, MediaType, raise_unresolved
from contract_core.errors import UnreadableBody
from contract_core.instance_paths import could_be, schemas_at
from contract_core.media import base_type, documented_range
from contract_core.multipart import read_request_data
from contract_core.secrets import is_secret_field
from contract_core.spec import Spec
from contract_core.validation import SchemaValidator


@dataclass(frozen=True)
class ResponseSchema:
    pointer: str  # where the schema stands in the spec, for the validator and the report
    media_type: str


class DocumentedResponses:
    """One spec's response documentation, with a response validator that enforces formats."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.contract = Contract.of(spec)
        # The proxy asks these on every exchange, with the same few arguments: each answer is worked
        # out once. Per instance, so a reloaded spec's answers go with its old `DocumentedResponses`.
        self.request_schema = lru_cache(maxsize=4096)(self._request_schema)
        self.response_schema = lru_cache(maxsize=4096)(self._response_schema)
        self._schemas_at = lru_cache(maxsize=8192)(self._find_schemas_at)

    def operation(self, method: str, path: str) -> CompiledOperation | None:
        """The operation at a documented path template (a dict lookup: the proxy asks on every exchange)."""
        return self.contract.by_label(f"{method} {path}")

    @property
    def validator(self) -> SchemaValidator:
        return self.contract.validator("response")

    @property
    def request_validator(self) -> SchemaValidator:
        return self.contract.validator("request")

    def request_data(
        self, method: str, path: str, body: bytes | None, content_type: str | None
    ) -> Any:
        """The request body as data, read once for every check (JSON, or a form read with its
        schema's types); None when there is none or it does not read (`request_body` says why)."""
        if not body or not content_type:
            return None
        try:
            schema = self.request_schema(method, path, content_type)
            return read_request_data(self.spec, body, content_type, schema)
        except (orjson.JSONDecodeError, UnreadableBody):
            return None

    def _request_schema(self, method: str, path: str, content_type: str | None) -> str | None:
        """The pointer of the documented request body schema for this media type, or None."""
        operation = self.operation(method, path)
        body = operation.body if operation is not None else None
        if body is None:
            return None
        raise_unresolved(body)
        found = documented_media(body.content, content_type)
        return found.schema_pointer if found is not None else None

    @property
    def secret_fields(self) -> frozenset[str]:
        """Property names the spec marks secret (`format: password`, `x-secret: true`) plus the usual names."""
        return self.contract.secret_fields

    def is_secret(self, name: str) -> bool:
        return name in self.secret_fields or is_secret_field(name)

    def _response_schema(
        self, method: str, path: str, status: int, content_type: str | None
    ) -> ResponseSchema | None:
        """The schema documented for this answer, or None when the spec documents none (other checks report that)."""
        operation = self.operation(method, path)
        response = operation.response(status) if operation is not None else None
        if response is None:
            return None
        raise_unresolved(response)
        found = documented_media(response.content, content_type)
        if found is None or found.schema_pointer is None:
            return None
        return ResponseSchema(found.schema_pointer, found.name)

    def accepts_at(self, schema_pointer: str, tokens: list[str | int], value: Any) -> bool:
        """Whether a schema documents a value at `tokens` that `value` could be (type and enum): the same
        answer the mock's reflection uses (`contract_core.instance_paths`).

        A create that sent `card=""` (an id form of an expandable field) is not expected to echo it
        where the response documents an object.
        """
        found = self._schemas_at(
            schema_pointer, tuple(0 if isinstance(t, int) else t for t in tokens)
        )
        return any(could_be(value, schema) for schema in found)

    def _find_schemas_at(
        self, schema_pointer: str, tokens: tuple[str | int, ...]
    ) -> tuple[dict[str, Any], ...]:
        """The schemas at a path (array positions as 0: every item has the same schema) of `documents`."""
        return tuple(schemas_at(self.spec, self.spec.resolve(schema_pointer), tokens))


def documented_media(
    content: dict[str, MediaType] | None, content_type: str | None
) -> MediaType | None:
    """The documented media type a sent `Content-Type` falls under (its own, its range, `*/*`), or None."""
    media = media_key(content, content_type)
    return None if media is None or content is None else content[media]


def media_key(content: Any, content_type: str | None) -> str | None:
    if not isinstance(content, dict) or not content_type:
        return None
    keys = {base_type(key): key for key in content}
    documented = documented_range(keys, base_type(content_type))
    return keys[documented] if documented is not None else None
