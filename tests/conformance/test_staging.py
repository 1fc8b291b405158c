"""Against a staging-like server that holds only its own ids: without known data a run tests nothing and
says how to fix it; with `[conform.data]` in contract.toml the create is exercised. Real servers on
127.0.0.1, ephemeral ports; `contract conform` run in a temporary working directory."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conformance.conftest import Outcome, implementation
from tests.conformance.pets import SPEC as PETS_SPEC
from tests.conformance.pets import create_pets_app
from tests.conformance.serving import free_port, serve

ACCOUNTS = ("ACC-1000", "ACC-2000")
MODULES = ("MOD-1000", "MOD-2000")
SECRET = "staging-credential-4b1d9e"  # the server's credential, given only through the environment
CREATE = "POST /v1/accounts/api-tokens"
BUDGET = ("--max-examples", "10", "--seed", "1")


@pytest.fixture(autouse=True)
def in_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STAGING_TOKEN", SECRET)
    return tmp_path


def staging(*faults: str, **kwargs: Any) -> Any:
    return implementation(
        *faults,
        accounts=frozenset(ACCOUNTS),
        modules=frozenset(MODULES),
        credential=SECRET,
        **kwargs,
    )


KNOWN = (
    f'[conform.data."{CREATE}"]',
    f'"/account/id" = {json.dumps(list(ACCOUNTS))}',
    f'"/modules/*/id" = {json.dumps(list(MODULES))}',
)


def write_config(
    folder: Path,
    base_url: str,
    *extra: str,
    headers: str = '["Authorization: Bearer ${STAGING_TOKEN}"]',
) -> None:
    lines = ["[conform]", f'base-url = "{base_url}"', f"headers = {headers}", *extra]
    (folder / "contract.toml").write_text("\n".join(lines) + "\n")


def pasted(example: list[str]) -> list[str]:
    """The example the refusal message printed, its placeholders replaced with the server's ids."""
    lines = []
    for line in example:
        if line.startswith('"/account/id"'):
            line = line.split("=")[0] + f"= {json.dumps(list(ACCOUNTS))}"
        elif line.startswith('"/modules/*/id"'):
            line = line.split("=")[0] + f"= {json.dumps(list(MODULES))}"
        lines.append(line)
    return lines


def test_refused_valid_requests_ask_for_known_data_and_the_example_works(
    conform: Callable[..., Outcome], in_a_project: Path
) -> None:
    with staging() as (base_url, stats):
        write_config(in_a_project, base_url)
        refused = conform(*BUDGET)
        assert refused.exit_code == 2, refused.stderr
        message = refused.stderr.split("contract conform: ", 1)[1]
        assert message.startswith("nothing was tested: the server refused the valid requests ("), (
            message
        )
        assert f"answered 400/404/422) of {CREATE}: it may not hold the ids" in message
        assert "in [conform.data] of contract.toml" in message
        example = message.split("for example:\n", 1)[1].strip().splitlines()
        assert example[0].startswith(f'[conform.data."{CREATE}"]')
        assert example[1:] == [
            '"/account/id" = ["<an id that exists>"]',
            '"/modules/*/id" = ["<an id that exists>"]',
        ]
        tomllib.loads("\n".join(example))  # ready to paste: it is TOML
        assert refused.report is not None
        (coverage,) = refused.report["coverage"]["operations"]
        assert coverage["exercised"] is False and coverage["positive"]["refused"] > 0
        assert not stats.tokens  # nothing was created

        # Pasted into contract.toml with the server's ids, the same run exercises the create.
        write_config(in_a_project, base_url, "", *pasted(example))
        known = conform(*BUDGET)
        assert known.exit_code == 0, known.stderr + known.stdout
        assert known.report is not None
        (coverage,) = known.report["coverage"]["operations"]
        assert coverage["exercised"] is True and coverage["positive"]["success"] > 0
        assert coverage["positive"]["refused"] == 0  # every valid case took known ids
        assert "+ POST /v1/accounts/api-tokens" in known.stdout
        assert stats.tokens  # created for real


def test_everything_else_stays_generated(
    conform: Callable[..., Outcome], in_a_project: Path
) -> None:
    """Known ids in the valid cases; the invalid ones still probe the server (and are still refused)."""
    seen: list[tuple[int, Any]] = []
    with staging() as (base_url, stats):
        write_config(in_a_project, base_url, *KNOWN)
        outcome = conform(*BUDGET)
        assert outcome.exit_code == 0, outcome.stderr
        assert outcome.report is not None
        (coverage,) = outcome.report["coverage"]["operations"]
        assert coverage["seen"].get("400", 0) > 0  # negative cases were sent and refused
        seen = stats.bodies
    created = [body for status, body in seen if status == 201]
    assert {body["account"]["id"] for body in created} == set(ACCOUNTS)  # both drawn
    assert {m["id"] for body in created for m in body["modules"]} == set(MODULES)
    assert len({json.dumps(body, sort_keys=True) for body in created}) > 5  # the rest varies
    # invalid cases keep the invalid account they were made to send (an empty id, a number, ...)
    assert any(
        status == 400
        and isinstance(body, dict)
        and body.get("account", {}).get("id") not in ACCOUNTS
        for status, body in seen
        if isinstance(body, dict) and isinstance(body.get("account"), dict)
    )


def test_an_environment_secret_never_appears(
    conform: Callable[..., Outcome], in_a_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${VAR}` values in headers are redacted everywhere, also where no header name marks them."""
    tenant = "tenant-secret-77c0a1"
    monkeypatch.setenv("TENANT", tenant)
    with staging("bad_format") as (base_url, _):
        write_config(
            in_a_project,
            base_url,
            *KNOWN,
            headers='["Authorization: Bearer ${STAGING_TOKEN}", "X-Tenant: ${TENANT}"]',
        )
        outcome = conform(*BUDGET)
    assert outcome.exit_code == 1, outcome.stderr  # the fault is found
    assert outcome.report is not None and outcome.junit is not None
    curls = [f["curl"] for f in outcome.report["findings"] if f["curl"]]
    assert curls and all("X-Tenant: [REDACTED]" in curl for curl in curls)
    for output in (outcome.stdout, outcome.stderr, json.dumps(outcome.report), outcome.junit):
        assert tenant not in output
        assert SECRET not in output


def test_the_command_line_beats_the_file(
    conform: Callable[..., Outcome], in_a_project: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with staging() as (base_url, stats):
        (in_a_project / "contract.toml").write_text(
            "[conform]\n"
            f'base-url = "{dead}"\n'
            'headers = ["Authorization: Bearer wrong"]\n'
            "max-requests = 3\n" + "\n".join(KNOWN) + "\n"
        )
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            f"Authorization: Bearer {SECRET}",
            "--max-requests",
            "500",
            *BUDGET,
        )
        assert outcome.exit_code == 0, outcome.stderr
        assert stats.requests > 3 and stats.tokens


def test_known_path_parameters(conform: Callable[..., Outcome], in_a_project: Path) -> None:
    """An id in the path: GET of a pet that exists, by the id listed for it."""
    with serve(create_pets_app()) as base_url:
        pet = requests.post(f"{base_url}/pets", json={"name": "Rex"}, timeout=5).json()
        (in_a_project / "contract.toml").write_text(
            f'[conform]\nbase-url = "{base_url}"\nspec = "{PETS_SPEC}"\ninclude = ["getPet"]\n'
        )
        unknown = conform(*BUDGET)
        assert unknown.exit_code == 2 and "nothing was tested" in unknown.stderr
        with (in_a_project / "contract.toml").open("a") as config:
            config.write(f'[conform.data.getPet]\npetId = ["{pet["id"]}"]\n')
        known = conform(*BUDGET)
    assert known.exit_code == 0, known.stderr
    assert known.report is not None
    (coverage,) = known.report["coverage"]["operations"]
    assert coverage["operation"] == "GET /pets/{petId}" and coverage["exercised"] is True


def test_pytest_mode_reads_known_data_from_contract_toml(in_a_project: Path) -> None:
    """pytest mode takes `[conform.data]` (and `[conform.auth]`) from the project's contract.toml, as
    `contract conform` does; without the file the same session tests nothing (exit 2)."""

    def session(base_url: str) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--pyargs", "conformance.pytest_mode.suite", "--contract-base-url", base_url,
            "--contract-header", f"Authorization: Bearer {SECRET}",
            "--contract-max-examples", "10", "--contract-seed", "1",
        ]  # fmt: skip
        return subprocess.run(
            command, cwd=in_a_project, capture_output=True, text=True, timeout=300
        )

    with staging() as (base_url, _):
        refused = session(base_url)
        write_config(in_a_project, base_url, *KNOWN)
        known = session(base_url)
    assert refused.returncode == 2, refused.stdout[-2000:]
    assert known.returncode == 0, known.stdout[-3000:]
    assert "+ POST /v1/accounts/api-tokens" in known.stdout
