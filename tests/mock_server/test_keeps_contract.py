"""What vendor specs ask of the mock, end to end on a real server: reflection field by field and
through `anyOf`, fresh ids and secrets on every creation despite the spec's examples, form bodies
read per OpenAPI's encoding rules, multipart bodies validated, errors in the documented shape."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_core import load_spec
from contract_core.validation import SchemaValidator
from mock_server.server import running_mock

SPEC = Path(__file__).parent / "specs" / "keeps-contract.yaml"
AUTH = {"Authorization": "Bearer t"}
ERROR_SCHEMA = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def mock() -> Iterator[httpx.Client]:
    with (
        running_mock(SPEC) as base_url,
        httpx.Client(base_url=base_url, headers=AUTH, timeout=10) as client,
    ):
        yield client


def test_each_value_is_reflected_even_when_another_cannot_be(mock: httpx.Client) -> None:
    sent = {
        "name": "far too long for the response",
        "nickname": "Nick",
        "count": 7,
        "format": None,
        "kind": "not in the response enum",
        "tags": ["a", "b", "c"],
    }
    body = mock.post("/accounts", json=sent).json()
    assert (body["nickname"], body["count"], body["format"], body["tags"]) == (
        "Nick",
        7,
        None,
        ["a", "b", "c"],
    )
    # the response cannot hold them
    assert body.get("name") != sent["name"] and body.get("kind") != sent["kind"]
    assert body["object"] in ("account", "card")


def test_form_bodies_follow_openapis_encoding_rules(mock: httpx.Client) -> None:
    form = "default_for_currency=false&expand=a&expand=b&metadata[k]=v&count=3"
    response = mock.post(
        "/accounts", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    body = response.json()
    assert response.status_code == 200, body
    assert (body["default_for_currency"], body["metadata"], body["count"]) == (False, {"k": "v"}, 3)
    one_long_item = "expand=" + "0" * 4500  # one occurrence of an exploded array: a one-item array
    assert (
        mock.post(
            "/accounts",
            content=one_long_item,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 200
    )
    bad = mock.post(
        "/accounts",
        content="count=abc",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 400 and SchemaValidator(load_spec(SPEC)).is_valid(
        bad.json(), ERROR_SCHEMA
    )


def test_every_creation_gets_fresh_ids_and_secrets_not_the_examples(mock: httpx.Client) -> None:
    created = [mock.post("/numbers").json() for _ in range(60)]
    for field, example in (
        ("id", 1234),
        ("client_secret", "cs_example"),
        ("api_token", "same-every-time"),
    ):
        values = [body[field] for body in created if field in body]
        assert example not in values and len(set(values)) == len(values), field
    accounts = [mock.post("/accounts", json={}).json()["id"] for _ in range(5)]
    assert len(set(accounts)) == 5 and "acct_1234" not in accounts  # through anyOf


def test_multipart_bodies_are_validated_and_reflected(mock: httpx.Client) -> None:
    ok = mock.post(
        "/files",
        files={"file": ("a.bin", b"\x00\xff binary")},
        data={"purpose": "batch", "bytes": "12"},
    )
    assert ok.status_code == 200 and (ok.json()["purpose"], ok.json()["bytes"]) == ("batch", 12)
    missing = mock.post("/files", data={"purpose": "batch"}, files={"other": ("x.txt", b"1")})
    assert missing.status_code == 400, missing.text
    # no error documented: ours
    assert missing.headers["content-type"] == "application/problem+json"
    assert [e["detail"] for e in missing.json()["errors"]] == ['"file" is a required property']
    json_part = mock.post(
        "/files",
        data={"purpose": "batch"},
        files={"file": ("a", b"1"), "meta": (None, b'{"tag": "x"}', "application/json")},
    )
    assert json_part.status_code == 200, json_part.text
    not_json = mock.post(
        "/files", files={"file": ("a", b"1")}, data={"purpose": "batch", "meta": "{not json"}
    )
    assert not_json.status_code == 400
    unreadable = mock.post(
        "/files", content=b"garbage", headers={"Content-Type": "multipart/form-data"}
    )
    assert unreadable.status_code == 400


def test_errors_come_in_the_documented_shape(mock: httpx.Client) -> None:
    validator = SchemaValidator(load_spec(SPEC))
    for response in (
        httpx.post(str(mock.base_url) + "/accounts", json={}),  # no credentials
        mock.post("/accounts", json={"count": "seven"}),
    ):
        assert response.status_code in (400, 401)
        assert response.headers["content-type"] == "application/json"
        assert validator.is_valid(response.json(), ERROR_SCHEMA), response.text


def _raw_exchange(base_url: str, request: bytes) -> bytes:
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        return b"".join(iter(lambda: connection.recv(65536), b""))


def test_requests_the_http_layer_cannot_read_get_the_mocks_errors(mock: httpx.Client) -> None:
    """Not uvicorn's plain-text 400: 414 for a request target over the parser's limit, 400 otherwise,
    in the operation's documented error shape (here its `default` JSON error)."""
    base_url = str(mock.base_url).rstrip("/")
    too_long = _raw_exchange(
        base_url, b"POST /accounts?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    head, _, body = too_long.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ") and b"content-type: application/json" in head
    assert SchemaValidator(load_spec(SPEC)).is_valid(json.loads(body), ERROR_SCHEMA)
    bad_header = _raw_exchange(base_url, b"GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Bad: \x00\r\n\r\n")
    head, _, body = bad_header.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/problem+json" in head
    assert json.loads(body)["status"] == 400
