"""`X-Mock-Session`: expectations and (under --stateful) resources per session, on a real mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.server import shared_database
from mock_server.sessions import session_prefix
from mock_server.sqlite_store import SharedDatabase, SqliteState
from mock_server.state import MemoryState, StateStore
from tests.mock_server.cli_mock import cli_mock

CRUD = Path(__file__).parent / "specs" / "crud.yaml"
AUTH = {"Authorization": "Bearer t"}


def session(name: str) -> dict[str, str]:
    return {**AUTH, "X-Mock-Session": name}


def pinned_pet_list(name: str) -> dict[str, Any]:
    pet = {"id": name, "name": name, "status": "available"}
    return {
        "request": {"method": "GET", "path": "/pets"},
        "response": {"status": 200, "body": {"data": [pet], "total": 1}},
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with (
        cli_mock(tmp_path_factory.mktemp("sessions"), "--spec", str(CRUD), "--stateful") as process,
        httpx.Client(base_url=process.base_url, headers=AUTH) as client,
    ):
        yield client


def listed_names(client: httpx.Client, headers: dict[str, str]) -> list[str]:
    return [pet["name"] for pet in client.get("/pets", headers=headers).json()["data"]]


def test_sessions_see_their_own_expectations_then_the_global_ones(client: httpx.Client) -> None:
    assert (
        client.post(
            "/__mock/expectations", json=pinned_pet_list("a"), headers=session("a")
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/__mock/expectations", json=pinned_pet_list("b"), headers=session("b")
        ).status_code
        == 201
    )
    assert listed_names(client, session("a")) == ["a"]
    assert listed_names(client, session("b")) == ["b"]
    assert listed_names(client, AUTH) == []  # no header: the global scope only
    assert client.post("/__mock/expectations", json=pinned_pet_list("global")).status_code == 201
    assert listed_names(client, session("c")) == ["global"]  # a session without its own: the global
    assert listed_names(client, session("a")) == ["a"]
    assert [
        e["id"]
        for e in client.get("/__mock/expectations", headers=session("a")).json()["expectations"]
    ]
    assert client.delete("/__mock/sessions/a").status_code == 204
    assert listed_names(client, session("a")) == ["global"]
    assert listed_names(client, session("b")) == ["b"]
    client.delete("/__mock/expectations")
    client.delete("/__mock/sessions/b")


def test_each_session_has_its_own_resources(client: httpx.Client) -> None:
    rex = client.post("/pets", json={"name": "Rex"}, headers=session("x")).json()
    client.post("/pets", json={"name": "Tom"}, headers=session("y"))
    client.post("/pets", json={"name": "Max"})
    assert listed_names(client, session("x")) == ["Rex"]
    assert listed_names(client, session("y")) == ["Tom"]
    assert listed_names(client, AUTH) == ["Max"]
    assert client.get(f"/pets/{rex['id']}", headers=session("y")).status_code == 404
    assert client.get(f"/pets/{rex['id']}", headers=session("x")).json() == rex
    state = client.get("/__mock/state", headers=session("x")).json()["resources"]
    assert [r["body"]["name"] for r in state] == ["Rex"]
    assert client.delete("/__mock/state", headers=session("x")).status_code == 204
    assert listed_names(client, session("x")) == []
    assert listed_names(client, session("y")) == ["Tom"]
    assert client.delete("/__mock/sessions/y").status_code == 204
    assert listed_names(client, session("y")) == []
    assert listed_names(client, AUTH) == ["Max"]
    client.delete("/__mock/state")


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest) -> Iterator[StateStore]:
    if request.param == "memory":
        yield MemoryState()
        return
    with shared_database() as path:
        yield SqliteState(SharedDatabase(path))


def test_drop_removes_a_prefix_and_nothing_else(store: StateStore) -> None:
    a, b = session_prefix("a"), session_prefix("a_b%")
    for collection in (f"{a}/pets", f"{b}/pets", "/pets"):
        store.put(collection, "1", {"in": collection})
        store.next_count(f"{collection}#n")
    store.drop(b)
    assert [r["collection"] for r in store.dump()] == [f"{a}/pets", "/pets"]
    assert store.next_count(f"{b}/pets#n") == 1 and store.next_count(f"{a}/pets#n") == 2
    store.drop(a)
    assert [r["collection"] for r in store.dump()] == ["/pets"]
