"""Expectations (`/__mock/expectations`): held to the contract when posted, served in priority,
used up, sequenced; on a real `contract mock` process, and shared by workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_core import load_spec
from mock_server.expectation_book import ExpectationBook
from mock_server.expectations import InvalidExpectation, compile_expectation, contains, merge
from mock_server.responder import Responder
from mock_server.server import Features, running_mock, shared_database
from mock_server.state import MemoryState
from tests.mock_server.cli_mock import cli_mock
from tests.oracle import oracle_errors

AUTH = {"Authorization": "Bearer t"}
TOKENS = "/v1/accounts/api-tokens"
TOKEN = "#/components/schemas/ApiToken"
CREATE = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}]}
CRUD = Path(__file__).parent / "specs" / "crud.yaml"


def expectation(response: Any = None, **more: Any) -> dict[str, Any]:
    answer = {"response": response or {"status": 201}} if "responses" not in more else {}
    return {"request": {"method": "POST", "path": TOKENS}, **answer, **more}


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with (
        cli_mock(tmp_path_factory.mktemp("mock")) as process,
        httpx.Client(base_url=process.base_url, headers=AUTH) as client,
    ):
        yield client


@pytest.fixture
def client(mock: httpx.Client) -> httpx.Client:
    assert mock.delete("/__mock/expectations").status_code == 204
    return mock


def create(client: httpx.Client, **kwargs: Any) -> httpx.Response:
    return client.post(TOKENS, json=kwargs.pop("json", CREATE), **kwargs)


def test_a_partial_body_is_merged_into_the_fixture_and_served(client: httpx.Client) -> None:
    posted = client.post(
        "/__mock/expectations", json=expectation({"status": 201, "body": {"name": "Pinned"}})
    )
    assert posted.status_code == 201
    token = create(client, json={**CREATE, "description": "reflected"}).json()
    assert token["name"] == "Pinned" and token["description"] == "reflected"  # reflection goes on
    assert oracle_errors(load_spec(), TOKEN, token) == []
    journal = client.get("/__mock/requests").json()["requests"]
    assert journal[-1]["expectation"] == posted.json()["id"]


def test_a_body_that_breaks_the_schema_is_refused_naming_both_pointers(
    client: httpx.Client,
) -> None:
    refused = client.post(
        "/__mock/expectations", json=expectation({"status": 201, "body": {"id": 5}})
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert "`/id`: 5 is not of type" in problem["detail"]
    assert problem["errors"][0] == {
        "pointer": "/response/body/id",
        "body_pointer": "/id",
        "schema_pointer": f"{TOKEN}/properties/id/type",
        "detail": '5 is not of type "string"',
    }
    assert client.get("/__mock/expectations").json() == {"expectations": []}


@pytest.mark.parametrize(
    ("document", "pointer", "says"),
    [
        (expectation({"status": 418}), "/response/status", "418 is not documented"),
        (
            {"request": {"method": "POST", "path": "/v1/nope"}, "response": {"status": 201}},
            "/request/path",
            "no documented path",
        ),
        (
            {"request": {"method": "GET", "path": TOKENS}, "response": {"status": 201}},
            "/request/method",
            "GET is not documented",
        ),
        (expectation({"status": 201, "fault": "timeout"}), "/response", "either"),
        (expectation({"fault": "explode"}), "/response/fault", "explode"),
        (expectation(times=0), "/times", "0"),
    ],
)
def test_an_expectation_off_the_contract_is_refused(
    client: httpx.Client, document: dict[str, Any], pointer: str, says: str
) -> None:
    refused = client.post("/__mock/expectations", json=document)
    assert refused.status_code == 400, refused.text
    assert any(e["pointer"] == pointer and says in e["detail"] for e in refused.json()["errors"]), (
        refused.text
    )


def test_times_runs_out_then_the_mock_answers_as_usual(client: httpx.Client) -> None:
    client.post("/__mock/expectations", json=expectation({"status": 400}, times=2))
    assert [create(client).status_code for _ in range(3)] == [400, 400, 201]


def test_a_sequence_repeats_its_last_answer(client: httpx.Client) -> None:
    answers = [{"status": 400}, {"status": 201, "body": {"name": "second"}}]
    client.post("/__mock/expectations", json=expectation(responses=answers))
    served = [create(client) for _ in range(3)]
    assert [r.status_code for r in served] == [400, 201, 201]
    assert served[1].json()["name"] == served[2].json()["name"] == "second"


def test_a_sequence_then_fallback_falls_back(client: httpx.Client) -> None:
    answers = [{"status": 401}, {"status": 201, "body": {"name": "once"}}]
    client.post("/__mock/expectations", json=expectation(responses=answers, then="fallback"))
    served = [create(client) for _ in range(3)]
    assert [r.status_code for r in served] == [401, 201, 201]
    assert served[1].json()["name"] == "once" != served[2].json()["name"]


def test_matching_on_body_headers_and_query(client: httpx.Client) -> None:
    request = {
        "method": "POST",
        "path": TOKENS,
        "body": {"account": {"id": "acc_special"}},
        "headers": {"X-Test": "yes"},
        "query": {"dry": "1"},
    }
    client.post("/__mock/expectations", json={"request": request, "response": {"status": 400}})
    special = {**CREATE, "account": {"id": "acc_special"}}
    assert (
        create(client, json=special, headers={"x-test": "yes"}, params={"dry": "1"}).status_code
        == 400
    )
    assert create(client, json=special, headers={"x-test": "yes"}).status_code == 201
    assert create(client, json=special, params={"dry": "1"}).status_code == 201
    assert create(client, headers={"x-test": "yes"}, params={"dry": "1"}).status_code == 201


def test_list_delete_one_and_clear(client: httpx.Client) -> None:
    first = client.post("/__mock/expectations", json=expectation({"status": 400})).json()["id"]
    second = client.post(
        "/__mock/expectations", json=expectation({"status": 401}, id="mine")
    ).json()["id"]
    assert second == "mine"
    listed = client.get("/__mock/expectations").json()["expectations"]
    assert [e["id"] for e in listed] == [first, "mine"]
    assert create(client).status_code == 401  # the newest first
    assert client.delete("/__mock/expectations/mine").status_code == 204
    assert client.delete("/__mock/expectations/mine").status_code == 404
    assert create(client).status_code == 400
    assert client.delete("/__mock/expectations").status_code == 204
    assert client.get("/__mock/expectations").json() == {"expectations": []}
    assert create(client).status_code == 201


def test_a_list_is_posted_whole_or_not_at_all(client: httpx.Client) -> None:
    refused = client.post(
        "/__mock/expectations", json=[expectation(), expectation({"status": 418})]
    )
    assert (
        refused.status_code == 400
        and refused.json()["errors"][0]["pointer"] == "/1/response/status"
    )
    assert client.get("/__mock/expectations").json() == {"expectations": []}
    assert len(client.post("/__mock/expectations", json=[expectation(), expectation()]).json()) == 2


def test_a_delay_on_an_answer(client: httpx.Client) -> None:
    client.post("/__mock/expectations", json=expectation({"status": 201, "delay_ms": 300}))
    assert create(client).elapsed.total_seconds() >= 0.3


def test_expectations_come_before_stateful_resources(tmp_path: Path) -> None:
    with (
        cli_mock(tmp_path, "--spec", str(CRUD), "--stateful") as process,
        httpx.Client(base_url=process.base_url, headers=AUTH) as client,
    ):
        pet = client.post("/pets", json={"name": "Rex"}).json()
        pinned = {
            "request": {"method": "GET", "path": f"/pets/{pet['id']}"},
            "response": {"status": 200, "body": {"name": "Pinned"}},
            "times": 1,
        }
        assert client.post("/__mock/expectations", json=pinned).status_code == 201
        assert client.get(f"/pets/{pet['id']}").json()["name"] == "Pinned"
        assert client.get(f"/pets/{pet['id']}").json() == pet  # used up: the stored one again


def test_two_mocks_on_one_store_share_expectations_and_their_counts() -> None:
    """What --workers relies on, made deterministic: a times=1 expectation answers once in all."""
    with shared_database() as database:
        features = Features(shared_db=database)
        with (
            running_mock(features=features) as first,
            running_mock(features=features) as second,
            httpx.Client(headers=AUTH) as client,
        ):
            client.post(f"{first}/__mock/expectations", json=expectation({"status": 400}, times=1))
            assert len(client.get(f"{second}/__mock/expectations").json()["expectations"]) == 1
            statuses = [
                client.post(f"{base}{TOKENS}", json=CREATE).status_code
                for base in (second, first) * 3
            ]
            assert statuses == [400] + [201] * 5


def test_workers_share_expectations_and_times(tmp_path: Path) -> None:
    with cli_mock(tmp_path, "--workers", "2") as process:

        def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
            with httpx.Client(
                base_url=process.base_url, headers=AUTH
            ) as client:  # a fresh connection
                return client.request(method, path, **kwargs)

        call("POST", "/__mock/expectations", json=expectation({"status": 400}, times=1))
        call("POST", "/__mock/expectations", json=expectation({"status": 401}, times=3))
        statuses = [call("POST", TOKENS, json=CREATE).status_code for _ in range(20)]
        assert statuses[:4] == [401, 401, 401, 400] and set(statuses[4:]) == {201}


# -- without HTTP: the property ---------------------------------------------------------------

_RESPONDER = Responder(load_spec())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=4,
)
_FIELDS = st.sampled_from(
    ["id", "name", "description", "token", "account", "modules", "icon", "created_at", "extra"]
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_FIELDS, _JSON, max_size=3), st.text(max_size=5))
def test_a_posted_body_is_refused_or_always_served_valid(pinned: dict[str, Any], name: str) -> None:
    book = ExpectationBook(_RESPONDER, MemoryState())
    try:
        book.post(expectation({"status": 201, "body": pinned}))
    except InvalidExpectation as exc:
        assert exc.refusals and all(r.pointer.startswith("/response/body") for r in exc.refusals)
        return
    plan = _RESPONDER.plans["createApiToken"]
    sent = {**CREATE, "name": name}
    found = book.find("", plan, TOKENS, "", {}, sent)
    assert found is not None
    served = orjson.loads(book.reply(plan, *found, sent).body)
    assert oracle_errors(_RESPONDER.spec, TOKEN, served) == []
    assert contains(served, pinned)  # the pinned fields always win over reflection


def test_merge_and_contains() -> None:
    assert merge({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": 3}, "d": []}) == {
        "a": {"b": 3, "c": 2},
        "d": [],
    }
    assert contains({"a": {"b": 1, "c": 2}, "d": 1}, {"a": {"b": 1}})
    assert not contains({"a": {"b": 1}}, {"a": {"b": 2}}) and not contains({"a": 1}, {"a": True})


def test_compiling_needs_a_documented_operation() -> None:
    with pytest.raises(InvalidExpectation) as refused:
        compile_expectation(
            {"request": {"method": "POST", "path": "/x"}, "response": {"status": 201}},
            _RESPONDER,
            "x",
        )
    assert refused.value.refusals[0].pointer == "/request/path"


def test_the_index_keeps_priority_across_keyed_and_unkeyed_expectations() -> None:
    book = ExpectationBook(_RESPONDER, MemoryState())
    plain = book.post(expectation({"status": 400}, id="plain"))
    for case in ("a", "b"):
        with_header = {"method": "POST", "path": TOKENS, "headers": {"X-Case": case}}
        book.post({"request": with_header, "response": {"status": 401}, "id": f"header-{case}"})
    with_body = {"method": "POST", "path": TOKENS, "body": {"name": "x"}}
    book.post({"request": with_body, "response": {"status": 413}, "id": "body"})
    plan = _RESPONDER.plans["createApiToken"]

    def first(headers: dict[str, str], sent: Any) -> str | None:
        found = book.find("", plan, TOKENS, "", headers, sent)
        return found[0].id if found else None

    assert first({"x-case": "b"}, {**CREATE, "name": "x"}) == "body"  # the newest first
    assert first({"x-case": "b"}, CREATE) == "header-b"
    assert first({"x-case": "c"}, {**CREATE, "name": 1}) == plain.id
    assert first({}, CREATE) == plain.id
    book.remove("plain")
    assert first({}, CREATE) is None and first({"x-case": "a"}, CREATE) == "header-a"


def test_the_listing_redacts_credentials_and_secret_fields(client: httpx.Client) -> None:
    request = {
        "method": "POST",
        "path": TOKENS,
        "headers": {"Authorization": "Bearer sekrit-value"},
        "query": {"api_key": "sekrit-key", "dry": "1"},
    }
    pinned = {"status": 201, "body": {"token": "pat_live_pinned_secret_value", "name": "Seen"}}
    assert (
        client.post(
            "/__mock/expectations", json={"request": request, "response": pinned}
        ).status_code
        == 201
    )
    listed = client.get("/__mock/expectations").text
    assert "sekrit" not in listed and "pinned_secret" not in listed
    [shown] = orjson.loads(listed)["expectations"]
    assert shown["request"]["headers"] == {"Authorization": "[REDACTED]"}
    assert shown["request"]["query"] == {"api_key": "[REDACTED]", "dry": "1"}
    assert shown["response"]["body"] == {"token": "[REDACTED]", "name": "Seen"}
    served = create(
        client,
        headers={"Authorization": "Bearer sekrit-value"},
        params={"api_key": "sekrit-key", "dry": "1"},
    )
    assert served.json()["token"] == "pat_live_pinned_secret_value"  # served as pinned


def test_reposting_restarts_the_count_unless_a_file_reloads_it_unchanged() -> None:
    book = ExpectationBook(_RESPONDER, MemoryState())
    plan = _RESPONDER.plans["createApiToken"]
    once = expectation({"status": 400}, id="once", times=1)
    book.post(once)
    assert book.find("", plan, TOKENS, "", {}, CREATE) is not None
    assert book.find("", plan, TOKENS, "", {}, CREATE) is None
    book.post(once, keep_unchanged=True)  # another worker loading the same file
    assert book.find("", plan, TOKENS, "", {}, CREATE) is None
    book.post(once)
    assert book.find("", plan, TOKENS, "", {}, CREATE) is not None


def test_admin_errors_are_problems(client: httpx.Client) -> None:
    broken = client.post("/__mock/expectations", content=b"{not json")
    assert broken.status_code == 400 and "not JSON" in broken.json()["detail"]
    assert client.put("/__mock/expectations", json={}).status_code == 405
    assert client.get("/__mock/expectations/some-id").status_code == 405
    assert client.delete("/__mock/sessions/").status_code == 404


def test_expectations_survive_a_spec_reload_and_one_the_new_spec_breaks_is_skipped(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "pets.yaml"
    original = CRUD.read_text(encoding="utf-8")
    spec.write_text(original, encoding="utf-8")
    with (
        cli_mock(tmp_path, "--spec", str(spec), "--watch") as process,
        httpx.Client(base_url=process.base_url, headers=AUTH) as client,
    ):
        for path, status in (("/pets/kept", 401), ("/pets/broken", 404)):
            pinned = {"request": {"method": "GET", "path": path}, "response": {"status": status}}
            assert client.post("/__mock/expectations", json=pinned).status_code == 201
        assert client.get("/pets/broken").status_code == 404
        # the new version documents GET /pets/{petId} without its 404
        edited = original.replace(
            '        "404": {$ref: "#/components/responses/Problem"}\n', "", 1
        )
        assert edited != original
        spec.write_text(
            edited.replace("/pets/{petId}:", "/pets/{petId}:\n    description: edited", 1),
            encoding="utf-8",
        )
        process.wait_for_log("reloaded:")
        assert client.get("/pets/kept").status_code == 401  # still documented: still served
        # 404 is not documented any more: skipped, and the stateless mock answers its 200
        assert client.get("/pets/broken").status_code == 200
        assert "no longer fits the spec" in process.wait_for_log("no longer fits the spec")
        assert len(client.get("/__mock/expectations").json()["expectations"]) == 2  # still stored


def test_a_full_scope_refuses_more_and_never_evicts(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_server import expectation_book
    from mock_server.expectation_book import TooManyExpectations

    monkeypatch.setattr(expectation_book, "MAX_EXPECTATIONS", 2)
    book = ExpectationBook(_RESPONDER, MemoryState())
    book.post(expectation(id="one"))
    book.post(expectation(id="two"))
    with pytest.raises(TooManyExpectations, match="holds 2 expectations"):
        book.post(expectation(id="three"))
    book.post(expectation({"status": 400}, id="two"))  # replacing one is not adding one
    book.post(expectation(id="three"), scope="session:s:")  # another scope
    assert [e["id"] for e in book.listed()] == ["one", "two"]


def test_a_nested_body_field_keys_the_lookup() -> None:
    """100 expectations on one operation that differ by `account.id` are looked up, not tried one by
    one (each would otherwise be a candidate for every request)."""
    book = ExpectationBook(_RESPONDER, MemoryState())
    for n in range(100):
        nested = {"method": "POST", "path": TOKENS, "body": {"account": {"id": f"acc_{n}"}}}
        book.post({"request": nested, "response": {"status": 400}, "id": f"acc-{n}"})
    plan = _RESPONDER.plans["createApiToken"]
    bucket = next(iter(book._scope_index("").values()))
    assert not bucket.everywhere and len(bucket.keyed) == 100
    sent = {**CREATE, "account": {"id": "acc_42"}}
    assert [e.id for e in bucket.candidates("", {}, sent)] == ["acc-42"]
    found = book.find("", plan, TOKENS, "", {}, sent)
    assert found is not None and found[0].id == "acc-42"
    assert book.find("", plan, TOKENS, "", {}, {**CREATE, "account": {"id": "acc_x"}}) is None
