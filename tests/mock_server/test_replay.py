"""`contract mock --replay FILE.har`: recorded exchanges served again, held to the contract.

A record made by `contract proxy --record` in front of a real `contract mock`, replayed by another;
a browser-style HAR (Chromium's fields: `_resourceType`, HTTP/2 pseudo-headers, cookies, a decoded
gzip body); answers that break the spec listed at start and never served; a file that is no HAR
refused with one line and exit 2."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_cli import main
from mock_server.server import Features, running_mock
from tests.conformance.serving import wait_until_listening
from tests.mock_server.cli_mock import cli_mock

CRUD = Path(__file__).parent / "specs" / "crud.yaml"
AUTH = {"Authorization": "Bearer t"}
PROXY_BANNER = re.compile(r"contract proxy: http://127\.0\.0\.1:(\d+) ")


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "test"}, "entries": list(entries)}}


def har_entry(
    method: str,
    url: str,
    status: int,
    body: Any = None,
    sent: Any = None,
    headers: list[dict[str, str]] | None = None,
    **more: Any,
) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "headers": [], "queryString": []}
    if sent is not None:
        request["postData"] = {"mimeType": "application/json", "text": json.dumps(sent)}
    content: dict[str, Any] = {"size": 0, "mimeType": "application/json"}
    if body is not None:
        content["text"] = json.dumps(body)
    answer = {"status": status, "headers": headers or [], "content": content}
    return {"request": request, "response": answer, **more}


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@contextmanager
def replaying(*files: Path) -> Iterator[httpx.Client]:
    features = Features(replay=tuple(str(f) for f in files))
    with (
        running_mock(CRUD, features=features) as url,
        httpx.Client(base_url=url, headers=AUTH, timeout=10) as client,
    ):
        yield client


@contextmanager
def proxy_process(*args: str) -> Iterator[str]:
    """`contract proxy --port 0 ...` as a user runs it, until its banner names the port."""
    command = [sys.executable, "-m", "contract_cli", "proxy", "--port", "0", *args]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stderr is not None
    try:
        while (found := PROXY_BANNER.search(line := process.stderr.readline())) is None:
            assert line, "the proxy exited before its banner"
        wait_until_listening("127.0.0.1", int(found.group(1)))
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_a_proxy_record_of_a_real_mock_is_replayed_in_order(tmp_path: Path) -> None:
    record = tmp_path / "session.har"
    pet = {"name": "Rex", "status": "available"}
    with (
        cli_mock(tmp_path, "--spec", str(CRUD), "--stateful") as upstream,
        proxy_process(
            "--spec", str(CRUD), "--upstream", upstream.base_url, "--record", str(record)
        ) as proxy,
        httpx.Client(base_url=proxy, headers=AUTH, timeout=10) as client,
    ):
        created = [client.post("/pets", json=pet).json() for _ in range(2)]
        listed = client.get("/pets", params={"status": "available"}).json()
    assert created[0]["id"] != created[1]["id"] and listed["total"] == 2

    with cli_mock(tmp_path, "--spec", str(CRUD), "--replay", str(record)) as replay:
        log = replay.wait_for_log("contract mock: replay")
        with httpx.Client(base_url=replay.base_url, headers=AUTH, timeout=10) as client:
            again = [client.post("/pets", json=pet) for _ in range(3)]
            relisted = client.get("/pets", params={"status": "available"}).json()
            other = client.post("/pets", json={"name": "Other"}).json()
            journal = client.get("/__mock/requests").json()["requests"]
    assert "3 exchange(s) as 2 expectation(s), 0 skipped" in log
    # the same request recorded twice: served in order, then the last again
    assert [a.json()["id"] for a in again] == [created[0]["id"], created[1]["id"], created[1]["id"]]
    assert all(a.headers["content-type"] == "application/json" for a in again)
    assert relisted == listed
    # a body that was not recorded: a generated answer
    assert other["name"] == "Other"
    assert [entry.get("expectation") for entry in journal] == ["session.har#0"] * 3 + [
        "session.har#2",
        None,
    ]


def test_a_browser_har_serves_its_api_calls_and_ignores_the_page(tmp_path: Path) -> None:
    pet = {"id": "p_1", "name": "Rex", "status": "sold"}
    h2 = [
        {"name": ":status", "value": "200"},
        {"name": "content-encoding", "value": "gzip"},
        {"name": "content-length", "value": "61"},
        {"name": "set-cookie", "value": "sid=secret-session; HttpOnly"},
        {"name": "access-control-allow-origin", "value": "https://app.example"},
        {"name": "x-request-id", "value": "req-42"},
    ]
    document = har(
        har_entry("GET", "https://app.example/", 200, _resourceType="document"),
        har_entry("GET", "https://app.example/app.js", 200, _resourceType="script"),
        har_entry(
            "GET",
            "https://api.example/pets/p_1",
            200,
            pet,
            headers=h2,
            _resourceType="fetch",
            _initiator={"type": "script"},
        ),
    )
    with replaying(write(tmp_path / "chromium.har", document)) as client:
        answer = client.get("/pets/p_1")
        generated = client.get("/pets/p_2")
    assert answer.status_code == 200 and answer.json() == pet
    assert answer.headers["x-request-id"] == "req-42"
    for dropped in ("set-cookie", "content-encoding", "access-control-allow-origin"):
        assert dropped not in answer.headers
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert generated.status_code == 200 and generated.json() != pet


def test_a_recorded_json_body_matches_only_the_same_body(tmp_path: Path) -> None:
    recorded = {"id": "p_9", "name": "Rex", "status": "available"}
    document = har(har_entry("POST", "http://x/pets", 201, recorded, sent={"name": "Rex"}))
    with replaying(write(tmp_path / "r.har", document)) as client:
        same = client.post("/pets", json={"name": "Rex"}).json()
        more = client.post("/pets", json={"name": "Rex", "tag": "dog"}).json()
    assert same == recorded
    assert more["id"] != "p_9" and more["tag"] == "dog"


def test_answers_that_break_the_spec_are_listed_and_never_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"id": "p_1", "name": "Rex", "status": "sold"}
    document = har(
        har_entry("GET", "http://x/pets/p_1", 200, good),
        har_entry("GET", "http://x/pets/p_2", 418, {"title": "teapot", "status": 418}),
        har_entry("GET", "http://x/pets/p_3", 200, {"id": 5, "name": "Rex", "status": "sold"}),
        har_entry("GET", "http://x/owners/o_1", 200, {"id": "o_1"}),
        har_entry("GET", "http://x/pets/p_4", 200, {"id": "p_4", "name": "Rex"}),
    )
    path = write(tmp_path / "broken-answers.har", document)
    with replaying(path) as client:
        served = client.get("/pets/p_1").json()
        p3 = client.get("/pets/p_3")
    assert served == good and p3.status_code == 200 and isinstance(p3.json()["id"], str)

    # the same file from the command line: the skipped entries, one line each, at start
    with cli_mock(tmp_path, "--spec", str(CRUD), "--replay", str(path)) as process:
        log = process.wait_for_log("contract mock: replay")
    skipped = [line for line in log.splitlines() if line.startswith("contract mock: skipped")]
    prefix = f"contract mock: skipped {path}: entry"
    assert skipped == [
        f"{prefix} 1: GET /pets/p_2 -> 418: 418 is not documented for GET /pets/{{petId}}; "
        "documented: 200, 401, 404",
        f'{prefix} 2: GET /pets/p_3 -> 200: body `/id`: 5 is not of type "string", '
        "`#/components/schemas/Pet/properties/id/type`",
        f"{prefix} 3: GET /owners/o_1 -> 200: no documented path matches /owners/o_1; "
        "did you mean GET /pets/{petId}?",
        f'{prefix} 4: GET /pets/p_4 -> 200: body `/`: "status" is a required property, '
        "`#/components/schemas/Pet/required`",
    ]
    assert "1 exchange(s) as 1 expectation(s), 4 skipped" in log


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<html>not a HAR</html>", "not JSON"),
        ('{"log": {"version": "1.2"}}', "no /log/entries array"),
        ('{"log": {"entries": [{"request": {"method": "GET", "url": "/pets"', "not JSON"),
        ('{"log": {"entries": [{"request": {}}]}}', "needs `request` and `response`"),
    ],
)
def test_a_file_that_is_no_har_stops_the_mock_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    path = tmp_path / "broken.har"
    path.write_text(text, encoding="utf-8")
    code = main(["mock", "--spec", str(CRUD), "--port", "0", "--replay", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("contract: error: cannot mock: ")
    assert str(path) in err and problem in err and "Traceback" not in err


def test_replay_is_settable_in_the_mock_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "missing-log.har", {"entries": []})
    config = tmp_path / "contract.toml"
    config.write_text('[mock]\nreplay = "missing-log.har"\n', encoding="utf-8")
    code = main(["mock", "--config", str(config), "--spec", str(CRUD), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2 and "missing-log.har" in err and "no /log/entries array" in err


def test_recorded_secrets_are_not_listed_and_credentials_not_replayed(tmp_path: Path) -> None:
    secret = "pat_live_recorded0secret0value"
    create = {"account": {"id": "acc_1"}, "modules": [{"id": "mod_1"}]}
    entry = har_entry(
        "POST",
        "https://api.example/v1/accounts/api-tokens",
        201,
        {"id": "tok_1", "token": secret, "name": "Recorded"},
        sent=create,
        headers=[{"name": "Set-Cookie", "value": "sid=recorded-session-cookie"}],
    )
    entry["request"]["headers"] = [{"name": "Authorization", "value": "Bearer recorded-bearer"}]
    path = write(tmp_path / "tokens.har", har(entry))
    features = Features(replay=(str(path),))
    with running_mock(features=features) as url:
        answer = httpx.post(f"{url}/v1/accounts/api-tokens", json=create, headers=AUTH)
        listed = httpx.get(f"{url}/__mock/expectations").text
        journal = httpx.get(f"{url}/__mock/requests").text
    assert answer.status_code == 201 and answer.json()["token"] == secret  # served as recorded
    assert "set-cookie" not in answer.headers
    for text in (listed, journal):
        assert secret not in text and "recorded-session-cookie" not in text
        assert "recorded-bearer" not in text
    assert "Recorded" in listed


def test_the_replay_format_is_the_posted_one_whole_bodies_and_exact_matches() -> None:
    """`partial: false` and `body_match: exact`, as a test may post them too."""
    whole = {"id": "p_1", "name": "Rex", "status": "sold"}
    request = {"method": "POST", "path": "/pets", "body": {"name": "Rex"}, "body_match": "exact"}
    pinned = {"request": request, "response": {"status": 201, "body": whole, "partial": False}}
    incomplete = {**pinned, "response": {"status": 201, "body": {"id": "p_1"}, "partial": False}}
    with running_mock(CRUD) as url, httpx.Client(base_url=url, headers=AUTH) as client:
        refused = client.post("/__mock/expectations", json=incomplete)
        assert client.post("/__mock/expectations", json=pinned).status_code == 201
        exact = client.post("/pets", json={"name": "Rex"}).json()
        wider = client.post("/pets", json={"name": "Rex", "tag": "t"}).json()
    assert refused.status_code == 400 and "required property" in refused.text
    assert exact == whole  # no fixture field merged in
    assert wider != whole


def test_two_files_replay_and_one_that_serves_nothing_says_so(tmp_path: Path) -> None:
    pet = {"id": "p_1", "name": "Rex", "status": "sold"}
    served = write(tmp_path / "a.har", har(har_entry("GET", "http://x/pets/p_1", 200, pet)))
    nothing = write(
        tmp_path / "b.har", har(har_entry("GET", "http://x/app.js", 200, _resourceType="script"))
    )
    args = ("--spec", str(CRUD), "--replay", str(served), "--replay", str(nothing))
    with cli_mock(tmp_path, *args) as process:
        log = process.wait_for_log(f"replay {nothing}")
        answer = httpx.get(process.base_url + "/pets/p_1", headers=AUTH, timeout=10)
    assert answer.json() == pet
    assert f"replay {served}: 1 exchange(s) as 1 expectation(s), 0 skipped" in log
    assert f"replay {nothing}: 0 exchange(s) as 0 expectation(s), 0 skipped, 1 page load(s)" in log
    assert f"warning: replay {nothing}: nothing to serve" in log
    assert f"warning: replay {served}" not in log


def test_a_replay_past_the_expectation_limit_is_refused_whole_not_a_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mock_server.expectation_book.MAX_EXPECTATIONS", 1)
    pets = [{"id": f"p_{n}", "name": "Rex", "status": "sold"} for n in (1, 2)]
    document = har(*(har_entry("GET", f"http://x/pets/{p['id']}", 200, p) for p in pets))
    with running_mock(CRUD) as url:
        answer = httpx.post(f"{url}/__mock/replay", content=json.dumps(document), timeout=10)
        listed = httpx.get(f"{url}/__mock/expectations", timeout=10).json()["expectations"]
    assert answer.status_code == 507 and "1 expectations already" in answer.json()["detail"]
    assert listed == []


def test_the_most_specific_recording_answers_whatever_the_recorded_order(tmp_path: Path) -> None:
    sold = {"data": [{"id": "p_1", "name": "Rex", "status": "sold"}], "total": 1}
    every = {"data": [], "total": 0}
    document = har(
        har_entry("GET", "http://x/pets?status=sold", 200, sold),
        har_entry("GET", "http://x/pets", 200, every),
    )
    with replaying(write(tmp_path / "lists.har", document)) as client:
        assert client.get("/pets", params={"status": "sold"}).json() == sold
        assert client.get("/pets").json() == every
        assert client.get("/pets", params={"status": "pending"}).json() == every
