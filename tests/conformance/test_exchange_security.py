"""`request_security` on its own: which operations are judged, and how requirements combine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.checker.exchange import Exchange
from conformance.checker.request_security import SecurityChecks
from contract_core.spec import parse_spec

SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    "tls": {"type": "mutualTLS"},
    "linked": {"$ref": "#/components/securitySchemes/key"},
    "digest": {"type": "http", "scheme": "Digest"},
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
}


def checks(root: Any, operation: Any = None) -> SecurityChecks:
    get: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if operation is not None:
        get["security"] = operation
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": get}},
        "components": {"securitySchemes": SCHEMES},
    }
    if root is not None:
        document["security"] = root
    return SecurityChecks(parse_spec(json.dumps(document)))


def judged(security: SecurityChecks, headers: dict[str, str]) -> bool:
    """True when the request meets a requirement (no violation)."""
    exchange = Exchange("GET", "/x", "GET /x", 200, None, b"", request_headers=headers)
    return not security.request_security(exchange)


@pytest.mark.parametrize(
    ("root", "operation"),
    [
        (None, None),
        ([], None),
        ([{"bearer": []}], []),
        ([{"bearer": []}], [{}, {"bearer": []}]),
        ([{"tls": []}], None),
        ([{"undefined": []}], None),
    ],
)
def test_operations_without_a_judgeable_requirement_are_not_judged(
    root: Any, operation: Any
) -> None:
    assert judged(checks(root, operation), {})


def test_the_operation_overrides_the_document_and_refs_are_followed() -> None:
    security = checks([{"bearer": []}], [{"linked": []}])
    assert judged(security, {"x-key": "k"}) and not judged(security, {"authorization": "Bearer t"})


def test_every_scheme_of_a_requirement_is_needed() -> None:
    security = checks([{"bearer": [], "key": []}])
    assert judged(security, {"authorization": "Bearer t", "x-key": "k"})
    assert not judged(security, {"authorization": "Bearer t"})
    [violation] = security.request_security(
        Exchange(
            "GET",
            "/x",
            "GET /x",
            200,
            None,
            b"",
            request_headers={"authorization": "Bearer s3cr3t"},
        )
    )
    assert violation.documented == "bearer (Authorization: bearer) + key (header X-Key)"
    assert (
        violation.received == "credentials sent: Authorization: Bearer"
        and "s3cr3t" not in violation.message
    )
    assert violation.schema_pointer == "#/security" and violation.side == "request"


def test_the_checker_and_the_mock_read_credentials_alike() -> None:
    """The cases where they once disagreed: the check now asks the core's judgement, as the mock does."""
    digest = checks([{"digest": []}])
    assert not judged(digest, {"authorization": "Bearer t"})
    assert judged(digest, {"authorization": "DIGEST username=u"})
    session = checks([{"session": []}])
    assert judged(
        session, {"cookie": "flag; session=s"}
    )  # the whole-header parse lost every cookie
    assert judged(session, {"cookie": 'theme=dark ;  session = "s"'})
    assert not judged(session, {"cookie": "sessions=s"})
