"""The message-level checks on their own: parameters, media types, status and headers of any spec."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.exchange import Exchange
from conformance.checker.messages import ALL_CHECKS, full_checker
from contract_core.spec import parse_spec

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items/{itemId}": {
            "parameters": [
                {"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "parameters": [
                    {
                        "name": "tags",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "maximum": 10},
                    },
                    {
                        "name": "X-Tenant",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    },
                    {
                        "name": "session",
                        "in": "cookie",
                        "schema": {"type": "string", "minLength": 4},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {
                            "X-Rate-Limit": {"required": True, "schema": {"type": "integer"}}
                        },
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            },
        }
    },
}
TENANT = "123e4567-e89b-12d3-a456-426614174000"


@pytest.fixture(scope="module")
def checker() -> Any:
    return full_checker(DocumentedResponses(parse_spec(json.dumps(SPEC))))


def get(
    path: str,
    query: str,
    headers: dict[str, str],
    status: int = 200,
    response_headers: dict[str, str] | None = None,
    media: str = "application/json",
) -> Exchange:
    return Exchange(
        "GET",
        "/items/{itemId}",
        "GET /items/{itemId}",
        status,
        media,
        b"{}",
        url_path=path,
        request_query=query,
        request_headers=headers,
        response_headers=response_headers
        if response_headers is not None
        else {"x-rate-limit": "5"},
    )


def found(checker: Any, exchange: Exchange) -> set[tuple[str, str, str | None]]:
    return {(v.side, v.check, v.instance_pointer) for v in checker.check(exchange, ALL_CHECKS)}


def test_a_correct_exchange_passes(checker: Any) -> None:
    exchange = get(
        "/items/7", "limit=3&tags=a&tags=bc", {"x-tenant": TENANT, "cookie": "session=abcd"}
    )
    assert found(checker, exchange) == set()


def test_parameters_are_typed_then_validated_with_pointers(checker: Any) -> None:
    exchange = get(
        "/items/seven", "limit=11&tags=a,toolong", {"x-tenant": "nope", "cookie": "session=ab"}
    )
    assert found(checker, exchange) == {
        ("request", "request_parameters", "/path/itemId"),
        ("request", "request_parameters", "/query/limit"),
        ("request", "request_parameters", "/query/tags/1"),
        ("request", "request_parameters", "/header/X-Tenant"),
        ("request", "request_parameters", "/cookie/session"),
    }


def test_missing_required_parameters(checker: Any) -> None:
    assert found(checker, get("/items/7", "", {})) == {
        ("request", "request_parameters", "/query/limit"),
        ("request", "request_parameters", "/header/X-Tenant"),
    }


def test_status_media_type_and_headers(checker: Any) -> None:
    headers = {"x-tenant": TENANT}
    assert found(checker, get("/items/7", "limit=1", headers, status=418)) == {
        ("response", "status_code_documented", None)
    }
    assert found(checker, get("/items/7", "limit=1", headers, media="text/html")) == {
        ("response", "content_type_documented", None)
    }
    assert found(checker, get("/items/7", "limit=1", headers, response_headers={})) == {
        ("response", "response_headers", "/header/X-Rate-Limit")
    }
    assert found(
        checker, get("/items/7", "limit=1", headers, response_headers={"x-rate-limit": "many"})
    ) == {("response", "response_headers", "/header/X-Rate-Limit")}
