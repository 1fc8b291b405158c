"""The one exchange checker: judges one request/response pair against the contract.

The kit's checks (`response_schema`, `created_resource_reflects_request`, `unique_per_creation`,
`meta_omitted_absent`) live here once, free of any test runner, because three observers feed them:
Schemathesis' run in `contract conform` (through the thin adapters in `checks.py`), a validating
proxy that sits in live traffic, and `contract verify` reading recorded traffic. Each observer turns
what it saw into an `Exchange`; the checker returns `CheckViolation`s and never raises for a finding.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import unquote

import orjson

from conformance.checker.documented_responses import DocumentedResponses
from contract_core import pointer
from contract_core.media import is_json as is_json_media_type
from contract_core.walk import iter_json_objects, linked_pointer

META = "$meta"
UNIQUE_FIELDS = ("id",)  # plus every secret field of the spec (the token)
CHECK_NAMES = (
    "response_schema",
    "created_resource_reflects_request",
    "unique_per_creation",
    "meta_omitted_absent",
)
_NOT_JSON = object()


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as any observer saw them. `path` is the documented template."""

    method: str
    path: str
    operation: str  # the label reports use: `POST /v1/accounts/api-tokens`
    status: int
    response_content_type: str | None
    response_body: bytes
    # the parsed request body (JSON or form fields); None when there was none
    request_body: Any = None
    request_media_type: str | None = None
    # the concrete path requested (`/pets/pet_7`): where a read-back names its resource
    url_path: str = ""
    # what the observer holds: a repeat check is not a repeat
    source: Any = field(default=None, compare=False)
    # What the request- and header-level checks (exchange_request.py) read; Schemathesis checks those itself.
    request_query: str = ""
    # names lower-case
    request_headers: Mapping[str, str] = field(default_factory=dict, compare=False)
    raw_request_body: bytes | None = None  # None: no body was sent (or it streamed past unread)
    # names lower-case
    response_headers: Mapping[str, str] = field(default_factory=dict, compare=False)
    # A body was sent that the observer did not hold (the proxy streamed it past, a record left it out):
    # the checks that need only the headers still judge the message; those that read the body cannot.
    request_body_unread: bool = False
    response_body_unread: bool = False

    @cached_property
    def response_json(self) -> Any:
        """The parsed response body, or `_NOT_JSON` (orjson: the proxy parses every response)."""
        try:
            return orjson.loads(self.response_body)
        except orjson.JSONDecodeError:
            return _NOT_JSON

    @property
    def is_creation(self) -> bool:
        return self.method.upper() == "POST" and 200 <= self.status < 300

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 300

    @property
    def has_json_response(self) -> bool:
        return is_json_media_type(self.response_content_type or "")


@dataclass(frozen=True)
class CheckViolation:
    """One way an exchange breaks the contract, located in the body and in the spec."""

    check: str
    title: str
    received: str
    documented: str
    instance_pointer: str | None = None
    schema_pointer: str | None = None
    severity: str = "high"  # critical | high | medium | low, as Schemathesis grades
    side: str = "response"  # which message broke it: request | response

    def as_dict(self) -> dict[str, Any]:
        return {
            "in": self.side,
            "check": self.check,
            "pointer": self.instance_pointer,
            "message": self.message,
        }

    @property
    def message(self) -> str:
        return f"{self.title}. Received: {self.received}. Documented: {self.documented}"


class ExchangeChecker:
    """The kit's checks over one spec. Thread-safe; remembers created ids for `unique_per_creation`."""

    def __init__(self, documented: DocumentedResponses, remember: int = 100_000) -> None:
        self.documented = documented
        self.ledger = CreationLedger(remember)
        self.resources = CreatedResources(remember)
        self.by_name: dict[str, Callable[[Exchange], list[CheckViolation]]] = {
            "response_schema": self.response_schema,
            "created_resource_reflects_request": self.created_resource_reflects_request,
            "unique_per_creation": self.unique_per_creation,
            "meta_omitted_absent": self.meta_omitted_absent,
        }

    def check(
        self, exchange: Exchange, names: tuple[str, ...] = CHECK_NAMES
    ) -> list[CheckViolation]:
        """Every violation the named checks find, in check order."""
        return [violation for name in names for violation in self.by_name[name](exchange)]

    def response_schema(self, exchange: Exchange) -> list[CheckViolation]:
        """Every violation of the documented response schema, at any depth, formats enforced."""
        documented = self.documented
        target = documented.response_schema(
            exchange.method, exchange.path, exchange.status, exchange.response_content_type
        )
        if target is None or not is_json_media_type(target.media_type):
            # undocumented status or media type: the status and media-type checks report it
            return []
        body = exchange.response_json
        if body is _NOT_JSON:
            return [
                CheckViolation(
                    check="response_schema",
                    title="Response is not valid JSON",
                    received=f"{len(exchange.response_body)} bytes that do not parse as JSON ({target.media_type})",
                    documented=f"a JSON document matching {target.pointer}",
                    instance_pointer="",
                    schema_pointer=target.pointer,
                )
            ]
        return [
            CheckViolation(
                check="response_schema",
                title="Response violates schema",
                received=f"{violation.message} at {violation.instance_pointer or '(the body)'}",
                documented=self._describe_keyword(violation.schema_pointer),
                instance_pointer=violation.instance_pointer,
                schema_pointer=violation.schema_pointer,
            )
            for violation in documented.validator.violations(body, target.pointer)
        ]

    def _describe_keyword(self, schema_pointer: str) -> str:
        """`format: "date-time" (#/components/schemas/AuditEvent/properties/at/format)`."""
        keyword = pointer.split(schema_pointer)[-1] if schema_pointer not in ("", "#") else ""
        try:
            value = pointer.resolve(self.documented.validator.document, schema_pointer)
        except (KeyError, IndexError, ValueError):
            return schema_pointer
        shown = (
            json.dumps(value)
            if not isinstance(value, (dict, list)) or len(json.dumps(value)) <= 80
            else "…"
        )
        return f"{keyword}: {shown} ({schema_pointer})"

    def created_resource_reflects_request(self, exchange: Exchange) -> list[CheckViolation]:
        """Each scalar a valid create request sent comes back at the same JSON path, where the schema has it:
        in the creation's answer, and whenever the resource is read back later (a GET naming its id)."""
        if exchange.method.upper() == "GET":
            return self._read_back(exchange)
        if exchange.method.upper() in ("PUT", "PATCH", "DELETE") and exchange.succeeded:
            # changed on purpose: nothing to hold it to
            self.resources.forget_named_in(exchange.url_path)
        body, sent = _created_object(exchange), exchange.request_body
        if body is None or not isinstance(sent, dict):
            return []
        documented = self.documented
        target = documented.response_schema(
            exchange.method, exchange.path, exchange.status, exchange.response_content_type
        )
        request_schema = documented.request_schema(
            exchange.method, exchange.path, exchange.request_media_type or "application/json"
        )
        if (
            target is None
            or request_schema is None
            or not documented.request_validator.is_valid(sent, request_schema)
        ):
            # an invalid request has nothing to reflect: negative_data_rejection judges it
            return []
        expected = [
            (tokens, value)
            for tokens, value in leaves(sent)
            if self._expects_back(target.pointer, tokens, value)
        ]
        self.resources.remember(
            body.get("id"), [(t, v) for t, v in expected if v in values_at(body, t)]
        )
        return [
            _not_reflected(tokens, value, found, target.pointer)
            for tokens, value in expected
            if value not in (found := list(values_at(body, tokens)))
        ]

    def _read_back(self, exchange: Exchange) -> list[CheckViolation]:
        """A resource read back by its id still carries what its creation request sent (and the creation
        echoed): an implementation that loses or mangles what it stored fails here."""
        expected = self.resources.named_in(exchange.url_path)
        body = exchange.response_json if exchange.succeeded and exchange.has_json_response else None
        target = self.documented.response_schema(
            exchange.method, exchange.path, exchange.status, exchange.response_content_type
        )
        if not expected or not isinstance(body, dict) or target is None:
            return []
        return [
            _not_reflected(tokens, value, found, target.pointer, read_back=True)
            for tokens, value in expected
            if self.documented.accepts_at(target.pointer, tokens, value)
            and value not in (found := list(values_at(body, tokens)))
        ]

    def _expects_back(self, schema_pointer: str, tokens: list[str | int], value: Any) -> bool:
        name = str(next((t for t in reversed(tokens) if isinstance(t, str)), ""))
        return not self.documented.is_secret(name) and self.documented.accepts_at(
            schema_pointer, tokens, value
        )

    def unique_per_creation(self, exchange: Exchange) -> list[CheckViolation]:
        """The id and each secret of a created resource are new: never handed out by an earlier creation."""
        body = _created_object(exchange)
        if body is None:
            return []
        return [
            _handed_out_twice(name, value, self.documented.is_secret(name))
            for name, value in body.items()
            if (name in UNIQUE_FIELDS or self.documented.is_secret(name))
            and isinstance(value, (str, int))
            and not self.ledger.first_time(f"{exchange.operation} /{name}", value, exchange.source)
        ]

    def meta_omitted_absent(self, exchange: Exchange) -> list[CheckViolation]:
        """A field named in an object's `$meta.omitted` must be absent from that object."""
        if (
            not _may_name_meta(exchange.response_body)
            or not exchange.has_json_response
            or exchange.response_json is _NOT_JSON
        ):
            return []
        return [
            CheckViolation(
                check="meta_omitted_absent",
                title="Field listed in $meta.omitted is present",
                instance_pointer=at,
                received=f"{name!r} present at {at}",
                documented=f"fields listed in {META}.omitted are absent",
            )
            for at, name in _omitted_but_present(exchange.response_json)
        ]


class CreationLedger:
    """Ids and secrets handed out so far, bounded (oldest forgotten first) so a long-lived proxy stays small."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, field_key: str, value: Any, source: object | None) -> bool:
        """Whether `value` is new for `field_key`. The same `source` seen again is a re-check (Schemathesis
        re-runs checks while shrinking), not a repeat; without a source every sighting is a new one."""
        key, sighting = (field_key, json.dumps(value)), source if source is not None else object()
        with self._lock:
            first = self._seen.setdefault(key, sighting)
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
        return first is sighting


class CreatedResources:
    """What each created resource (by its id) must still say when read back; bounded, oldest forgotten first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._by_id: OrderedDict[str, list[tuple[list[str | int], Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, resource_id: Any, fields: list[tuple[list[str | int], Any]]) -> None:
        if not isinstance(resource_id, (str, int)) or isinstance(resource_id, bool) or not fields:
            return
        # Tuples of strings and numbers are untracked by the garbage collector: a full ledger adds
        # nothing to the pauses of a full collection (lists of lists added ~80 ms to each in a proxy).
        frozen = tuple((tuple(tokens), value) for tokens, value in fields)
        with self._lock:
            # Tuples typed as the lists callers take: every reader only iterates them.
            self._by_id[str(resource_id)] = frozen  # type: ignore[assignment]
            if len(self._by_id) > self.capacity:
                self._by_id.popitem(last=False)

    def named_in(self, url_path: str) -> list[tuple[list[str | int], Any]]:
        """The fields of the created resource whose id is a segment of `url_path` (none when no id is)."""
        with self._lock:
            return next((self._by_id[s] for s in _segments(url_path) if s in self._by_id), [])

    def forget_named_in(self, url_path: str) -> None:
        with self._lock:
            for segment in _segments(url_path):
                self._by_id.pop(segment, None)


def _segments(url_path: str) -> list[str]:
    return [unquote(segment) for segment in url_path.split("/") if segment]


def _created_object(exchange: Exchange) -> dict[str, Any] | None:
    if not exchange.is_creation or not exchange.has_json_response:
        return None
    body = exchange.response_json
    return body if isinstance(body, dict) else None


def _not_reflected(
    tokens: list[str | int],
    sent: Any,
    found: list[Any],
    schema_pointer: str,
    read_back: bool = False,
) -> CheckViolation:
    at = pointer.from_path(tokens)
    title = (
        "Resource read back does not reflect its creation"
        if read_back
        else "Created resource does not reflect the request"
    )
    return CheckViolation(
        check="created_resource_reflects_request",
        title=title,
        received=f"{_show(found)} at {at} in the response",
        documented=f"the value the {'creation ' if read_back else ''}request sent at {at}: "
        f"{json.dumps(sent, ensure_ascii=False)}",
        instance_pointer=at,
        schema_pointer=schema_pointer,
    )


def _handed_out_twice(name: str, value: Any, secret: bool) -> CheckViolation:
    shown = "a value" if secret else json.dumps(value)
    return CheckViolation(
        check="unique_per_creation",
        title=f"`{name}` handed out twice",
        instance_pointer=pointer.join("", name),
        received=f"{shown} already returned by an earlier creation, at /{pointer.escape(name)}",
        documented="unique per created resource across the run",
        severity="critical" if secret else "high",
    )


def leaves(
    document: Any, prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[list[str | int], Any]]:
    """(path tokens, scalar) for every scalar of a JSON document."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from leaves(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from leaves(value, (*prefix, index))
    else:
        yield list(prefix), document


def values_at(document: Any, tokens: list[str | int]) -> Iterator[Any]:
    """Values at `tokens`, with array positions matched anywhere in the array (order is not the contract)."""
    if not tokens:
        yield document
        return
    head, rest = tokens[0], tokens[1:]
    if isinstance(head, int) and isinstance(document, list):
        for item in document:
            yield from values_at(item, rest)
    elif isinstance(head, str) and isinstance(document, dict) and head in document:
        yield from values_at(document[head], rest)


def _show(values: list[Any]) -> str:
    if not values:
        return "nothing"
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in values[:5]) + (
        " …" if len(values) > 5 else ""
    )


def _may_name_meta(body: bytes) -> bool:
    """Whether a body can hold a `$meta` key: it is spelled out, or hidden behind a `\\u` escape.
    Most APIs have none, and their bodies are spared the walk."""
    return b'"$meta"' in body or b"\\u" in body


def _omitted_but_present(document: Any) -> Iterator[tuple[str, str]]:
    for path, node in iter_json_objects(document):
        meta = node.get(META)
        omitted = meta.get("omitted") if isinstance(meta, dict) else None
        for name in omitted if isinstance(omitted, list) else ():
            if isinstance(name, str) and name in node:
                yield pointer.join(linked_pointer(path), name), name
