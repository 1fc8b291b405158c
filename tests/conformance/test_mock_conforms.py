"""`contract mock` is just another implementation: `contract conform` must pass it, over HTTP only."""

from __future__ import annotations

import subprocess
import sys

from tests.conformance.serving import free_port, wait_until_listening

TOKEN = "conformance-check"


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
