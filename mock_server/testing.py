"""Use the mock in your own tests.

    # conftest.py
    from mock_server.testing import contract_mock  # noqa: F401  (a pytest fixture)

    def test_create_token(contract_mock):
        contract_mock.clear_requests()
        response = httpx.post(contract_mock + "/v1/accounts/api-tokens", ...)
        assert [r["status"] for r in contract_mock.requests()] == [201]

Or, without pytest: `with running_mock(spec_path) as base_url: ...`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server.server import MockURL, running_mock

__all__ = ["MockURL", "contract_mock", "running_mock"]


@pytest.fixture(scope="session")
def contract_mock() -> Iterator[MockURL]:
    """The base URL of a mock serving the bundled contract on an ephemeral port (seed 0), with
    `.requests()` and `.clear_requests()` for its journal."""
    with running_mock() as base_url:
        yield base_url
