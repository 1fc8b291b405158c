"""`contract mock` end to end: a real server on an ephemeral port, each documented behaviour."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from contract_core import load_spec
from mock_server.app import cors_options
from mock_server.responder import MockOptions
from mock_server.served_spec import MOCK_SERVERS
from mock_server.server import running_mock
from tests.conformance.serving import free_port, wait_until_listening
from tests.oracle import oracle_errors

SPECS = Path(__file__).parent / "specs"
CREATE = "/v1/accounts/api-tokens"
AUTH = {"Authorization": "Bearer test-token"}
REQUEST = {
    "account": {"id": "acc_42"},
    "modules": [{"id": "mod_a"}, {"id": "mod_b"}],
    "name": "CI token",
    "description": "Used by CI",
    "icon": "https://cdn.example.com/ci.png",
}
CREATED_SCHEMA = (
    "#/paths/~1v1~1accounts~1api-tokens/post/responses/201/content/application~1json/schema"
)
PROBLEM_SCHEMA = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def mock() -> Iterator[httpx.Client]:
    with running_mock() as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def _problem(response: httpx.Response, status: int) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert oracle_errors(load_spec(), PROBLEM_SCHEMA, body) == []
    assert body["status"] == status
    return body


def test_create_answers_a_valid_201_that_reflects_the_request(mock: httpx.Client) -> None:
    response = mock.post(CREATE, json=REQUEST, headers=AUTH)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert oracle_errors(load_spec(), CREATED_SCHEMA, body) == []
    assert body["account"]["id"] == "acc_42"
    assert [m["id"] for m in body["modules"]] == ["mod_a", "mod_b"]
    assert (body["name"], body["description"], body["icon"]) == (
        "CI token",
        "Used by CI",
        REQUEST["icon"],
    )
    assert body["token"].startswith("mock_")


def test_each_create_gets_a_fresh_id_and_token(mock: httpx.Client) -> None:
    first, second = (mock.post(CREATE, json=REQUEST, headers=AUTH).json() for _ in range(2))
    assert first["id"] != second["id"] and first["token"] != second["token"]
    assert second["href"].endswith(second["id"])


def test_invalid_body_lists_every_failing_field(mock: httpx.Client) -> None:
    sent = {"account": {"id": 42}, "modules": [], "nickname": "x"}
    body = _problem(mock.post(CREATE, json=sent, headers=AUTH), 400)
    pointers = sorted(error["pointer"] for error in body["errors"])
    assert pointers == ["", "/account/id", "/modules"]
    assert "3 errors" in body["detail"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"account": ', "not valid JSON"),
        (b"\xff\xfe\xfa", "not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b"", "required"),
        (b"null", "does not match"),
    ],
)
def test_unreadable_bodies_get_a_clear_400(mock: httpx.Client, raw: bytes, words: str) -> None:
    response = mock.post(CREATE, content=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert words in _problem(response, 400)["detail"]


def test_wrong_media_type_is_415(mock: httpx.Client) -> None:
    response = mock.post(
        CREATE, content=b"account=1", headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert "text/plain" in _problem(response, 415)["detail"]


def test_missing_credentials_is_401(mock: httpx.Client) -> None:
    response = mock.post(CREATE, json=REQUEST)
    _problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert (
        mock.post(CREATE, json=REQUEST, headers={"Authorization": "Basic eDp5"}).status_code == 401
    )


def test_body_over_the_limit_is_413(mock: httpx.Client) -> None:
    response = mock.post(
        CREATE,
        content=b" " * (1024 * 1024 + 1),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert "limit" in _problem(response, 413)["detail"]


def test_unknown_path_is_404_and_wrong_method_405_with_allow(mock: httpx.Client) -> None:
    assert "/nowhere" in _problem(mock.get("/nowhere", headers=AUTH), 404)["detail"]
    response = mock.delete(CREATE, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_prefer_picks_a_documented_status_example_or_seed(mock: httpx.Client) -> None:
    bad = mock.post(CREATE, json=REQUEST, headers={**AUTH, "Prefer": "code=400"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert bad.headers["preference-applied"] == "code=400"
    named = mock.post(CREATE, json=REQUEST, headers={**AUTH, "Prefer": "example=created"})
    assert named.status_code == 201 and named.json()["id"] == "tok_01HQ7ZB0R6W5S8E2J4N1KX9FQA"
    seeded = [
        mock.post(CREATE, json=REQUEST, headers={**AUTH, "Prefer": "seed=9"}).json()
        for _ in range(2)
    ]
    default = mock.post(CREATE, json=REQUEST, headers=AUTH).json()
    assert seeded[0]["audit"] == seeded[1]["audit"] != default["audit"]


@pytest.mark.parametrize(
    ("prefer", "words"),
    [
        ("code=418", "documented: 201, 400, 401, 413, 415"),
        ("example=nope", "available: created"),
        ("seed=abc", "not an integer"),
    ],
)
def test_undocumented_preferences_are_explained(
    mock: httpx.Client, prefer: str, words: str
) -> None:
    response = mock.post(CREATE, json=REQUEST, headers={**AUTH, "Prefer": prefer})
    assert words in _problem(response, 400)["detail"]


def test_cors_preflight_and_response_headers(mock: httpx.Client) -> None:
    origin = "http://localhost:5173"
    preflight = mock.options(
        CREATE,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,prefer",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    response = mock.post(CREATE, json=REQUEST, headers={**AUTH, "Origin": origin})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Preference-Applied" in response.headers["access-control-expose-headers"]


def test_cors_defaults_depend_on_the_binding() -> None:
    assert cors_options((), local_only=True)["allow_origins"] == ["*"]
    remote = cors_options((), local_only=False)
    assert "allow_origins" not in remote and "localhost" in remote["allow_origin_regex"]
    assert cors_options(("https://app.example.com",), local_only=False)["allow_origins"] == [
        "https://app.example.com"
    ]


def test_raw_spec_and_swagger_ui_are_served(mock: httpx.Client) -> None:
    spec = load_spec()
    served = mock.get("/openapi.json").json()
    assert spec.document["servers"] != served["servers"] == MOCK_SERVERS
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in spec.document.items() if k != "servers"
    }
    as_yaml = mock.get("/openapi.yaml")
    assert as_yaml.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(as_yaml.text) == served
    ui = mock.get("/ui/")
    assert ui.status_code == 200 and "swagger-ui" in ui.text
    assert "/openapi.json" in mock.get("/ui/swagger-ui-config.json").text


def test_served_spec_targets_the_mock_at_every_level(tmp_path: Path) -> None:
    """Servers at the root, on a path and on an operation would each send Swagger UI elsewhere."""
    document = yaml.safe_load((SPECS / "keywords-30.yaml").read_text())
    document["servers"] = [{"url": "https://api.vendor.example/v2"}]
    path, item = next(iter(document["paths"].items()))
    item["servers"] = [{"url": "https://path.vendor.example"}]
    method = next(m for m in item if m in ("get", "post", "put", "delete", "patch"))
    item[method]["servers"] = [{"url": "https://operation.vendor.example"}]
    spec_file = tmp_path / "vendor.yaml"
    spec_file.write_text(yaml.safe_dump(document))
    with running_mock(spec_file) as base_url:
        for served in (
            httpx.get(base_url + "/openapi.json").json(),
            yaml.safe_load(httpx.get(base_url + "/openapi.yaml").text),
        ):
            assert served["servers"] == MOCK_SERVERS
            assert (
                "servers" not in served["paths"][path]
                and "servers" not in served["paths"][path][method]
            )
            assert "vendor.example" not in json.dumps(served)
            assert (
                served["paths"][path][method]["responses"]
                == document["paths"][path][method]["responses"]
            )


def test_no_auth_and_token_options() -> None:
    with running_mock(options=MockOptions(auth=False)) as base_url:
        assert httpx.post(base_url + CREATE, json=REQUEST).status_code == 201
    with running_mock(options=MockOptions(tokens=("only-this",))) as base_url:
        assert httpx.post(base_url + CREATE, json=REQUEST, headers=AUTH).status_code == 401
        ok = httpx.post(
            base_url + CREATE, json=REQUEST, headers={"Authorization": "Bearer only-this"}
        )
        assert ok.status_code == 201


def test_any_spec_without_operation_ids_is_served() -> None:
    with running_mock(SPECS / "keywords-31.yaml") as base_url:
        response = httpx.get(base_url + "/items/17")
        assert response.status_code == 200
        assert (
            oracle_errors(
                load_spec(SPECS / "keywords-31.yaml"),
                "#/paths/~1items~1{itemId}/get/responses/200/content/application~1json/schema",
                response.json(),
            )
            == []
        )
    with running_mock(SPECS / "keywords-30.yaml") as base_url:
        assert httpx.get(base_url + "/things").status_code == 200
        assert httpx.get(base_url + "/things", headers={"Prefer": "code=404"}).status_code == 404


def _start_mock(*args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "contract_cli", "mock", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until_listening("127.0.0.1", port, timeout=60)
    return process, f"http://127.0.0.1:{port}"


def test_same_seed_same_requests_same_bytes_across_processes() -> None:
    outputs = []
    for _ in range(2):
        process, base_url = _start_mock("--seed", "3")
        try:
            outputs.append(
                [
                    httpx.post(base_url + CREATE, json=REQUEST, headers=AUTH).content
                    for _ in range(3)
                ]
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert outputs[0] == outputs[1]
    assert len(set(outputs[0])) == 3  # each create is still a new token


def test_ctrl_c_stops_cleanly_and_the_banner_says_where() -> None:
    process, base_url = _start_mock("--seed", "5")
    httpx.get(base_url + "/nowhere")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 0
    assert f"contract mock: {base_url}" in err and "1 operation(s)" in err and "seed 5" in err
    assert "GET /nowhere 404" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no such file"),
        ("openapi: 3.0.3\ninfo: [unclosed", "invalid YAML"),
        ("swagger: '2.0'\n", "Swagger 2.0 is not supported"),
    ],
)
def test_a_broken_spec_is_one_clear_error_and_exit_2(
    tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "spec.yaml"
    if content is not None:
        path.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "contract_cli", "mock", "--spec", str(path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_spec_with_no_finite_instance_is_refused_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "contract_cli",
            "mock",
            "--spec",
            str(SPECS / "required-cycle.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Account -> UserGroup -> Account" in result.stderr and "Traceback" not in result.stderr


def test_head_and_json_round_trip(mock: httpx.Client) -> None:
    assert json.loads(mock.get("/openapi.json").content)["openapi"] == "3.0.3"
    head = mock.head("/openapi.json")
    assert head.status_code == 200 and head.content == b""


OPTIONAL_BODY_SPEC = """
openapi: 3.0.3
info: {title: optional body, version: "1"}
paths:
  /notes:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {text: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: string}, text: {type: string}}}
"""


def test_an_omitted_optional_body_is_fine_and_a_sent_one_is_reflected(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text(OPTIONAL_BODY_SPEC)
    with running_mock(path) as base_url:
        assert httpx.post(base_url + "/notes").status_code == 201
        assert httpx.post(base_url + "/notes", json={"text": "hi"}).json()["text"] == "hi"


def test_several_workers_serve_the_same_answers() -> None:
    process, base_url = _start_mock("--workers", "2", "--seed", "4")
    try:
        answers = {
            httpx.post(base_url + CREATE, json=REQUEST, headers=AUTH).status_code for _ in range(6)
        }
        assert answers == {201}
    finally:
        process.terminate()
        _, err = process.communicate(timeout=15)
    assert "Traceback" not in err


def test_a_port_in_use_is_one_clear_error_and_exit_2() -> None:
    process, base_url = _start_mock()
    port = base_url.rsplit(":", 1)[1]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "contract_cli", "mock", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        process.terminate()
        process.communicate(timeout=15)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"contract: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
