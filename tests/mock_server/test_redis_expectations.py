"""Expectations in a shared Redis (`contract mock --store redis://...`): two mock processes on one
real redis-server agree: an expectation posted to one is served by the other, a `times: 1`
expectation answers once across both, and a replayed HAR loaded by one is served by both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mock_server.cli_mock import cli_mock
from tests.mock_server.redis_server import RedisServer, redis_server_or_skip

CRUD = Path(__file__).parent / "specs" / "crud.yaml"
AUTH = {"Authorization": "Bearer t"}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(redis_server_or_skip(), tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client(15).flushdb()  # no test sees another's expectations
    return redis_server.url(15)


def test_two_mocks_on_one_redis_share_expectations_and_their_use_counts(
    tmp_path: Path, redis_url: str
) -> None:
    store = ("--store", redis_url, "--spec", str(CRUD))
    pinned = {
        "request": {"method": "POST", "path": "/pets"},
        "response": {"status": 201, "body": {"name": "Pinned once"}},
        "times": 1,
    }
    with (
        cli_mock(tmp_path, *store) as first,
        cli_mock(tmp_path, *store) as second,
        httpx.Client(headers=AUTH, timeout=10) as client,
    ):
        posted = client.post(f"{first.base_url}/__mock/expectations", json=pinned)
        assert posted.status_code == 201
        listed = client.get(f"{second.base_url}/__mock/expectations").json()["expectations"]
        answers = [
            client.post(f"{base}/pets", json={"name": "Rex"}).json()["name"]
            for base in (second.base_url, first.base_url, second.base_url)
        ]
    assert [one["id"] for one in listed] == [posted.json()["id"]]
    assert answers == ["Pinned once", "Rex", "Rex"]  # once across both, then the usual answer


def test_a_replay_loaded_by_one_mock_is_served_in_order_across_both(
    tmp_path: Path, redis_url: str
) -> None:
    names = ["First", "Second"]
    entries = [
        {
            "request": {"method": "GET", "url": "https://api.example/pets/p_1"},
            "response": {
                "status": 200,
                "headers": [],
                "content": {
                    "mimeType": "application/json",
                    "text": json.dumps({"id": "p_1", "name": name, "status": "sold"}),
                },
            },
        }
        for name in names
    ]
    har = tmp_path / "pets.har"
    har.write_text(json.dumps({"log": {"entries": entries}}), encoding="utf-8")
    store = ("--store", redis_url, "--spec", str(CRUD))
    with (
        cli_mock(tmp_path, *store, "--replay", str(har)) as first,
        cli_mock(tmp_path, *store) as second,
        httpx.Client(headers=AUTH, timeout=10) as client,
    ):
        served = [
            client.get(f"{base}/pets/p_1").json()["name"]
            for base in (second.base_url, first.base_url, second.base_url)
        ]
    assert served == ["First", "Second", "Second"]  # one sequence, the last repeating
