"""The `contract_mock` fixture's helpers, used as a user's test would: `expect`, `session`, `replay`."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mock_server.testing import MockRefused, MockURL, contract_mock  # noqa: F401  (the fixture)

TOKENS = "/v1/accounts/api-tokens"
AUTH = {"Authorization": "Bearer t"}
CREATE = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}]}


@pytest.fixture
def mock(contract_mock: MockURL) -> MockURL:  # noqa: F811  (the fixture imported above)
    contract_mock.clear_expectations()
    return contract_mock


def create(base: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(base + TOKENS, json=CREATE, headers={**AUTH, **(headers or {})}, timeout=10)


def test_expect_pins_a_field_once_and_returns_the_id(mock: MockURL) -> None:
    posted = mock.expect(method="POST", path=TOKENS, status=201, body={"name": "Pinned"}, times=1)
    first, second = create(mock), create(mock)
    assert posted.startswith("exp_")
    assert first.status_code == 201 and first.json()["name"] == "Pinned"
    assert second.status_code == 201 and second.json().get("name") != "Pinned"
    assert [r.get("expectation") for r in mock.requests()[-2:]] == [posted, None]


def test_expect_raises_with_the_mock_s_problem_detail(mock: MockURL) -> None:
    with pytest.raises(MockRefused) as refused:
        mock.expect(method="POST", path=TOKENS, status=201, body={"id": 5})
    assert refused.value.status == 400
    assert "`/id`: 5 is not of type" in str(refused.value)
    assert refused.value.errors[0]["schema_pointer"].endswith("/id/type")


def test_expect_takes_sequences_and_request_conditions(mock: MockURL) -> None:
    mock.expect(
        method="POST",
        path=TOKENS,
        request_body={"account": {"id": "acc_1"}},
        responses=[{"status": 400}, {"status": 201, "body": {"name": "Retried"}}],
    )
    answers = [create(mock) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 201, 201]
    assert answers[2].json()["name"] == "Retried"


def test_a_session_scopes_its_expectations_and_is_dropped_at_exit(mock: MockURL) -> None:
    with mock.session("worker-1") as s:
        s.expect(method="POST", path=TOKENS, status=201, body={"name": "Mine"})
        mine = s.client.post(TOKENS, json=CREATE, headers=AUTH)
        outside = create(mock)
        listed = httpx.get(s + "/__mock/expectations", headers=s.headers).json()
    after = create(mock, {"X-Mock-Session": "worker-1"})
    assert mine.json()["name"] == "Mine" and outside.json().get("name") != "Mine"
    assert len(listed["expectations"]) == 1
    assert after.json().get("name") != "Mine"  # the session was dropped


def test_replay_serves_a_har_and_returns_the_skipped_lines(mock: MockURL, tmp_path: Path) -> None:
    def entry(status: int, body: object) -> dict[str, object]:
        return {
            "request": {
                "method": "POST",
                "url": "https://api.example" + TOKENS,
                "postData": {"mimeType": "application/json", "text": json.dumps(CREATE)},
            },
            "response": {
                "status": status,
                "headers": [],
                "content": {"mimeType": "application/json", "text": json.dumps(body)},
            },
        }

    recorded = {"id": "tok_rec", "token": "pat_recorded_value_1234"}
    har = tmp_path / "tokens.har"
    har.write_text(json.dumps({"log": {"entries": [entry(201, recorded), entry(418, {})]}}))
    skipped = mock.replay(har)
    answer = create(mock)
    assert answer.json() == recorded
    assert len(skipped) == 1 and skipped[0].startswith(
        f"tokens.har: entry 1: POST {TOKENS} -> 418: 418 is not documented"
    )
    broken = tmp_path / "broken.har"
    broken.write_text("{")
    with pytest.raises(MockRefused, match=r"broken\.har:1: not JSON"):
        mock.replay(broken)
