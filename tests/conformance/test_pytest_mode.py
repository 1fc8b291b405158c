"""The same suites as plain pytest: `pytest conformance/ --base-url URL --header ...`."""

from __future__ import annotations

import subprocess
import sys

from tests.conformance.conftest import AUTH, implementation
from tests.conftest import REPO


def run_pytest(base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "conformance/", "-q", "-p", "no:cacheprovider",
               "--base-url", base_url, "--header", AUTH, "--max-examples", "10", *extra]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_pytest_mode_passes_a_correct_implementation() -> None:
    with implementation() as (base_url, stats):
        result = run_pytest(base_url, "--max-requests", "80")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert 0 < stats.requests <= 80  # the request gate holds in pytest mode too


def test_pytest_mode_fails_a_broken_one_without_leaking_tokens() -> None:
    with implementation("wrong_types") as (base_url, stats):
        result = run_pytest(base_url)
    assert result.returncode == 1
    assert "isConfigurable" in result.stdout
    output = result.stdout + result.stderr
    assert not [token for token in stats.tokens if token in output]
