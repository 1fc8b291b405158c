"""`contract mock` is just another implementation: `contract conform` must pass it, over HTTP only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conformance.serving import free_port, wait_until_listening
from tests.mock_server.cli_mock import cli_mock

TOKEN = "conformance-check"
ENCODINGS = Path(__file__).parent / "specs" / "encodings.yaml"


def test_contract_mock_passes_contract_conform(conform) -> None:
    port = free_port()
    # --token: the mock refuses any other bearer value, as Schemathesis' ignored_auth probe expects.
    mock = subprocess.Popen(
        [sys.executable, "-m", "contract_cli", "mock", "--port", str(port), "--token", TOKEN],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening("127.0.0.1", port, timeout=60)
        outcome = conform(
            "--base-url",
            f"http://127.0.0.1:{port}",
            "-H",
            f"Authorization: Bearer {TOKEN}",
            "--max-examples",
            "10",
            "--seed",
            "1",
        )
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.report["findings"] == []


def test_a_case_valid_on_the_wire_is_not_held_against_the_mock(conform, tmp_path: Path) -> None:
    """Schemathesis sends `expand=0` as an "invalid" array; under the form's `encoding` rules it is the
    one-item array ["0"], so the mock accepts it and conform must not report negative_data_rejection
    (it did: 4 occurrences with this seed). Truly invalid requests are still refused by the mock."""
    spec = str(ENCODINGS)
    with cli_mock(tmp_path, "--spec", spec, "--no-auth") as mock:
        outcome = conform(
            "--spec", spec, "--base-url", mock.base_url, "--max-examples", "20", "--seed", "3"
        )
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.report["findings"] == []
