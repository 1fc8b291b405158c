"""The mock on the large public specs, held to each spec by `contract conform` (slow, marked).

What must hold: conform finds nothing of the kit's own making, with the mock `--stateful` so that
what a POST created is what a later GET reads back (conform checks that across stateful chains).
(A 414 for a request target over the HTTP parser's limit is a rejection: conform itself no longer
counts it against `negative_data_rejection`.) What is left out, each named by check and reason:

- the spec's own gaps: a 4xx the mock must send (the request was invalid) that the operation does
  not document (`status_code_conformance` on a 4xx).

Cases Schemathesis generates as invalid that are valid on the wire (a scalar for an exploded form
array is its one item; `null` for a 3.1 `nullable: true` property, read as its authors mean it) are no
longer left out here: conform judges a negative case by the request as sent
(`conformance.checker.sent_request`), so the mock accepting them is no finding at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_cli import main
from tests.conformance.serving import free_port, wait_until_listening
from tests.conftest import corpus_params

TOKEN = "corpus-check"
MAX_REQUESTS = "1000"


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("path", corpus_params())
def test_conform_finds_nothing_of_the_mocks_making(path: Path, tmp_path: Path) -> None:
    port = free_port()
    # a file, not a pipe: a pipe nobody reads fills up and stalls the mock
    log = tmp_path / "mock.log"
    with log.open("w") as stderr:
        mock = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "contract_cli",
                "mock",
                "--spec",
                str(path),
                "--port",
                str(port),
                "--token",
                TOKEN,
                "--stateful",
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    report = tmp_path / "report.json"
    try:
        wait_until_listening("127.0.0.1", port, timeout=60)
        code = main(
            [
                "conform",
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--spec",
                str(path),
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "--max-examples",
                "1",
                "--max-requests",
                MAX_REQUESTS,
                "--seed",
                "1",
                "--report-json",
                str(report),
            ]
        )
    finally:
        mock.terminate()
        mock.wait(timeout=15)
    assert "Traceback" not in log.read_text()
    assert code in (0, 1)
    findings = json.loads(report.read_text())["findings"]
    assert [_summary(f) for f in findings if not _not_the_mocks(f)] == []


def _not_the_mocks(finding: dict[str, Any]) -> bool:
    check = finding["check"]
    if check == "status_code_conformance":
        return 400 <= (finding.get("status_code") or 0) < 500
    return False


def _summary(finding: dict[str, Any]) -> str:
    return f"{finding['operation']} | {finding['check']} | {finding['received'][:200]} | {finding['documented'][:200]}"
