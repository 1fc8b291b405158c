"""`contract mock --stateful`: a CRUD round trip on a real server, one worker and several."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_core import load_spec
from contract_core.resources import Resource, infer_resources
from mock_server.responder import Responder
from mock_server.server import Features, running_mock, shared_database
from mock_server.state import MemoryState, Stateful, list_slot
from tests.mock_server.cli_mock import cli_mock
from tests.oracle import oracle_errors

CRUD = Path(__file__).parent / "specs" / "crud.yaml"
AUTH = {"Authorization": "Bearer t"}
PET = "#/components/schemas/Pet"
LIST = "#/paths/~1pets/get/responses/200/content/application~1json/schema"


def test_resources_and_list_shapes_are_inferred_from_the_spec() -> None:
    spec = load_spec(CRUD)
    assert infer_resources(spec) == [Resource("/pets", "/pets/{petId}", "petId")]
    assert list_slot(spec, LIST) == ("data", f"{LIST}/properties/data/items")
    # at start-up
    assert Stateful(Responder(spec), MemoryState()).list_slots == {
        "listPets": list_slot(spec, LIST)
    }
    assert infer_resources(load_spec()) == []  # our contract: one create, no item path yet


def round_trip(client: httpx.Client) -> None:
    """Create, read, list, patch, replace, delete; every answer valid against its schema."""
    spec = load_spec(CRUD)
    rex = client.post("/pets", json={"name": "Rex", "status": "pending"}).json()
    tom = client.post("/pets", json={"name": "Tom", "tag": "cat"}).json()
    assert rex["id"] != tom["id"] and (rex["name"], tom["tag"]) == ("Rex", "cat")
    assert client.get(f"/pets/{rex['id']}").json() == rex
    listed = client.get("/pets").json()
    assert listed == {"data": [rex, tom], "total": 2} and oracle_errors(spec, LIST, listed) == []
    patched = client.patch(f"/pets/{rex['id']}", json={"status": "sold"}).json()
    assert (
        patched == {**rex, "status": "sold"} and client.get(f"/pets/{rex['id']}").json() == patched
    )
    replaced = client.put(f"/pets/{rex['id']}", json={"name": "Max", "tag": "dog"}).json()
    assert (replaced["id"], replaced["name"], replaced["tag"]) == (rex["id"], "Max", "dog")
    assert oracle_errors(spec, PET, replaced) == []
    assert client.delete(f"/pets/{rex['id']}").status_code == 204
    gone = client.get(f"/pets/{rex['id']}")
    assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
    assert client.delete(f"/pets/{rex['id']}").status_code == 404
    assert client.patch("/pets/never-made", json={"name": "x"}).status_code == 404
    assert client.get("/pets").json() == {"data": [tom], "total": 1}


def test_our_contract_under_stateful_still_creates_valid_tokens() -> None:
    created = (
        "#/paths/~1v1~1accounts~1api-tokens/post/responses/201/content/application~1json/schema"
    )
    with (
        running_mock(features=Features(stateful=True)) as base,
        httpx.Client(base_url=base, headers=AUTH) as client,
    ):
        first, second = (
            client.post(
                "/v1/accounts/api-tokens",
                json={"account": {"id": "acc_1"}, "modules": [{"id": "m"}]},
            )
            for _ in range(2)
        )
    assert (first.status_code, second.status_code) == (201, 201) and first.json()[
        "id"
    ] != second.json()["id"]
    assert oracle_errors(load_spec(), created, first.json()) == []


def test_crud_round_trip_on_a_real_server(tmp_path: Path) -> None:
    with (
        cli_mock(tmp_path, "--spec", str(CRUD), "--stateful") as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as client,
    ):
        round_trip(client)
        assert len(client.get("/__mock/state").json()["resources"]) == 1
        assert client.delete("/__mock/state").status_code == 204
        assert client.get("/pets").json() == {"data": [], "total": 0}
        assert "state http://" in mock.log()


def test_workers_share_the_state_and_the_journal(tmp_path: Path) -> None:
    """A new connection per request, so both workers answer; none may miss what the other stored."""
    with cli_mock(tmp_path, "--spec", str(CRUD), "--stateful", "--workers", "2") as mock:

        def call(method: str, path: str, **kwargs: object) -> httpx.Response:
            with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:  # a fresh connection
                return client.request(method, path, **kwargs)  # type: ignore[arg-type]

        ids = [call("POST", "/pets", json={"name": f"pet {i}"}).json()["id"] for i in range(12)]
        assert len(set(ids)) == 12  # one counter for both workers: no id handed out twice
        assert all(call("GET", f"/pets/{pet}").status_code == 200 for pet in ids for _ in range(2))
        assert [pet["id"] for pet in call("GET", "/pets").json()["data"]] == ids
        assert call("DELETE", f"/pets/{ids[0]}").status_code == 204
        assert all(call("GET", f"/pets/{ids[0]}").status_code == 404 for _ in range(4))
        journal = call("GET", "/__mock/requests").json()["requests"]
        assert len(journal) == 12 + 24 + 1 + 1 + 4
        assert "shared by the workers" in mock.log()


def test_two_mocks_on_one_shared_file_see_each_others_writes() -> None:
    """What the workers rely on, made deterministic: two servers, one SQLite file."""
    with shared_database() as database:
        features = Features(stateful=True, shared_db=database)
        with (
            running_mock(CRUD, features=features) as first,
            running_mock(CRUD, features=features) as second,
            httpx.Client(headers=AUTH) as client,
        ):
            made = [
                client.post(f"{base}/pets", json={"name": "x"}).json()["id"]
                for base in (first, second) * 2
            ]
            assert len(set(made)) == 4  # one id counter
            assert [p["id"] for p in client.get(f"{second}/pets").json()["data"]] == made
            assert client.delete(f"{first}/pets/{made[1]}").status_code == 204
            assert client.get(f"{second}/pets/{made[1]}").status_code == 404
            assert len(second.requests()) == len(first.requests()) == 7
            first.clear_requests()
            assert second.requests() == []


def test_memory_state_is_bounded_oldest_first() -> None:
    by_count = MemoryState(limit=3)
    for key in "abcde":
        by_count.put("/pets", key, {"id": key})
    assert [pet["id"] for pet in by_count.items("/pets")] == ["c", "d", "e"]
    by_size = MemoryState(max_bytes=130)  # each pet is 60 bytes of JSON
    for key in "abcd":
        by_size.put("/pets", key, {"id": key, "note": "x" * 40})
    assert [pet["id"] for pet in by_size.items("/pets")] == ["c", "d"]
    assert by_size.delete("/pets", "c") and not by_size.delete("/pets", "c")
    by_size.clear()
    assert by_size.dump() == []


def test_same_seed_same_resources() -> None:
    bodies = []
    for _ in range(2):
        with (
            running_mock(CRUD, features=Features(stateful=True)) as base,
            httpx.Client(base_url=base, headers=AUTH) as client,
        ):
            for name in ("a", "b"):
                client.post("/pets", json={"name": name})
            bodies.append(client.get("/pets").text)
    assert bodies[0] == bodies[1]


@pytest.fixture(scope="module")
def stateful_mock() -> object:
    with running_mock(CRUD, features=Features(stateful=True)) as base:
        yield base


operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "read", "patch", "delete", "list"]),
        st.integers(0, 3),
        st.sampled_from(["available", "pending", "sold"]),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_the_mock_behaves_like_a_dictionary_of_pets(
    stateful_mock: object, steps: list[tuple[str, int, str]]
) -> None:
    """Property: after any sequence of calls the mock answers as a plain dict of pets would."""
    spec = load_spec(CRUD)
    with httpx.Client(base_url=str(stateful_mock), headers=AUTH) as client:
        client.delete("/__mock/state")
        model: dict[str, dict[str, object]] = {}
        made: list[str] = []
        for action, index, status in steps:
            pet = made[index % len(made)] if made else "unknown"
            if action == "create":
                body = client.post("/pets", json={"name": f"p{len(made)}", "status": status}).json()
                model[body["id"]] = body
                made.append(body["id"])
            elif action == "patch":
                answer = client.patch(f"/pets/{pet}", json={"status": status})
                assert answer.status_code == (200 if pet in model else 404)
                if pet in model:
                    model[pet] = {**model[pet], "status": status}
            elif action == "delete":
                assert client.delete(f"/pets/{pet}").status_code == (
                    204 if model.pop(pet, None) else 404
                )
            elif action == "read":
                answer = client.get(f"/pets/{pet}")
                assert (answer.status_code, answer.json() if pet in model else None) == (
                    200 if pet in model else 404,
                    model.get(pet),
                )
            listed = client.get("/pets").json()
            assert listed == {"data": list(model.values()), "total": len(model)}
            assert oracle_errors(spec, LIST, listed) == []


CORPUS_ROUND_TRIPS = [  # (spec file, collection, create body, sent as a form?, update method)
    (
        "stripe-2021-08-23-spec3.json",
        "/v1/customers",
        {"email": "ann@example.com", "name": "Ann"},
        True,
        "POST",
    ),
    ("openai-openapi.yaml", "/assistants", {"model": "gpt-4o", "name": "Ann"}, False, "POST"),
]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file", "collection", "body", "form", "update"),
    CORPUS_ROUND_TRIPS,
    ids=[case[0].split("-")[0] for case in CORPUS_ROUND_TRIPS],
)
def test_vendor_specs_round_trip(
    file: str, collection: str, body: dict[str, str], form: bool, update: str
) -> None:
    from tests.conftest import corpus_dir

    folder = corpus_dir()
    if folder is None:
        pytest.skip("no corpus folder (set CONTRACT_CORPUS)")
    spec = load_spec(folder / file)
    send = {"data": body} if form else {"json": body}
    with (
        running_mock(spec, features=Features(stateful=True)) as base,
        httpx.Client(base_url=base, headers=AUTH, timeout=60) as client,
    ):
        created = client.post(collection, **send).json()  # type: ignore[arg-type]
        item = f"{collection}/{created['id']}"
        assert client.get(item).json() == created
        assert created["id"] in [entry["id"] for entry in client.get(collection).json()["data"]]
        changed = (
            {"data": {"name": "Bob"}} if form else {"json": {"model": "gpt-4o", "name": "Bob"}}
        )
        assert client.request(update, item, **changed).json()["name"] == "Bob"  # type: ignore[arg-type]
        assert client.get(item).json()["name"] == "Bob"
        assert client.delete(item).json()["id"] == created["id"]
        assert client.get(item).status_code == 404


def test_conform_finds_nothing_against_the_stateful_mock(tmp_path: Path) -> None:
    """Schemathesis' requests (creates, reads of ids it made and of ids it invented, updates,
    deletes) against --stateful: every answer documented and schema-valid."""
    with cli_mock(tmp_path, "--spec", str(CRUD), "--stateful", "--token", "T") as mock:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "contract_cli",
                "conform",
                "--base-url",
                mock.base_url,
                "--spec",
                str(CRUD),
                "-H",
                "Authorization: Bearer T",
                "--max-requests",
                "400",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    created = re.search(r"(\d+) resource\(s\) created", result.stdout)
    assert created is not None and int(created[1]) > 0, result.stdout[-1000:]
