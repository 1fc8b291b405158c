"""`contract mock --store redis://...`: the journal and the resources in a real Redis, shared by
mock processes on different ports; a Redis missing at start or lost mid-run handled clearly."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.redis_store import RedisConnection, RedisState, redacted_url
from mock_server.state import MemoryState
from tests.conformance.serving import free_port
from tests.mock_server.cli_mock import cli_mock
from tests.mock_server.redis_server import RedisServer, redis_server_or_skip

SPECS = Path(__file__).parent / "specs"
CRUD, INT_IDS = SPECS / "crud.yaml", SPECS / "int-ids.yaml"
AUTH = {"Authorization": "Bearer t"}
_databases = itertools.count(1)  # a database of its own per test: no test sees another's keys


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(redis_server_or_skip(), tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    db = next(_databases) % 16  # redis-server's default 16 databases
    redis_server.client(db).flushdb()
    return redis_server.url(db)


def test_two_mocks_on_one_redis_share_resources_and_the_journal(
    tmp_path: Path, redis_url: str
) -> None:
    store = ("--store", redis_url, "--stateful", "--spec", str(CRUD))
    with (
        cli_mock(tmp_path, *store) as first,
        cli_mock(tmp_path, *store) as second,
        httpx.Client(headers=AUTH) as client,
    ):
        rex = client.post(f"{first.base_url}/pets", json={"name": "Rex"}).json()
        tom = client.post(f"{second.base_url}/pets", json={"name": "Tom"}).json()
        assert rex["id"] != tom["id"]
        assert client.get(f"{second.base_url}/pets/{rex['id']}").json() == rex
        for mock in (first, second):
            assert client.get(f"{mock.base_url}/pets").json() == {"data": [rex, tom], "total": 2}
        assert client.delete(f"{second.base_url}/pets/{rex['id']}").status_code == 204
        assert client.get(f"{first.base_url}/pets/{rex['id']}").status_code == 404
        journals = [client.get(f"{m.base_url}/__mock/requests").json() for m in (first, second)]
        assert journals[0] == journals[1] and len(journals[0]["requests"]) == 7
        assert all("Bearer t" not in str(entry) for entry in journals[0]["requests"])
        assert client.delete(f"{first.base_url}/__mock/requests").status_code == 204
        assert client.get(f"{second.base_url}/__mock/requests").json() == {"requests": []}
        assert f"(in {redis_url}, shared by every mock using it)" in first.log()


def test_two_mocks_on_one_redis_never_hand_out_one_id_twice(tmp_path: Path, redis_url: str) -> None:
    """One mock of one process, one of two workers (a new connection per request, for either)."""
    store = ("--store", redis_url, "--stateful", "--spec", str(INT_IDS), "--no-journal")
    with (
        cli_mock(tmp_path, *store) as first,
        cli_mock(tmp_path, *store, "--workers", "2") as second,
        httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as client,
    ):

        def create(base: str, count: int, into: list[int]) -> None:
            into.extend(
                client.post(f"{base}/pets", json={"name": "x"}).json()["id"] for _ in range(count)
            )

        made: list[list[int]] = [[], []]
        threads = [
            threading.Thread(target=create, args=(mock.base_url, 150, ids))
            for mock, ids in zip((first, second), made, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(made[0] + made[1]) == list(range(1, 301))  # one counter, INCR'd atomically
        assert len(client.get(f"{second.base_url}/pets").json()) == 300


def test_an_unreachable_redis_at_start_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    url = f"redis://:s3cret-pw@127.0.0.1:{free_port()}/0"  # nothing listens there
    result = subprocess.run(
        [sys.executable, "-m", "contract_cli", "mock", "--stateful", "--store", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"contract: error: cannot start: the mock's store {redacted_url(url)} is unreachable"
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "redis://:***@127.0.0.1:" in result.stderr


def test_a_store_url_that_is_not_redis_is_refused_at_start() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contract_cli", "mock", "--store", "http://127.0.0.1:6379"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "contract: error: cannot start: --store http://127.0.0.1:6379: use redis://HOST:PORT/DB "
        "(or rediss://, unix://)\n",
    )


def test_redis_lost_mid_run_answers_503_and_recovers_when_it_is_back(tmp_path: Path) -> None:
    redis_server = RedisServer(redis_server_or_skip(), tmp_path, password="s3cret-pw").start()
    try:
        with (
            cli_mock(
                tmp_path, "--store", redis_server.url(), "--stateful", "--spec", str(CRUD)
            ) as mock,
            httpx.Client(base_url=mock.base_url, headers=AUTH) as client,
        ):
            assert client.post("/pets", json={"name": "Rex"}).status_code == 201
            redis_server.stop()
            for lost in (
                client.post("/pets", json={"name": "Tom"}),
                client.get("/pets"),
                client.get("/__mock/requests"),
                client.get("/__mock/state"),
            ):
                assert lost.status_code == 503, lost.text
                assert lost.headers["content-type"] == "application/problem+json"
                assert "redis://:***@127.0.0.1:" in lost.json()["detail"]
                assert "s3cret-pw" not in lost.text
            # every answer depends on the store: the expectations live there too (a pinned answer
            # must not silently turn into a generated one while Redis is away)
            login = client.post("/sessions", json={"user": "ann", "password": "pw"})
            assert login.status_code == 503, login.text
            redis_server.start()  # the same port: the mock reconnects by itself
            back = client.post("/pets", json={"name": "Max"})
            assert back.status_code == 201
            assert client.get(f"/pets/{back.json()['id']}").json() == back.json()
            # what was answered while Redis was away waited, and is journaled now
            journal = client.get("/__mock/requests").json()["requests"]
            assert [(e["method"], e["path"], e["status"]) for e in journal][-5:] == [
                ("POST", "/pets", 503),
                ("GET", "/pets", 503),
                ("POST", "/sessions", 503),
                ("POST", "/pets", 201),
                ("GET", f"/pets/{back.json()['id']}", 200),
            ]
            assert mock.process.poll() is None  # up all along
            assert mock.log().count("is unreachable") <= 3  # said once per outage, not per tick
            assert "s3cret-pw" not in mock.log()
    finally:
        redis_server.stop()


def test_a_missing_redis_server_skips_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.delenv("REDIS_SERVER", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, so the Redis tests must run"):
        redis_server_or_skip()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="redis-server is not installed"):
        redis_server_or_skip()


def test_a_password_in_the_url_is_redacted() -> None:
    assert redacted_url("redis://user:pw@host:6379/2") == "redis://user:***@host:6379/2"
    assert redacted_url("redis://:pw@host/0") == "redis://:***@host/0"
    assert redacted_url("redis://host:6379/0") == "redis://host:6379/0"


def test_redis_state_counts_atomically_across_clients(redis_url: str) -> None:
    """next_count is one HINCRBY: eight clients counting at once never see one number twice."""
    seen: list[int] = []

    def count() -> None:
        state = RedisState(RedisConnection(redis_url))  # a connection of its own, as a replica
        seen.extend(state.next_count("createPet") for _ in range(50))

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 401))


def test_redis_state_drops_a_prefix_only(redis_url: str) -> None:
    state = RedisState(RedisConnection(redis_url))
    state.put("s1:/pets", "a", {"id": "a"})
    state.put("s2:/pets", "b", {"id": "b"})
    state.next_count("s1:createPet")
    state.next_count("s2:createPet")
    state.drop("s1:")
    assert state.items("s1:/pets") == [] and state.get("s1:/pets", "a") is None
    assert state.items("s2:/pets") == [{"id": "b"}]
    assert (state.next_count("s1:createPet"), state.next_count("s2:createPet")) == (1, 2)
    state.clear()
    assert state.dump() == [] and state.next_count("s2:createPet") == 1


# Property: RedisState answers as MemoryState does, eviction and insertion order included.
steps = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "count"]),
        st.sampled_from(["/pets", "/users/1/pets", "/users/2/pets"]),
        st.sampled_from("abcdef"),
        st.integers(0, 3),
    ),
    max_size=30,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_redis_state_behaves_like_memory_state(
    redis_url: str, steps: list[tuple[str, str, str, int]]
) -> None:
    redis_state = RedisState(RedisConnection(redis_url), limit=5)
    redis_state.clear()
    memory = MemoryState(limit=5)
    for action, collection, key, version in steps:
        for state in (memory, redis_state):
            if action == "put":
                state.put(collection, key, {"id": key, "version": version})
        if action == "delete":
            assert memory.delete(collection, key) == redis_state.delete(collection, key)
        if action == "count":
            assert memory.next_count(collection) == redis_state.next_count(collection)
        for place in ("/pets", "/users/1/pets", "/users/2/pets"):
            assert redis_state.items(place) == memory.items(place)
            assert redis_state.get(place, key) == memory.get(place, key)
    assert redis_state.dump() == memory.dump()


def test_the_store_can_be_set_in_contract_toml(tmp_path: Path, redis_url: str) -> None:
    """`[mock] store = "..."`: the same option, through the config table."""
    (tmp_path / "contract.toml").write_text(
        f'[mock]\nstore = "{redis_url}"\nstateful = true\nspec = "{CRUD}"\n'
    )
    with (
        cli_mock(tmp_path, "--config", str(tmp_path / "contract.toml")) as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as client,
    ):
        made = client.post("/pets", json={"name": "Rex"}).json()
    state = RedisState(RedisConnection(redis_url))
    assert state.items("/pets") == [made]
