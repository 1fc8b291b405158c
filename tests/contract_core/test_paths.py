"""The path matcher's near-miss suggestion and path parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_core import load_spec
from contract_core.paths import PathMatcher

CRUD = Path(__file__).parent.parent / "mock_server" / "specs" / "crud.yaml"


@pytest.mark.parametrize(
    ("method", "path", "suggestion"),
    [
        ("POST", "/v1/account/api-tokens", "POST /v1/accounts/api-tokens"),
        ("POST", "/v1/accounts/api-token", "POST /v1/accounts/api-tokens"),
        # the documented method when GET is not
        ("GET", "/v1/accounts/apitokens", "POST /v1/accounts/api-tokens"),
        ("GET", "/health", None),
    ],
)
def test_closest_names_the_nearest_documented_operation(
    method: str, path: str, suggestion: str | None
) -> None:
    assert PathMatcher(load_spec()).closest(method, path) == suggestion


def test_closest_fills_template_parameters_with_the_request_segments() -> None:
    matcher = PathMatcher(load_spec(CRUD))
    assert matcher.closest("DELETE", "/pet/7") == "DELETE /pets/{petId}"
    assert matcher.closest("GET", "/pet") == "GET /pets"
    assert matcher.closest("post", "/session") == "POST /sessions"


def test_route_parameters() -> None:
    """What conform's message checks read: the raw path parameters of a route (`Route.parameters`)."""
    route = next(r for r in PathMatcher(load_spec(CRUD)).routes if r.template == "/pets/{petId}")
    assert route.parameters("/pets/p%201") == {"petId": "p%201"}
    assert route.parameters("/dogs/1") == {}
