"""`contract proxy --record` from the command line, then `contract verify` on the file; no secret in any output."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from contract_cli import main
from tests.conformance.implementations import PATH, create_app
from tests.conformance.serving import serve, wait_until_listening
from tests.conformance.traffic.conftest import SENT

CANARY_CREDENTIAL = "canary-credential-7f3a9e"
BANNER = re.compile(r"contract proxy: http://127\.0\.0\.1:(\d+) ")


@contextlib.contextmanager
def proxy_process(*args: str) -> Iterator[tuple[str, list[str]]]:
    """`contract proxy ... --port 0` as a user runs it; yields its URL and, after it stops, its log lines."""
    command = [sys.executable, "-m", "contract_cli", "proxy", "--port", "0", *args]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        while (found := BANNER.search(line := process.stderr.readline())) is None:
            assert line, f"the proxy exited: {lines}"
            lines.append(line)
        lines.append(line)
        wait_until_listening("127.0.0.1", int(found.group(1)))
        yield f"http://127.0.0.1:{found.group(1)}", lines
    finally:
        process.send_signal(signal.SIGINT)
        out = process.communicate(timeout=20)[1]
        lines.extend(out.splitlines())


def test_record_redacts_everywhere_then_verify_reads_the_record(
    tmp_path: Path, capsys: Any
) -> None:
    record = tmp_path / "session.har"
    app = create_app(frozenset({"bad_format"}), credential=CANARY_CREDENTIAL, echo_credentials=True)
    auth = {"Authorization": f"Bearer {CANARY_CREDENTIAL}"}
    with (
        serve(app) as upstream,
        proxy_process("--upstream", upstream, "--record", str(record)) as (base_url, log),
    ):
        answers = [
            httpx.post(base_url + PATH, json=SENT, headers=auth, timeout=10) for _ in range(2)
        ]
        journal = httpx.get(base_url + "/__proxy/violations", timeout=10).text
    tokens = app.config["stats"].tokens
    assert len(tokens) == 2 and all(a.status_code == 201 for a in answers)
    outputs = {
        "log": "\n".join(log),
        "journal": journal,
        "har": record.read_text(),
        "header": " ".join(a.headers["x-contract-violations"] for a in answers),
    }
    for name, text in outputs.items():
        assert CANARY_CREDENTIAL not in text, name
        assert not any(token in text for token in tokens), name
    assert "/audit/created/at" in outputs["log"] and "/audit/created/at" in outputs["journal"]

    code = main(["verify", str(record), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["check"], f["instance_pointer"], f["count"]) for f in report["findings"]] == [
        # the redacted tokens are not "the same token twice"
        ("response_schema", "/audit/created/at", 2)
    ]
    assert report["coverage"] == {f"POST {PATH}": {"201": 2}}


def test_a_correct_record_verifies_clean(tmp_path: Path, capsys: Any) -> None:
    record = tmp_path / "clean.har"
    from tests.conformance.traffic.conftest import AUTH

    with (
        serve(create_app()) as upstream,
        proxy_process("--upstream", upstream, "--record", str(record)) as (base_url, log),
    ):
        for _ in range(3):
            assert (
                httpx.post(base_url + PATH, json=SENT, headers=AUTH, timeout=10).status_code == 201
            )
        httpx.get(base_url + "/__proxy/violations", timeout=10)
    assert any(" ok" in line for line in log)
    assert main(["verify", str(record)]) == 0
    out = capsys.readouterr().out
    assert "CONFORMANT: 0 findings in 3 exchange(s)" in out
    assert f"POST {PATH}: 201 x3" in out
