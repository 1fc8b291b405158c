"""The same suites as plain pytest: `pytest --pyargs conformance.pytest_mode.suite --contract-base-url URL`.

Each test runs pytest in a subprocess, from a directory of its own as a user's CI job does, against a real
server on an ephemeral port; the session must reach conform's verdict (tests/conformance/test_trustworthy.py
has conform's own). The plugin comes from the kit's `pytest11` entry point, never from a conftest."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conformance.conftest import AUTH, implementation
from tests.conformance.pets import SPEC as PETS
from tests.conformance.pets import create_pets_app
from tests.conformance.serving import free_port, serve
from tests.mock_server.cli_mock import cli_mock

SUITE = "conformance.pytest_mode.suite"

# pytest-base-url's option as that plugin declares it (dest `base_url`), without installing it.
FAKE_PYTEST_BASE_URL = """
def pytest_addoption(parser):
    parser.addoption("--base-url", metavar="url")
"""


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_pytest(tmp_path: Path) -> Runner:
    """pytest in a subprocess, in this test's own directory (the kit comes from the installed package)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    return run


def suite_args(base_url: str, *extra: str) -> list[str]:
    return [
        "--pyargs",
        SUITE,
        "--contract-base-url",
        base_url,
        "--contract-header",
        AUTH,
        "--contract-max-examples",
        "10",
        *extra,
    ]


def test_pytest_mode_passes_a_correct_implementation_and_shows_coverage(run_pytest: Runner) -> None:
    with implementation() as (base_url, stats):
        result = run_pytest(
            *suite_args(base_url, "--contract-max-requests", "80", "--contract-min-coverage", "100")
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert 0 < stats.requests <= 80  # the request gate holds in pytest mode too
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout
    assert "+ POST /v1/accounts/api-tokens" in result.stdout and "never seen: 413" in result.stdout
    assert "request(s) sent of a budget of 80" in result.stdout


def test_pytest_mode_fails_a_broken_one_without_leaking_tokens(run_pytest: Runner) -> None:
    with implementation("wrong_types") as (base_url, stats):
        result = run_pytest(*suite_args(base_url))
    assert result.returncode == 1
    assert "isConfigurable" in result.stdout
    output = result.stdout + result.stderr
    assert not [token for token in stats.tokens if token in output]


def test_a_refused_credential_is_never_green_in_pytest_mode(run_pytest: Runner) -> None:
    # 401 is documented: every test passes, and that is exactly the false green to refuse.
    with implementation(credential="the-real-one") as (base_url, _):
        result = run_pytest(*suite_args(base_url))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert (
        "contract conformance: nothing was tested: the server refused the credential on every valid request"
        in result.stdout
    )
    assert (
        "Authorization value (-H, or --contract-header in pytest) may be wrong or expired"
        in result.stdout
    )
    assert "Coverage: 0 of 1 operation(s) exercised (0%)" in result.stdout


def test_a_wrong_base_path_is_never_green_in_pytest_mode(run_pytest: Runner) -> None:
    with implementation() as (base_url, _):
        result = run_pytest(*suite_args(base_url + "/api"))
    assert result.returncode == 2, result.stdout + result.stderr
    # the undocumented 404s are artefacts of the set-up: 2, not 1
    assert "1 failed" in result.stdout
    assert "nothing was tested: no documented path answered" in result.stdout
    assert "--base-url (or --contract-base-url in pytest) path prefix may be wrong" in result.stdout


def test_min_coverage_fails_a_partly_exercised_session(run_pytest: Runner) -> None:
    # `-k GET` leaves createPet out: no pet exists, every read is a documented 404 and no test fails.
    with serve(create_pets_app()) as base_url:
        result = run_pytest(
            *suite_args(base_url, "--contract-spec", str(PETS), "-k", "GET"),
            "--contract-min-coverage",
            "90",
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout and "2 deselected" in result.stdout
    # over the selected tests only
    assert "Coverage: 1 of 2 operation(s) exercised (50%)" in result.stdout
    assert (
        "contract conformance: coverage 50.0% is below --contract-min-coverage 90%" in result.stdout
    )
    assert (
        "not exercised (no documented success for a valid request): GET /pets/{petId}"
        in result.stdout
    )


def test_a_shard_tests_and_covers_only_its_operations(run_pytest: Runner) -> None:
    with serve(create_pets_app()) as base_url:
        # of 4 labels in order: GET /pets
        result = run_pytest(
            *suite_args(base_url, "--contract-spec", str(PETS), "--contract-shard", "2/4")
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout
    assert "+ GET /pets " in result.stdout and "POST /pets" not in result.stdout


def test_a_session_that_cannot_run_says_why_without_a_traceback(run_pytest: Runner) -> None:
    unreachable = run_pytest(*suite_args(f"http://127.0.0.1:{free_port()}"))
    assert unreachable.returncode == 2, unreachable.stdout + unreachable.stderr
    output = unreachable.stdout + unreachable.stderr
    assert "contract conformance: cannot reach http://127.0.0.1:" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--contract-min-coverage",
            "150",
            "invalid --contract-min-coverage '150': expected a percentage",
        ),
        ("--contract-header", "no colon here", "invalid --contract-header '<not shown"),
    ],
)
def test_a_bad_option_is_a_usage_error_naming_the_pytest_option(
    run_pytest: Runner, option: str, value: str, message: str
) -> None:
    result = run_pytest(*suite_args("http://127.0.0.1:9", option, value))
    assert result.returncode == 4, result.stdout + result.stderr  # pytest's usage error
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_pytest_xdist_is_refused_rather_than_green(run_pytest: Runner, tmp_path: Path) -> None:
    # Only where pytest-xdist is installed (the kit does not depend on it): its workers would each keep a
    # budget and a coverage tally that the controller, which decides the exit status, never sees.
    pytest.importorskip("xdist")
    result = run_pytest(*suite_args("http://127.0.0.1:9", "-n", "2"))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "the conformance suite cannot run under pytest-xdist (-n/--dist)" in result.stderr
    # ... and only the suite: an unrelated session keeps its workers.
    (tmp_path / "test_unrelated.py").write_text("def test_unrelated():\n    pass\n")
    unrelated = run_pytest("-n", "2", "test_unrelated.py")
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr


def test_the_plugin_is_inert_in_an_unrelated_session(run_pytest: Runner, tmp_path: Path) -> None:
    # The entry point loads the plugin everywhere the kit is installed; an unrelated suite must not notice,
    # not even one whose pytest-base-url --base-url points at a server that is not there.
    (tmp_path / "test_unrelated.py").write_text("def test_unrelated():\n    pass\n")
    (tmp_path / "fake_base_url.py").write_text(FAKE_PYTEST_BASE_URL)
    plain = run_pytest("test_unrelated.py")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    with_base_url = run_pytest(
        "-p", "fake_base_url", "--base-url", f"http://127.0.0.1:{free_port()}", "test_unrelated.py"
    )
    assert with_base_url.returncode == 0, with_base_url.stdout + with_base_url.stderr
    for result in (plain, with_base_url):
        assert (
            "1 passed" in result.stdout
            and "contract conformance" not in result.stdout + result.stderr
        )


def test_pytest_base_url_serves_when_the_suite_is_named(run_pytest: Runner, tmp_path: Path) -> None:
    (tmp_path / "fake_base_url.py").write_text(FAKE_PYTEST_BASE_URL)
    with implementation() as (base_url, _):
        result = run_pytest(
            "-p", "fake_base_url", "--pyargs", SUITE, "--base-url", base_url,
            "--contract-header", AUTH, "--contract-max-examples", "5",
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout


def test_a_session_that_never_collects_the_suite_is_never_green(
    run_pytest: Runner, tmp_path: Path
) -> None:
    # `pytest --contract-base-url URL` alone runs the user's tests, and none of the contract's.
    (tmp_path / "test_unrelated.py").write_text("def test_unrelated():\n    pass\n")
    with implementation() as (base_url, stats):
        result = run_pytest("test_unrelated.py", "--contract-base-url", base_url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert f"contract conformance: nothing was tested: no test of {SUITE} ran" in result.stdout
    assert stats.requests == 0


def test_the_suite_runs_from_a_users_own_test_file(run_pytest: Runner, tmp_path: Path) -> None:
    # The docstring's second usage: a test file of the user's that imports the suite's test.
    (tmp_path / "test_contract.py").write_text(
        f"from {SUITE} import test_operation_conforms  # noqa: F401\n"
    )
    with implementation() as (base_url, _):
        result = run_pytest("test_contract.py", *suite_args(base_url)[2:])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "Coverage: 1 of 1 operation(s) exercised (100%)" in result.stdout
    # Without the option a plain `pytest` skips that file and never reaches for a live server.
    (tmp_path / "test_unrelated.py").write_text("def test_unrelated():\n    pass\n")
    plain = run_pytest()
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "1 passed, 1 skipped" in plain.stdout


def test_a_case_valid_on_the_wire_fails_no_test(run_pytest: Runner, tmp_path: Path) -> None:
    """As in conform: a negative case whose bytes are valid as sent (a form's exploded one-item array)
    is no negative case, so the mock accepting it fails no test (it failed one with this seed)."""
    spec = str(Path(__file__).parent / "specs" / "encodings.yaml")
    with cli_mock(tmp_path, "--spec", spec, "--no-auth") as mock:
        result = run_pytest(
            "--pyargs", SUITE, "--contract-base-url", mock.base_url, "--contract-spec", spec,
            "--contract-max-examples", "20", "--contract-seed", "3",
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 passed" in result.stdout
