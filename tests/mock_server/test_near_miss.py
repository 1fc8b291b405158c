"""Errors that say what to do: a 404 names the closest documented operation, a 400 the operation."""

from __future__ import annotations

import httpx

from mock_server.server import running_mock

AUTH = {"Authorization": "Bearer t"}


def test_404_and_400_name_the_operation() -> None:
    with running_mock() as base, httpx.Client(base_url=base, headers=AUTH) as client:
        missed = client.post("/v1/account/api-tokens", json={})
        refused = client.post("/v1/accounts/api-tokens", json={"modules": []})
    assert (
        missed.status_code == 404 and missed.headers["content-type"] == "application/problem+json"
    )
    assert missed.json()["detail"] == (
        "No documented path matches /v1/account/api-tokens. "
        "Did you mean POST /v1/accounts/api-tokens?"
    )
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith(
        "POST /v1/accounts/api-tokens (createApiToken): The request body"
    )
