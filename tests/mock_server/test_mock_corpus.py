"""The mock on the large public specs, held to each spec by `contract conform` (slow, marked).

Those specs have defects of their own (invalid examples and defaults, required `null`s their
schemas forbid), so some findings are the spec's, not the mock's. What must hold everywhere: the
mock starts, answers every request, never with a server error, and never with a body its
contract forbids.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contract_cli import main
from tests.conformance.serving import free_port, wait_until_listening
from tests.conftest import corpus_params

TOKEN = "corpus-check"
MOCK_FAULTS = {"not_a_server_error", "response_schema", "content_type_conformance", "request_error"}


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_params())
def test_mock_serves_the_spec_without_server_errors_or_invalid_bodies(path: Path, tmp_path: Path) -> None:
    port = free_port()
    mock = subprocess.Popen([sys.executable, "-m", "contract_cli", "mock", "--spec", str(path), "--port", str(port),
                             "--token", TOKEN], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    report = tmp_path / "report.json"
    try:
        wait_until_listening("127.0.0.1", port, timeout=60)
        code = main(["conform", "--base-url", f"http://127.0.0.1:{port}", "--spec", str(path),
                     "-H", f"Authorization: Bearer {TOKEN}", "--max-examples", "1", "--max-requests", "300",
                     "--seed", "1", "--report-json", str(report)])
    finally:
        mock.terminate()
        _, err = mock.communicate(timeout=15)
    assert "Traceback" not in err
    assert code in (0, 1)
    findings = json.loads(report.read_text())["findings"]
    assert [f for f in findings if f["check"] in MOCK_FAULTS and not _not_the_mocks(f)] == []


def _not_the_mocks(finding: dict) -> bool:  # type: ignore[type-arg]
    """Findings that are not about the mock: Schemathesis cannot encode `format: binary` JSON
    properties ("Unsupported type: 'Binary'"), and uvicorn itself answers malformed HTTP (header
    bytes the coverage phase invents) with a plain-text 400 before any application sees it."""
    text = json.dumps(finding)
    return "Binary" in text or "400 Bad Request (text/plain" in text
