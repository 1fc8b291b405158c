"""The message-level checks of the exchange checker: the request, and the response's status, media type, headers.

In `contract conform` Schemathesis checks these itself (it generated the request, and its
status/content-type/header checks run beside ours); the proxy and `contract verify` observe traffic
nobody generated, so they register these with the one `ExchangeChecker` through `full_checker`.

Parameters are deserialised here for the common styles (path `simple`, query `form` exploded or not,
headers, cookies) and validated with the core's compiled jsonschema-rs validators. openapi-core would
deserialise every style, but it validates with the pure-Python jsonschema (~100 ms per large body in
NOTES-stack) and builds its own view of the spec; the proxy has a budget of about a millisecond.

Request bodies are read as data in JSON, `application/x-www-form-urlencoded` and `multipart/form-data`
(the core's `forms`/`multipart`, the same reading as the mock's: fields typed by the schema, the
media type's `encoding` honoured) and validated with the same compiled validators. `request_security`
lives in `request_security.py` and is registered here too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

import orjson

from conformance.checker.documented_responses import DocumentedResponses, media_key
from conformance.checker.exchange import CHECK_NAMES, CheckViolation, Exchange, ExchangeChecker
from conformance.checker.request_security import SecurityChecks
from contract_core import pointer
from contract_core.contract import CompiledOperation, Parameter
from contract_core.errors import UnreadableBody
from contract_core.media import base_type, is_form, is_json, is_multipart
from contract_core.multipart import read_request_data
from contract_core.paths import Route
from contract_core.security import request_cookies

REQUEST_CHECKS = ("request_security", "request_parameters", "request_media_type", "request_body")
RESPONSE_CHECKS = ("status_code_documented", "content_type_documented", "response_headers")
ALL_CHECKS = (*REQUEST_CHECKS, *RESPONSE_CHECKS, *CHECK_NAMES)
_SCALARS = {"integer": int, "number": float, "boolean": None}


def full_checker(documented: DocumentedResponses, remember: int = 100_000) -> ExchangeChecker:
    """The one exchange checker with the message-level checks registered beside the kit's checks."""
    checker = ExchangeChecker(documented, remember)
    checker.by_name.update(MessageChecks(documented).by_name)
    checker.by_name.update(SecurityChecks(documented.spec).by_name)
    return checker


class MessageChecks:
    """Request and response-envelope checks over one spec; they read the core's compiled view
    (`contract_core.contract`), so an exchange costs lookups and validation only."""

    def __init__(self, documented: DocumentedResponses) -> None:
        self.documented = documented
        self.spec = documented.spec
        self.contract = documented.contract
        operations = self.contract.operations
        documented.request_validator.prepare(
            [p.schema_pointer for op in operations for p in op.parameters if p.schema_pointer]
        )
        # JSON ones: the judge's start-up
        documented.request_validator.prepare(self._form_body_schemas())
        documented.validator.prepare(
            [
                h.parameter.schema_pointer
                for op in operations
                for response in (op.responses or {}).values()
                for h in response.headers
                if h.parameter and h.parameter.schema_pointer
            ]
        )
        self.by_name = {
            "request_parameters": self.request_parameters,
            "request_media_type": self.request_media_type,
            "request_body": self.request_body,
            "status_code_documented": self.status_code_documented,
            "content_type_documented": self.content_type_documented,
            "response_headers": self.response_headers,
        }

    def _operation(self, exchange: Exchange) -> CompiledOperation | None:
        return self.contract.by_label(exchange.operation)

    # -- request --------------------------------------------------------------------------------

    def request_parameters(self, exchange: Exchange) -> list[CheckViolation]:
        """Required parameters are present; present ones match their schema (every error, located)."""
        op = self._operation(exchange)
        if op is None or not op.parameters:
            return []
        values = _raw_values(exchange, op.route)
        found: list[CheckViolation] = []
        for parameter in op.parameters:
            if parameter.location == "path" and not exchange.url_path:
                continue  # the observer gave no concrete path: path parameters cannot be judged
            raw = values[parameter.location].get(_key(parameter))
            if raw is None:
                if parameter.required:
                    found.append(_missing_parameter(parameter))
                continue
            if parameter.schema_pointer:
                found += self._parameter_violations(parameter, raw)
        return found

    def _parameter_violations(self, parameter: Parameter, raw: list[str]) -> list[CheckViolation]:
        value = _deserialise(parameter, raw)
        at = f"/{parameter.location}/{pointer.escape(parameter.name)}"
        return [
            CheckViolation(
                check="request_parameters",
                title=f"Invalid {parameter.location} parameter `{parameter.name}`",
                received=f"{violation.message}",
                documented=violation.schema_pointer,
                instance_pointer=at + violation.instance_pointer,
                schema_pointer=violation.schema_pointer,
                side="request",
            )
            for violation in self.documented.request_validator.violations(
                value, parameter.schema_pointer or ""
            )
        ]

    def request_media_type(self, exchange: Exchange) -> list[CheckViolation]:
        """A body is sent in a documented media type; a required body is sent."""
        op = self._operation(exchange)
        body = op.body if op else None
        if body is None or body.content is None:
            return []
        sent = (
            bool(exchange.raw_request_body)
            or exchange.request_body is not None
            or exchange.request_body_unread
        )
        documented = ", ".join(body.content)
        if not sent:
            return (
                [
                    _request_violation(
                        "request_media_type",
                        "Required request body is missing",
                        "no body",
                        documented,
                        body.at,
                    )
                ]
                if body.required
                else []
            )
        if media_key(body.content, exchange.request_media_type) is None:
            return [
                _request_violation(
                    "request_media_type",
                    "Undocumented request media type",
                    exchange.request_media_type or "no Content-Type",
                    documented,
                    body.at,
                )
            ]
        return []

    def request_body(self, exchange: Exchange) -> list[CheckViolation]:
        """A JSON, form or multipart request body reads as data and matches its schema: every violation,
        with its pointer (form fields take the schema's types first, as the mock reads them)."""
        media = exchange.request_media_type
        schema = self.documented.request_schema(exchange.method, exchange.path, media)
        if (
            schema is None
            or not exchange.raw_request_body
            or not (is_json(media) or is_form(media) or is_multipart(media))
        ):
            return []
        # the observer's reading (the proxy's judge reads a body once for every check), else read here
        try:
            sent = (
                exchange.request_body
                if exchange.request_body is not None
                else read_request_data(self.spec, exchange.raw_request_body, media or "", schema)
            )
        except orjson.JSONDecodeError as exc:
            return [
                _request_violation(
                    "request_body",
                    "Request body is not valid JSON",
                    str(exc),
                    f"a JSON document matching {schema}",
                    schema,
                    instance_pointer="",
                )
            ]
        except UnreadableBody as exc:
            return [
                _request_violation(
                    "request_body",
                    "Request body cannot be read",
                    exc.detail,
                    f"a {exc.media_type} body matching {schema}",
                    schema,
                    instance_pointer="",
                )
            ]
        return [
            CheckViolation(
                check="request_body",
                title="Request body violates schema",
                received=f"{violation.message} at {violation.instance_pointer or '(the body)'}",
                documented=violation.schema_pointer,
                instance_pointer=violation.instance_pointer,
                schema_pointer=violation.schema_pointer,
                side="request",
            )
            for violation in self.documented.request_validator.violations(sent, schema)
        ]

    def _form_body_schemas(self) -> list[str]:
        return [
            media.schema_pointer
            for op in self.contract.operations
            for media in ((op.body.content or {}) if op.body else {}).values()
            if (is_form(media.name) or is_multipart(media.name)) and media.schema_pointer
        ]

    # -- response envelope ----------------------------------------------------------------------

    def status_code_documented(self, exchange: Exchange) -> list[CheckViolation]:
        op = self._operation(exchange)
        if op is None or op.responses is None or op.response_key(exchange.status) is not None:
            return []
        return [
            CheckViolation(
                check="status_code_documented",
                title="Undocumented status code",
                received=str(exchange.status),
                documented=", ".join(map(str, op.responses)) or "none",
                schema_pointer=op.responses_at,
            )
        ]

    def content_type_documented(self, exchange: Exchange) -> list[CheckViolation]:
        """A response with a body names a media type its documented response lists."""
        op = self._operation(exchange)
        response = op.response(exchange.status) if op else None
        has_body = bool(exchange.response_body) or exchange.response_body_unread
        if response is None or not response.content or not has_body:
            return []
        if media_key(response.content, exchange.response_content_type) is not None:
            return []
        return [
            CheckViolation(
                check="content_type_documented",
                title="Undocumented response media type",
                received=base_type(exchange.response_content_type) or "no Content-Type",
                documented=", ".join(response.content),
                schema_pointer=pointer.join(response.at, "content"),
            )
        ]

    def response_headers(self, exchange: Exchange) -> list[CheckViolation]:
        """Documented required headers are present, and present documented headers match their schema."""
        op = self._operation(exchange)
        response = op.response(exchange.status) if op else None
        found: list[CheckViolation] = []
        for header in response.headers if response else ():
            value = exchange.response_headers.get(header.name.lower())
            if value is None:
                if header.required:
                    found.append(
                        CheckViolation(
                            check="response_headers",
                            title=f"Missing required header `{header.name}`",
                            received="no such header",
                            documented=f"{header.name} ({header.documented_at})",
                            instance_pointer=f"/header/{pointer.escape(header.name)}",
                            schema_pointer=header.at,
                        )
                    )
                continue
            if header.parameter is not None:
                found += self._header_violations(header.parameter, value)
        return found

    def _header_violations(self, parameter: Parameter, value: str) -> list[CheckViolation]:
        return [
            CheckViolation(
                check="response_headers",
                title=f"Invalid header `{parameter.name}`",
                received=violation.message,
                documented=violation.schema_pointer,
                instance_pointer=f"/header/{pointer.escape(parameter.name)}",
                schema_pointer=violation.schema_pointer,
            )
            for violation in self.documented.validator.violations(
                _deserialise(parameter, [value]), parameter.schema_pointer or ""
            )
        ]


def _key(parameter: Parameter) -> str:
    return parameter.name.lower() if parameter.location == "header" else parameter.name


def _raw_values(exchange: Exchange, route: Route | None) -> dict[str, dict[str, list[str]]]:
    """Every parameter value the request carried, as text, by location (`url_path` is the path without
    its `servers` prefix, as the judge builds it)."""
    found = route.parameters(exchange.url_path) if route and exchange.url_path else {}
    path = {name: [unquote(value)] for name, value in found.items()}
    headers = {name: [value] for name, value in exchange.request_headers.items()}
    return {
        "path": path,
        "query": parse_qs(exchange.request_query, keep_blank_values=True),
        "header": headers,
        "cookie": {
            name: [value]
            for name, value in request_cookies(exchange.request_headers.get("cookie", "")).items()
        },
    }


def _deserialise(parameter: Parameter, raw: list[str]) -> Any:
    """Text -> the value the schema describes: `?limit=10` is 10, `?ids=a,b` (or `ids=a&ids=b`) a list."""
    if parameter.kind == "array":
        items = (
            raw if parameter.explode and len(raw) != 1 else [p for r in raw for p in r.split(",")]
        )
        return [_scalar(item, parameter.item_kind) for item in items]
    return _scalar(raw[-1], parameter.kind)


def _scalar(text: str, kind: str | None) -> Any:
    """Numbers and booleans that do not parse stay text, so the validator reports them with their type."""
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    convert = _SCALARS.get(kind or "")
    if convert is None:
        return text
    try:
        number = convert(text)
    except ValueError:
        return text
    return (
        int(number)
        if isinstance(number, float) and number.is_integer() and "." not in text
        else number
    )


def _missing_parameter(parameter: Parameter) -> CheckViolation:
    return CheckViolation(
        check="request_parameters",
        title=f"Missing required {parameter.location} parameter",
        received=f"no `{parameter.name}`",
        documented=f"`{parameter.name}` in {parameter.location}",
        instance_pointer=f"/{parameter.location}/{pointer.escape(parameter.name)}",
        schema_pointer=parameter.schema_pointer,
        side="request",
    )


def _request_violation(
    check: str,
    title: str,
    received: str,
    documented: str,
    at: str,
    instance_pointer: str | None = None,
) -> CheckViolation:
    return CheckViolation(
        check=check,
        title=title,
        received=received,
        documented=documented,
        instance_pointer=instance_pointer,
        schema_pointer=at,
        side="request",
    )
