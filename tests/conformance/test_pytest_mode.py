"""The same suites as plain pytest: `pytest conformance/ --base-url URL --header ...`.

Each test runs pytest in a subprocess against a real server on an ephemeral port, as a CI job does;
the session must reach conform's verdict (tests/conformance/test_trustworthy.py has conform's own)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conformance.conftest import AUTH, implementation
from tests.conformance.pets import SPEC as PETS
from tests.conformance.pets import create_pets_app
from tests.conformance.serving import free_port, serve
from tests.conftest import REPO


def run_pytest(base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "conformance/pytest_mode/",
        "-q",
        "-p",
        "no:cacheprovider",
        "--base-url",
        base_url,
        "--header",
        AUTH,
        "--max-examples",
        "10",
        *extra,
    ]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_pytest_mode_passes_a_correct_implementation_and_shows_coverage() -> None:
    with implementation() as (base_url, stats):
        result = run_pytest(base_url, "--max-requests", "80", "--min-coverage", "100")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert 0 < stats.requests <= 80  # the request gate holds in pytest mode too
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout
    assert "+ POST /v1/accounts/api-tokens" in result.stdout and "never seen: 413" in result.stdout
    assert "request(s) sent of a budget of 80" in result.stdout


def test_pytest_mode_fails_a_broken_one_without_leaking_tokens() -> None:
    with implementation("wrong_types") as (base_url, stats):
        result = run_pytest(base_url)
    assert result.returncode == 1
    assert "isConfigurable" in result.stdout
    output = result.stdout + result.stderr
    assert not [token for token in stats.tokens if token in output]


def test_a_refused_credential_is_never_green_in_pytest_mode() -> None:
    # 401 is documented: every test passes, and that is exactly the false green to refuse.
    with implementation(credential="the-real-one") as (base_url, _):
        result = run_pytest(base_url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert (
        "contract conformance: nothing was tested: the server refused the credential on every valid request"
        in result.stdout
    )
    assert (
        "Authorization value (-H, or --header in pytest) may be wrong or expired" in result.stdout
    )
    assert "Coverage: 0 of 1 operation(s) exercised (0%)" in result.stdout


def test_a_wrong_base_path_is_never_green_in_pytest_mode() -> None:
    with implementation() as (base_url, _):
        result = run_pytest(base_url + "/api")
    assert result.returncode == 2, result.stdout + result.stderr
    # the undocumented 404s are artefacts of the set-up: 2, not 1
    assert "1 failed" in result.stdout
    assert "nothing was tested: no documented path answered" in result.stdout
    assert "--base-url path prefix may be wrong" in result.stdout


def test_min_coverage_fails_a_partly_exercised_session() -> None:
    # `-k GET` leaves createPet out: no pet exists, every read is a documented 404 and no test fails.
    with serve(create_pets_app()) as base_url:
        result = run_pytest(base_url, "--spec", str(PETS), "-k", "GET", "--min-coverage", "90")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout and "2 deselected" in result.stdout
    # over the selected tests only
    assert "Coverage: 1 of 2 operation(s) exercised (50%)" in result.stdout
    assert "contract conformance: coverage 50.0% is below --min-coverage 90%" in result.stdout
    assert (
        "not exercised (no documented success for a valid request): GET /pets/{petId}"
        in result.stdout
    )


def test_a_shard_tests_and_covers_only_its_operations() -> None:
    with serve(create_pets_app()) as base_url:
        # of 4 labels in order: GET /pets
        result = run_pytest(base_url, "--spec", str(PETS), "--shard", "2/4")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "1 passed" in result.stdout
        and "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout
    )
    assert "+ GET /pets " in result.stdout and "POST /pets" not in result.stdout


def test_a_session_that_cannot_run_says_why_without_a_traceback() -> None:
    unreachable = run_pytest(f"http://127.0.0.1:{free_port()}")
    assert unreachable.returncode == 2, unreachable.stdout + unreachable.stderr
    assert (
        "contract conformance: cannot reach http://127.0.0.1:"
        in unreachable.stdout + unreachable.stderr
    )
    bad_option = run_pytest("http://127.0.0.1:9", "--min-coverage", "150")
    assert bad_option.returncode == 4  # pytest's usage error
    assert "invalid --min-coverage '150': expected a percentage from 0 to 100" in bad_option.stderr
    assert "Traceback" not in unreachable.stdout + unreachable.stderr + bad_option.stderr


def test_pytest_xdist_is_refused_rather_than_green() -> None:
    # Only where pytest-xdist is installed (the kit does not depend on it): its workers would each keep a
    # budget and a coverage tally that the controller, which decides the exit status, never sees.
    pytest.importorskip("xdist")
    result = run_pytest("http://127.0.0.1:9", "-n", "2")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "the conformance suite cannot run under pytest-xdist (-n/--dist)" in result.stderr
