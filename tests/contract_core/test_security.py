"""The one credential judgement (`missing_credentials`), read alike by the mock's 401 and `request_security`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract_core import parse_spec
from contract_core.contract import Contract
from contract_core.security import (
    Security,
    SecurityScheme,
    SentCredentials,
    missing_credentials,
    request_cookies,
)

SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "Basic"},
    "digest": {"type": "http", "scheme": "digest"},
    "oauth": {"type": "oauth2", "flows": {}},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com"},
    "header": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "query": {"type": "apiKey", "in": "query", "name": "api_key"},
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
    "tls": {"type": "mutualTLS"},
    "linked": {"$ref": "#/components/securitySchemes/header"},
}


def security(requirements: Any) -> Security:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"security": requirements, "responses": {"200": {}}}}},
        "components": {"securitySchemes": SCHEMES},
    }
    return Contract.of(parse_spec(json.dumps(document))).operations[0].security


def missing(requirements: Any, headers: dict[str, str], query: str = "", **options: Any) -> bool:
    return missing_credentials(security(requirements), SentCredentials(headers, query, **options))


@pytest.mark.parametrize(
    ("scheme", "authorization", "met"),
    [
        ("bearer", "Bearer t", True),
        ("bearer", "bEaReR t", True),  # the scheme word is case-insensitive (RFC 9110 section 11.1)
        ("bearer", "Basic dTpw", False),
        ("basic", "basic dTpw", True),  # the spec writes `Basic`; the request `basic`
        ("basic", "Bearer t", False),
        ("digest", 'Digest username="u", response="r"', True),
        ("digest", "Bearer t", False),  # the mock used to take any non-Basic http scheme as Bearer
        ("oauth", "Bearer t", True),
        ("oidc", "bearer t", True),
        ("oauth", "Basic dTpw", False),
        ("bearer", "Bearert", False),  # a word, then a space, then the credential
    ],
)
def test_the_authorization_scheme_word_must_be_the_schemes(
    scheme: str, authorization: str, met: bool
) -> None:
    assert missing([{scheme: []}], {"authorization": authorization}) is not met


@pytest.mark.parametrize(
    ("scheme", "headers", "query", "met"),
    [
        ("header", {"x-api-key": "k"}, "", True),
        ("linked", {"x-api-key": "k"}, "", True),  # a scheme's $ref followed
        ("header", {"authorization": "Bearer k"}, "", False),
        ("query", {}, "a=1&api_key=k", True),
        ("query", {}, "api_key", True),  # present, if blank: validity is the server's call
        ("query", {}, "API_KEY=k", False),  # query names are case-sensitive
        ("session", {"cookie": "session=k"}, "", True),
        ("session", {}, "session=k", False),
    ],
)
def test_an_api_key_is_found_by_its_name_where_it_travels(
    scheme: str, headers: dict[str, str], query: str, met: bool
) -> None:
    assert missing([{scheme: []}], headers, query) is not met


def test_any_one_requirement_met_wholly_will_do() -> None:
    both = [{"header": [], "session": []}, {"bearer": []}]
    assert not missing(both, {"x-api-key": "k", "cookie": "session=s"})
    assert not missing(both, {"authorization": "Bearer t"})
    assert missing(both, {"x-api-key": "k"})  # half of the first, none of the second


@pytest.mark.parametrize(
    "requirements",
    [
        [],
        [{}],
        [{"bearer": []}, {}],  # `{}` among them: anonymous requests allowed
        [{"tls": []}],
        [{"bearer": []}, {"undefined": []}],  # a scheme no request shows: not judged
        ["bearer"],  # not a requirement object (the linter's to report)
    ],
)
def test_open_or_unjudgeable_operations_miss_nothing(requirements: Any) -> None:
    assert not missing(requirements, {})


def test_a_records_redacted_values_count_as_sent_only_when_asked() -> None:
    redacted = {"authorization": "[REDACTED]", "cookie": "[REDACTED]"}
    assert not missing([{"digest": [], "session": []}], redacted, redacted_is_sent=True)
    assert missing([{"digest": []}], redacted) and missing([{"session": []}], redacted)


def test_the_caller_judges_values() -> None:
    def only_good(_scheme: SecurityScheme, value: str) -> bool:
        return value == "good"

    sent = SentCredentials({"authorization": "Bearer bad", "x-api-key": "good"})
    assert missing_credentials(security([{"bearer": []}]), sent, only_good)
    assert not missing_credentials(security([{"bearer": []}, {"header": []}]), sent, only_good)


@pytest.mark.parametrize(
    ("header", "cookies"),
    [
        ("session=abc", {"session": "abc"}),
        ("theme=dark;session=abc", {"theme": "dark", "session": "abc"}),
        ("  theme = dark ;   session =abc  ", {"theme": "dark", "session": "abc"}),
        ('session="abc def"', {"session": "abc def"}),  # quotes are not part of the value
        ('session="a;b"', {"session": '"a'}),  # `;` ends a pair, quoted or not (RFC 6265)
        ("flag; session=abc", {"session": "abc"}),  # a flag without `=` loses no other cookie
        ("session=a b; x=é", {"session": "a b", "x": "é"}),  # values the stdlib refuses: kept raw
        ("session=a+b%20c", {"session": "a+b%20c"}),  # not form-encoded: nothing decoded
        ("session=first; session=second", {"session": "first"}),
        ("token=abc==", {"token": "abc=="}),
        ("", {}),
        ("[REDACTED]", {}),
    ],
)
def test_cookies_each_pair_read_by_the_stdlib(header: str, cookies: dict[str, str]) -> None:
    assert request_cookies(header) == cookies
