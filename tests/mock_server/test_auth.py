"""The mock's 401 asks the core's credential judgement, as `request_security` does; it also judges values
(`--token`). The cases where the mock and the checker used to disagree are pinned here."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from contract_core import parse_spec
from contract_core.spec import Spec
from mock_server.problems import Problem
from mock_server.responder import MockOptions, Responder
from mock_server.server import running_mock

SPEC = """
openapi: 3.1.0
info: {title: auth, version: "1"}
paths:
  /digest:
    get:
      security: [{digest: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /session:
    get:
      security: [{session: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /either:
    get:
      security: [{basic: []}, {key: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
  /tls:
    get:
      security: [{tls: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
components:
  securitySchemes:
    digest: {type: http, scheme: digest}
    basic: {type: http, scheme: basic}
    session: {type: apiKey, in: cookie, name: session}
    key: {type: apiKey, in: query, name: api_key}
    tls: {type: mutualTLS}
"""
BASIC_TOKEN_AS_USER = "Basic dG9rOng="  # tok:x


@pytest.fixture(scope="module")
def spec() -> Spec:
    return parse_spec(SPEC)


def refused(spec: Spec, path: str, headers: dict[str, str], query: str = "") -> bool:
    responder = Responder(spec, MockOptions(tokens=("tok",)))
    plan = next(p for p in responder.plans.values() if p.operation.path == path)
    try:
        responder.check_auth(plan, headers, query)
    except Problem as problem:
        assert problem.status == 401
        return True
    return False


@pytest.mark.parametrize(
    ("path", "headers", "query", "is_refused"),
    [
        ("/digest", {"authorization": "Bearer tok"}, "", True),  # once taken as a bearer token
        ("/digest", {"authorization": 'Digest username="u", response="tok"'}, "", True),
        ("/digest", {"authorization": "digest tok"}, "", False),
        ("/session", {"cookie": 'theme=dark;  session = "tok"'}, "", False),  # once refused
        ("/session", {"cookie": "flag; session=tok"}, "", False),
        ("/session", {"cookie": "session=tok+"}, "", True),  # once decoded as `tok `
        ("/session", {"cookie": "session=other"}, "", True),  # not a --token
        ("/either", {"authorization": BASIC_TOKEN_AS_USER}, "", False),
        ("/either", {"authorization": "Basic not-base64!"}, "", True),
        ("/either", {}, "api_key=tok", False),
        ("/either", {}, "api_key=", True),
        ("/tls", {}, "", False),  # no request can show a client certificate: not judged
    ],
)
def test_the_mock_judges_credentials_as_the_checker_does_and_values_against_tokens(
    spec: Spec, path: str, headers: dict[str, str], query: str, is_refused: bool
) -> None:
    assert refused(spec, path, headers, query) is is_refused


@pytest.fixture(scope="module")
def mock(spec: Spec) -> Iterator[httpx.Client]:
    with running_mock(spec) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def test_a_bearer_token_does_not_pass_for_digest(mock: httpx.Client) -> None:
    refused = mock.get("/digest", headers={"Authorization": "Bearer t"})
    assert refused.status_code == 401
    assert "Authorization: Digest …" in refused.json()["detail"]
    assert mock.get("/digest", headers={"Authorization": 'Digest username="u"'}).status_code == 200


def test_cookies_with_odd_spacing_and_quotes(mock: httpx.Client) -> None:
    sent = mock.get("/session", headers={"Cookie": 'flag; session = "s e"'})
    assert sent.status_code == 200
    refused = mock.get("/session", headers={"Cookie": "sessions=s"})
    assert refused.status_code == 401 and "API key in cookie 'session'" in refused.json()["detail"]
