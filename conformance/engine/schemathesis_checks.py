"""The kit's checks, registered with Schemathesis beside its own: thin adapters over `exchange.py`.

The checks themselves live in `conformance.checker.exchange` (shared with the proxy and `contract verify`);
here each Schemathesis case/response becomes an `Exchange` and each `CheckViolation` a `ContractFailure`.

- `response_schema`: the documented schema, to any depth, formats enforced, every violation
  reported with its instance and schema pointers (the core's jsonschema-rs validator, which follows
  `$ref` cycles). It replaces Schemathesis' `response_schema_conformance` in `contract conform`.
- `created_resource_reflects_request`: what a create request sent comes back at the same place.
- `unique_per_creation`: the id and secret of each created resource are never handed out twice.
- `meta_omitted_absent`: a field an object lists in `$meta.omitted` is absent from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis.core.failures import Failure, FailureGroup, Severity

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.exchange import CHECK_NAMES, CheckViolation, Exchange, ExchangeChecker
from conformance.reporting.fingerprint import wildcard
from contract_core.spec import Spec

if TYPE_CHECKING:
    from schemathesis.checks import CheckContext
    from schemathesis.core.transport import Response
    from schemathesis.generation.case import Case

__all__ = ["CHECK_NAMES", "REPLACED_CHECKS", "ContractFailure"]

REPLACED_CHECKS = ("response_schema_conformance",)


class ContractFailure(Failure):
    """A finding of one of our checks, located in the body and in the spec."""

    code = "CK901"
    kind_title = "Contract check failed"
    __slots__ = ("check", "documented", "instance_pointer", "received", "schema_pointer")

    def __init__(
        self,
        *,
        check: str,
        operation: str,
        title: str,
        received: str,
        documented: str,
        instance_pointer: str | None = None,
        schema_pointer: str | None = None,
        severity: Severity = Severity.HIGH,
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
        return f"{self.check}|{self.title}|{self.schema_pointer}|{wildcard(self.instance_pointer)}"


_BY_DOCUMENT: dict[int, tuple[Any, ExchangeChecker]] = {}


def bind(document: dict[str, Any], spec: Spec) -> ExchangeChecker:
    """Attach the kit's checker over `spec` to the document a Schemathesis schema was loaded from.

    Only bound documents get the kit's checks: the checks are registered with Schemathesis globally,
    and anyone else running Schemathesis in the same process must not get them by surprise. One
    checker per bound document, so its ledgers (uniqueness, created resources) span the run.
    """
    held = _BY_DOCUMENT.get(id(document))
    if held is not None and held[0] is document:
        return held[1]
    checker = ExchangeChecker(DocumentedResponses(spec))
    _BY_DOCUMENT[id(document)] = (document, checker)  # keep `document` alive so its id stays unique
    return checker


def bound(document: dict[str, Any]) -> ExchangeChecker | None:
    held = _BY_DOCUMENT.get(id(document))
    return held[1] if held is not None and held[0] is document else None


def _checker(case: Case) -> ExchangeChecker | None:
    """The run's checker; None when the run is not ours."""
    return bound(case.operation.schema.raw_schema)


def _exchange(case: Case, response: Response) -> Exchange:
    values = response.headers.get("content-type")
    # NOT_SET: no body
    body = case.body if isinstance(case.body, (dict, list, str, int, float, bool)) else None
    return Exchange(
        method=case.method,
        path=case.operation.path,
        operation=case.operation.label,
        status=response.status_code,
        response_content_type=values[0] if values else None,
        response_body=response.content or b"",
        request_body=body,
        request_media_type=case.media_type,
        url_path=urlsplit(response.request.url or "").path,
        source=response,
    )


def _failure(operation: str, violation: CheckViolation) -> ContractFailure:
    return ContractFailure(
        check=violation.check,
        operation=operation,
        title=violation.title,
        received=violation.received,
        documented=violation.documented,
        instance_pointer=violation.instance_pointer,
        schema_pointer=violation.schema_pointer,
        severity=Severity(violation.severity),
    )


def _run(name: str, case: Case, response: Response) -> bool | None:
    checker = _checker(case)
    if checker is None:
        return True  # not a run of ours: our checks stand aside
    failures: list[Failure] = [
        _failure(case.operation.label, v) for v in checker.by_name[name](_exchange(case, response))
    ]
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise FailureGroup(failures)
    return None


@schemathesis.check
def response_schema(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every violation of the documented response schema, at any depth, formats enforced."""
    return _run("response_schema", case, response)


@schemathesis.check
def created_resource_reflects_request(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Each scalar the create request sent comes back at the same JSON path, where the response schema has it."""
    return _run("created_resource_reflects_request", case, response)


@schemathesis.check
def unique_per_creation(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """The id and each secret of a created resource are new: never seen in an earlier creation this run."""
    return _run("unique_per_creation", case, response)


@schemathesis.check
def meta_omitted_absent(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A field named in an object's `$meta.omitted` must be absent from that object."""
    return _run("meta_omitted_absent", case, response)
