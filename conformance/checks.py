"""Our checks, registered with Schemathesis beside its own; generic for any spec.

- `response_schema`: the documented schema, to any depth, formats enforced, every violation
  reported with its instance and schema pointers (the core's jsonschema-rs validator, which follows
  `$ref` cycles). It replaces Schemathesis' `response_schema_conformance` in `contract conform`.
- `created_resource_reflects_request`: what a create request sent comes back at the same place.
- `unique_per_creation`: the id and secret of each created resource are never handed out twice.
- `meta_omitted_absent`: a field an object lists in `$meta.omitted` is absent from it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import schemathesis
from schemathesis.core.failures import Failure, FailureGroup, Severity

from conformance.documented import DocumentedResponses, bound
from contract_core import pointer
from contract_core.media import is_json as is_json_media_type
from contract_core.walk import iter_objects

if TYPE_CHECKING:
    from schemathesis.checks import CheckContext
    from schemathesis.core.transport import Response
    from schemathesis.generation.case import Case

META = "$meta"
UNIQUE_FIELDS = ("id",)  # plus every secret field of the spec (the token)

CHECK_NAMES = ("response_schema", "created_resource_reflects_request", "unique_per_creation", "meta_omitted_absent")
REPLACED_CHECKS = ("response_schema_conformance",)


class ContractFailure(Failure):
    """A finding of one of our checks, located in the body and in the spec."""

    code = "CK901"
    kind_title = "Contract check failed"
    __slots__ = ("check", "documented", "instance_pointer", "received", "schema_pointer")

    def __init__(
        self, *, check: str, operation: str, title: str, received: str, documented: str,
        instance_pointer: str | None = None, schema_pointer: str | None = None, severity: Severity = Severity.HIGH,
    ) -> None:
        message = f"Received: {received}\nDocumented: {documented}"
        super().__init__(operation=operation, title=title, message=message, severity=severity)
        self.check = check
        self.instance_pointer = instance_pointer
        self.schema_pointer = schema_pointer
        self.received = received
        self.documented = documented

    @property
    def _unique_key(self) -> str:
        return f"{self.check}|{self.title}|{self.schema_pointer}|{_wildcard(self.instance_pointer)}"


def _wildcard(at: str | None) -> str:
    """`/modules/3/id` -> `/modules/*/id`: the same defect at another array position is the same defect."""
    if at is None:
        return ""
    return "/".join("*" if token.isdigit() else token for token in at.split("/"))


def _documented(case: Case) -> DocumentedResponses | None:
    """The kit's view of the case's spec; None when the run is not ours (then our checks stand aside)."""
    return bound(case.operation.schema.raw_schema)


def _content_type(response: Response) -> str | None:
    values = response.headers.get("content-type")
    return values[0] if values else None


def _json_body(response: Response) -> tuple[bool, Any]:
    try:
        return True, json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False, None


def _raise_all(failures: list[Failure]) -> None:
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise FailureGroup(failures)


@schemathesis.check
def response_schema(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every violation of the documented response schema, at any depth, formats enforced."""
    documented = _documented(case)
    if documented is None:
        return True
    target = documented.response_schema(case.operation.method, case.operation.path, response.status_code,
                                        _content_type(response))
    if target is None or not is_json_media_type(target.media_type):
        return True  # undocumented status or media type: status_code / content_type checks report it
    label = case.operation.label
    parsed, body = _json_body(response)
    if not parsed:
        raise ContractFailure(
            check="response_schema", operation=label, title="Response is not valid JSON",
            received=f"{len(response.content)} bytes that do not parse as JSON ({target.media_type})",
            documented=f"a JSON document matching {target.pointer}", instance_pointer="", schema_pointer=target.pointer,
        )
    failures: list[Failure] = [
        ContractFailure(
            check="response_schema", operation=label, title="Response violates schema",
            received=f"{violation.message} at {violation.instance_pointer or '(the body)'}",
            documented=_describe_keyword(documented, violation.schema_pointer),
            instance_pointer=violation.instance_pointer, schema_pointer=violation.schema_pointer,
        )
        for violation in documented.validator.violations(body, target.pointer)
    ]
    _raise_all(failures)
    return None


def _describe_keyword(documented: DocumentedResponses, schema_pointer: str) -> str:
    """`format: date-time (#/components/schemas/AuditEvent/properties/at/format)`."""
    keyword = pointer.split(schema_pointer)[-1] if schema_pointer not in ("", "#") else ""
    try:
        value = pointer.resolve(documented.validator.document, schema_pointer)
    except (KeyError, IndexError, ValueError):
        return schema_pointer
    shown = json.dumps(value) if not isinstance(value, (dict, list)) or len(json.dumps(value)) <= 80 else "…"
    return f"{keyword}: {shown} ({schema_pointer})"


def _is_creation(case: Case, response: Response) -> bool:
    return case.method.upper() == "POST" and 200 <= response.status_code < 300


def _created_body(case: Case, response: Response) -> Any:
    if not _is_creation(case, response) or not is_json_media_type(_content_type(response) or ""):
        return None
    parsed, body = _json_body(response)
    return body if parsed and isinstance(body, dict) else None


@schemathesis.check
def created_resource_reflects_request(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Each scalar the create request sent comes back at the same JSON path, where the response schema has it."""
    body = _created_body(case, response)
    documented = _documented(case)
    if body is None or documented is None or not isinstance(case.body, dict):
        return True
    target = documented.response_schema(case.method, case.operation.path, response.status_code,
                                        _content_type(response))
    request_schema = documented.request_schema(case.method, case.operation.path, case.media_type or "application/json")
    if target is None or request_schema is None or not documented.request_validator.is_valid(case.body, request_schema):
        return True  # an invalid request has nothing to reflect: negative_data_rejection judges it
    failures: list[Failure] = []
    for tokens, sent in _leaves(case.body):
        name = str(next((t for t in reversed(tokens) if isinstance(t, str)), ""))
        if documented.is_secret(name) or not documented.accepts_at(target.pointer, tokens, sent):
            continue
        found = list(_values_at(body, tokens))
        if sent not in found:
            at = pointer.from_path(tokens)
            failures.append(ContractFailure(
                check="created_resource_reflects_request", operation=case.operation.label,
                title="Created resource does not reflect the request",
                received=f"{_show(found)} at {at} in the response",
                documented=f"the value the request sent at {at}: {json.dumps(sent, ensure_ascii=False)}",
                instance_pointer=at, schema_pointer=target.pointer,
            ))
    _raise_all(failures)
    return None


def _leaves(document: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[list[str | int], Any]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _leaves(value, (*prefix, index))
    else:
        yield list(prefix), document


def _values_at(document: Any, tokens: list[str | int]) -> Iterator[Any]:
    """Values at `tokens`, with array positions matched anywhere in the array (order is not the contract)."""
    if not tokens:
        yield document
        return
    head, rest = tokens[0], tokens[1:]
    if isinstance(head, int) and isinstance(document, list):
        for item in document:
            yield from _values_at(item, rest)
    elif isinstance(head, str) and isinstance(document, dict) and head in document:
        yield from _values_at(document[head], rest)


def _show(values: list[Any]) -> str:
    if not values:
        return "nothing"
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in values[:5]) + (" …" if len(values) > 5 else "")


@schemathesis.check
class unique_per_creation:  # Schemathesis names a check after its class; checks are snake_case
    """The id and each secret of a created resource are new: never seen in an earlier creation this run."""

    documented_as: ClassVar[str] = "unique per created resource across the run"

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def after_response(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        body = _created_body(case, response)
        documented = _documented(case)
        if body is None or documented is None:
            return True
        failures: list[Failure] = []
        for name, value in body.items():
            if not (name in UNIQUE_FIELDS or documented.is_secret(name)) or not isinstance(value, (str, int)):
                continue
            key = (f"{case.operation.label} /{name}", json.dumps(value))
            with self._lock:
                first = self._seen.setdefault(key, response)
            if first is not response:  # shrinking may re-check the same response: that is not a repeat
                shown = "a value" if documented.is_secret(name) else json.dumps(value)
                failures.append(ContractFailure(
                    check="unique_per_creation", operation=case.operation.label,
                    title=f"`{name}` handed out twice", instance_pointer=pointer.join("", name),
                    received=f"{shown} already returned by an earlier creation, at /{pointer.escape(name)}",
                    documented=self.documented_as, severity=Severity.CRITICAL if documented.is_secret(name)
                    else Severity.HIGH,
                ))
        _raise_all(failures)
        return None


@schemathesis.check
def meta_omitted_absent(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A field named in an object's `$meta.omitted` must be absent from that object."""
    if _documented(case) is None or not is_json_media_type(_content_type(response) or ""):
        return True
    parsed, body = _json_body(response)
    if not parsed:
        return True
    failures: list[Failure] = [
        ContractFailure(
            check="meta_omitted_absent", operation=case.operation.label,
            title="Field listed in $meta.omitted is present", instance_pointer=at,
            received=f"{name!r} present at {at}", documented=f"fields listed in {META}.omitted are absent",
        )
        for at, name in _omitted_but_present(body)
    ]
    _raise_all(failures)
    return None


def _omitted_but_present(document: Any) -> Iterator[tuple[str, str]]:
    for at, node in iter_objects(document, ""):
        meta = node.get(META)
        omitted = meta.get("omitted") if isinstance(meta, dict) else None
        for name in omitted if isinstance(omitted, list) else ():
            if isinstance(name, str) and name in node:
                yield pointer.join(at, name), name
