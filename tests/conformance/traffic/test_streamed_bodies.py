"""A body the proxy streams past unread is not a pass: the checks that need only the status and headers judge
every exchange, and `contract verify` on the proxy's record agrees with what the proxy reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask, Response, request

from contract_cli import main
from contract_core.observed import request_has_content, response_has_content
from tests.conformance.implementations import PATH, create_app
from tests.conformance.serving import serve
from tests.conformance.traffic.conftest import AUTH, create, running_proxy

# Past the 4 KB up to which the proxy holds an answer that is not JSON, and past the hold limit the
# test gives the proxy for JSON: it streams through either way.
LARGE_TEXT = b"plain words " * 10_000
HOLD_LIMIT = 64 * 1024


def text_upstream() -> Flask:
    """Answers the create with a large body, `text/plain` (the contract documents only JSON) unless
    `X-Answer-Type` names another, at the status `X-Answer-Status` asks for, framed by Content-Length
    or, with `X-Chunked`, sent chunked."""
    app = Flask("text-upstream")

    @app.post(PATH)
    def created() -> Response:
        body: bytes | Iterator[bytes] = LARGE_TEXT
        if request.headers.get("X-Chunked"):
            body = iter([LARGE_TEXT])  # no length known in advance: werkzeug sends it chunked
        status = int(request.headers.get("X-Answer-Status", "201"))
        media_type = request.headers.get("X-Answer-Type", "text/plain")
        return Response(body, status=status, content_type=media_type)

    return app


def _found(response: httpx.Response) -> set[tuple[str, str]]:
    listed = json.loads(response.headers.get("x-contract-violations", "[]"))
    return {(v["in"], v["check"]) for v in listed}


def _verified(record: Path, capsys: Any) -> set[tuple[str, str, int]]:
    capsys.readouterr()
    # never green; 2 rather than 1 when no answer's body is in the record (the proxy streamed them all)
    assert main(["verify", str(record), "--format", "json"]) in (1, 2)
    report = json.loads(capsys.readouterr().out)
    return {(f["code"], f["check"], f["count"]) for f in report["findings"]}


def test_a_streamed_answer_is_held_to_its_status_and_media_type(
    spec: Any, tmp_path: Path, caplog: Any, capsys: Any
) -> None:
    record = tmp_path / "streamed.har"
    with (
        serve(text_upstream()) as upstream,
        running_proxy(spec, upstream, record=record, hold_limit=HOLD_LIMIT) as (base_url, proxy),
        caplog.at_level("INFO", logger="contract.proxy"),
    ):
        answers = [
            create(base_url),
            create(base_url, headers={"X-Chunked": "1"}),
            create(base_url, headers={"X-Answer-Status": "418"}),
            create(
                base_url, headers={"X-Answer-Status": "418", "X-Answer-Type": "application/json"}
            ),
        ]
    assert [a.content for a in answers] == [LARGE_TEXT] * 4  # streamed through unchanged
    undocumented_type, undocumented_status = "content_type_documented", "status_code_documented"
    assert [_found(a) for a in answers] == [
        {("response", undocumented_type)},
        {("response", undocumented_type)},
        {("response", undocumented_status)},
        {("response", undocumented_status)},
    ]
    journaled = [[v["check"] for v in e["violations"]] for e in proxy.journal.entries()]
    assert journaled == [[undocumented_type]] * 2 + [[undocumented_status]] * 2
    lines = [r.getMessage() for r in caplog.records if PATH in r.getMessage()]
    assert [undocumented_type in line for line in lines] == [True, True, False, False]
    assert [undocumented_status in line for line in lines] == [False, False, True, True]
    # the body checks alone are skipped, and the log says so for the JSON answer they would have read
    assert "body not checked: larger than the hold limit, streamed through" in lines[3]
    assert _verified(record, capsys) == {
        ("response:content_type_documented", undocumented_type, 2),
        ("response:status_code_documented", undocumented_status, 2),
    }


def test_a_streamed_request_is_held_to_its_credentials_and_media_type(
    spec: Any, tmp_path: Path, capsys: Any
) -> None:
    record = tmp_path / "uploaded.har"
    # Far past the hold limit and past what the server hands the app in one message: it streams.
    large = b"x" * 1024 * 1024
    with (
        serve(create_app()) as upstream,
        running_proxy(spec, upstream, hold_limit=1024, record=record) as (base_url, _),
    ):
        unsigned = httpx.post(
            base_url + PATH, content=large, headers={"Content-Type": "text/plain"}, timeout=10
        )
        signed = httpx.post(
            base_url + PATH,
            content=large,
            headers={**AUTH, "Content-Type": "application/json"},
            timeout=10,
        )
    assert _found(unsigned) >= {("request", "request_security"), ("request", "request_media_type")}
    # sent with a documented media type and a credential: a body nobody read is not "missing"
    assert not {check for side, check in _found(signed) if side == "request"}
    verified = {(code, check) for code, check, _ in _verified(record, capsys)}
    assert verified == {
        (f"{side}:{check}", check) for side, check in _found(unsigned) | _found(signed)
    }


@pytest.mark.parametrize(
    ("method", "status", "headers", "had_body"),
    [
        ("POST", 201, [("Content-Length", "10")], True),
        ("POST", 201, [("Content-Length", "0"), ("Content-Type", "text/plain")], False),
        # chunked, its hop-by-hop Transfer-Encoding dropped on the way: the media type says there was one
        ("POST", 201, [("Content-Type", "text/plain")], True),
        ("POST", 201, [], False),
        ("HEAD", 200, [("Content-Length", "10"), ("Content-Type", "text/plain")], False),
        ("GET", 204, [("Content-Type", "text/plain")], False),
        ("GET", 304, [("Content-Length", "10")], False),
        ("GET", 0, [("Content-Length", "10")], False),  # no answer at all
    ],
)
def test_whether_an_unheld_answer_had_a_body_is_read_off_its_head(
    method: str, status: int, headers: list[tuple[str, str]], had_body: bool
) -> None:
    assert response_has_content(method, status, headers) is had_body


@pytest.mark.parametrize(
    ("headers", "had_body"),
    [
        ([("Content-Length", "10")], True),
        ([("Transfer-Encoding", "chunked")], True),
        ([("Content-Length", "0"), ("Content-Type", "application/json")], False),
        # a request has content only when framed (RFC 9112 6.3): a media type alone announces none
        ([("Content-Type", "application/json")], False),
    ],
)
def test_whether_an_unheld_request_had_a_body_is_read_off_its_framing(
    headers: list[tuple[str, str]], had_body: bool
) -> None:
    assert request_has_content(headers) is had_body
