"""A request judged as it was sent (conformance.checker.sent_request): what excuses a
`negative_data_rejection` that blamed a server for accepting a request valid on the wire."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.sent_request import SentRequests
from contract_core import load_spec

SPEC = Path(__file__).parent / "specs" / "encodings.yaml"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def sent() -> SentRequests:
    return SentRequests(DocumentedResponses(load_spec(SPEC)), "/api")


@pytest.mark.parametrize(
    ("path", "headers", "body"),
    [
        # a scalar for an exploded array is its one item: `expand=0` is ["0"] (Stripe's case)
        ("/api/charges", FORM, b"amount=5&expand=0"),
        ("/api/charges", FORM, b"amount=5&expand=a&expand=b"),
        # 3.1 `nullable: true` read as its authors mean it, as the mock and the proxy read it
        ("/api/notes", JSON, b'{"text": "x", "color": null}'),
    ],
)
def test_valid_as_sent(sent: SentRequests, path: str, headers: dict[str, str], body: bytes) -> None:
    assert sent.violations("POST", f"http://127.0.0.1:9{path}", headers, body) == []


@pytest.mark.parametrize(
    ("path", "headers", "body", "check"),
    [
        ("/api/charges", FORM, b"amount=five", "request_body"),
        ("/api/charges", FORM, b"expand=0", "request_body"),  # amount is required
        ("/api/notes", JSON, b'{"text": 5}', "request_body"),
        ("/api/notes", JSON, b'{"text": ', "request_body"),
        ("/api/notes", {"Content-Type": "text/plain"}, b"x", "request_media_type"),
    ],
)
def test_invalid_as_sent(
    sent: SentRequests, path: str, headers: dict[str, str], body: bytes, check: str
) -> None:
    violations = sent.violations("POST", f"http://127.0.0.1:9{path}", headers, body)
    assert violations and check in {v.check for v in violations}


def test_an_undocumented_request_is_not_judged(sent: SentRequests) -> None:
    assert sent.violations("POST", "http://127.0.0.1:9/api/nowhere", JSON, b"{}") is None
