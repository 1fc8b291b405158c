"""The request journal (`/__mock/requests`): what reached the mock, newest last, never a secret."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from contract_core import load_spec
from mock_server.journal import JournalEntry, JournalView, MemoryJournal
from mock_server.responder import MockOptions
from mock_server.server import running_mock
from tests.mock_server.cli_mock import cli_mock

SPECS = Path(__file__).parent / "specs"
CRUD = SPECS / "crud.yaml"
CANARY = "canary-7f3a9c1e-credential"
SECRET = "hunter2-canary-password"
PIN = "pin-canary-4411"
NUMBER = 987654321987


def test_journal_lists_every_exchange_newest_last_with_its_errors() -> None:
    with (
        running_mock(CRUD) as base,
        httpx.Client(base_url=base, headers={"Authorization": "Bearer t"}) as client,
    ):
        client.post("/pets", json={"name": "Rex"})
        client.post("/pets?dry=1", json={"name": 7})
        client.get("/pet")
        entries = base.requests()
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in entries] == [
        ("POST", "/pets", "", 201),
        ("POST", "/pets", "dry=1", 400),
        ("GET", "/pet", "", 404),
    ]
    created, refused, unknown = entries
    assert created["operation"] == "createPet" and created["request"]["body"] == '{"name":"Rex"}'
    assert created["duration_ms"] > 0 and created["errors"] == [] and created["problem"] is None
    assert refused["errors"] == [{"pointer": "/name", "detail": '7 is not of type "string"'}]
    assert refused["problem"].startswith("POST /pets (createPet): ")
    assert unknown["operation"] is None and "Did you mean" in unknown["problem"]


def test_clearing_the_journal_and_the_fixture_helpers() -> None:
    with running_mock(CRUD) as base, httpx.Client(base_url=base) as client:
        client.get("/pets")
        assert len(base.requests()) == 1
        base.clear_requests()
        assert base.requests() == []
        assert client.delete("/__mock/requests").status_code == 204
        # not --stateful: said so, not a crash
        assert client.get("/__mock/state").status_code == 404
        assert "--stateful" in client.get("/__mock/state").json()["detail"]


def test_the_journal_keeps_the_last_thousand() -> None:
    journal, view = MemoryJournal(), JournalView(load_spec(CRUD))
    for i in range(1005):
        journal.record(JournalEntry(time.time(), "GET", f"/pets/{i}", "", []), view)
    paths = [entry["path"] for entry in journal.entries(view)]
    assert len(paths) == 1000 and paths[0] == "/pets/5" and paths[-1] == "/pets/1004"


def test_a_long_body_is_truncated_after_redaction() -> None:
    with running_mock(CRUD) as base, httpx.Client(base_url=base) as client:
        client.post("/sessions", json={"user": "u" * 40_000, "password": SECRET})
        body = base.requests()[0]["request"]
    assert (
        body["body_bytes"] > 40_000
        and len(body["body"]) < 2200
        and "more characters" in body["body"]
    )
    assert SECRET not in str(body)


def test_the_journal_sees_the_whole_body_the_mock_accepts_under_max_body() -> None:
    """Its capture follows --max-body: a body over 2 MB that the mock accepts is kept whole, so it is
    redacted as JSON, field by field (re-serialised: `": "`), not as the text of a body cut short."""
    size = 2_500_000
    with (
        running_mock(CRUD, MockOptions(max_body_bytes=3 * 1024 * 1024)) as base,
        httpx.Client(base_url=base) as client,
    ):
        assert (
            client.post("/sessions", json={"user": "u" * size, "password": SECRET}).status_code
            == 201
        )
        body = base.requests()[0]["request"]
    assert (
        body["body_bytes"] > size
        and body["body"].startswith('{"user": "uuu')
        and SECRET not in str(body)
    )
    # cut once, not twice
    left_out = int(body["body"].rsplit("[", 1)[1].split(" more characters")[0])
    assert left_out > size - 2048, body["body"][-80:]


def test_admin_answers_are_json_and_never_cached() -> None:
    with running_mock(CRUD) as base, httpx.Client(base_url=base) as client:
        listed, missing, cleared = (
            client.get("/__mock/requests"),
            client.get("/__mock/nothing"),
            client.delete("/__mock/requests"),
        )
    assert (listed.headers["content-type"], missing.headers["content-type"]) == (
        "application/json",
        "application/problem+json",
    )
    assert {r.headers["cache-control"] for r in (listed, missing, cleared)} == {"no-store"}
    assert "content-type" not in cleared.headers and cleared.content == b""


def test_no_canary_credential_reaches_any_output(tmp_path: Path) -> None:
    """Credentials in every place a client puts them; the journal, the log and the answers are grepped."""
    outputs = []
    with (
        cli_mock(tmp_path, "--spec", str(CRUD)) as mock,
        httpx.Client(base_url=mock.base_url) as client,
    ):
        auth = {
            "Authorization": f"Bearer {CANARY}",
            "Cookie": f"session={CANARY}",
            "X-Api-Key": CANARY,
        }
        answers = [
            client.post("/pets", json={"name": "Rex"}, headers=auth),
            client.post(
                f"/pets?access_token={CANARY}", json={"name": "Tom", "tag": "t"}, headers=auth
            ),
            client.post("/sessions", json={"user": "u", "password": SECRET, "pin": PIN}),
            client.post("/sessions", data={"user": "u", "password": SECRET}),
            # refused: the error quotes it
            client.post("/sessions", json={"user": "u", "password": NUMBER}),
            # not JSON: a trailing comma
            client.post(
                "/sessions",
                content=f'{{"user": "u", "password": "{SECRET}",}}',
                headers={"Content-Type": "application/json"},
            ),
            client.get(f"/pets?api_key={CANARY}", headers={"Authorization": f"Basic {CANARY}"}),
        ]
        # The refusal of NUMBER quotes it back to its sender (answers[4]); every other output is grepped.
        outputs += [answer.text for i, answer in enumerate(answers) if i != 4]
        outputs += [str(dict(answer.headers)) for answer in answers]
        journal = client.get("/__mock/requests")
        outputs.append(journal.text)
        assert len(journal.json()["requests"]) == len(answers)
        outputs.append(mock.log())
    for output in outputs:
        for secret in (CANARY, SECRET, PIN, str(NUMBER)):
            assert secret not in output
    assert journal.json()["requests"][0]["request"]["headers"]["authorization"] == "[REDACTED]"
    assert "access_token=[REDACTED]" in journal.json()["requests"][1]["query"]


@pytest.mark.parametrize("documented", ["/__mock/requests", "/__mock"])
def test_the_admin_prefix_moves_when_the_spec_documents_it(tmp_path: Path, documented: str) -> None:
    text = CRUD.read_text().replace(
        "  /sessions:\n",
        f"  {documented}:\n    get:\n      operationId: own\n"
        "      security: []\n      responses:\n        '200': {description: ok}\n"
        "  /sessions:\n",
    )
    spec = tmp_path / "admin.yaml"
    spec.write_text(text)
    with (
        cli_mock(tmp_path, "--spec", str(spec)) as mock,
        httpx.Client(base_url=mock.base_url) as client,
    ):
        assert client.get(documented).status_code == 200  # the spec's own operation
        client.get("/pets")
        entries = client.get("/__mock__/requests").json()["requests"]
        assert [e["path"] for e in entries] == [documented, "/pets"]
        assert "admin endpoints moved to /__mock__/" in mock.log()
