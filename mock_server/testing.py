"""Use the mock in your own tests.

    # conftest.py
    from mock_server.testing import contract_mock  # noqa: F401  (a pytest fixture)

    def test_create_token(contract_mock):
        contract_mock.clear_requests()
        contract_mock.expect(method="POST", path="/v1/accounts/api-tokens", status=201,
                             body={"name": "Pinned"}, times=1)
        response = httpx.post(contract_mock + "/v1/accounts/api-tokens", ...)
        assert response.json()["name"] == "Pinned"
        assert [r["status"] for r in contract_mock.requests()] == [201]

    def test_in_a_session(contract_mock):
        with contract_mock.session("worker-1") as s:     # X-Mock-Session, dropped at exit
            s.expect(method="POST", path="/v1/accounts/api-tokens", status=400)
            assert s.client.post("/v1/accounts/api-tokens", json=...).status_code == 400

`contract_mock.replay("recorded.har")` serves a HAR's exchanges (as `--replay`). The mock is shared
by the whole test session: a test that posts global expectations clears them
(`contract_mock.clear_expectations()`), or works in a session of its own.

Or, without pytest: `with running_mock(spec_path) as base_url: ...`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.admin_client import MockRefused, MockSession, MockURL
from mock_server.server import running_mock

__all__ = ["MockRefused", "MockSession", "MockURL", "contract_mock", "running_mock"]


@pytest.fixture(scope="session")
def contract_mock() -> Iterator[MockURL]:
    """The base URL of a mock serving the bundled contract on an ephemeral port (seed 0), with
    `.requests()`, `.clear_requests()`, `.expect(...)`, `.session(name)` and `.replay(har)`."""
    with running_mock() as base_url:
        yield base_url
