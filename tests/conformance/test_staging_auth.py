"""Against a staging-like server: credentials that expire in seconds are renewed, rate limits are
waited out (never findings, never spent twice), and no secret or token reaches any output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance.engine.auth import AuthSettings
from conformance.engine.credentials import CredentialError
from conformance.engine.options import ConformOptions, parse_rate_limit
from conformance.engine.runner import run_conformance
from conformance.reporting.findings import RunResult
from conformance.reporting.report import render_json, render_junit, render_markdown, render_text
from tests.conformance.conftest import implementation
from tests.conformance.registry import OTHERS, SPEC, create_registry_app
from tests.conformance.serving import free_port, serve
from tests.conformance.staging import (
    CLIENT_ID,
    CLIENT_SECRET,
    IdentityProvider,
    identity_provider_app,
    requiring_tokens,
    staging,
)

SMALL = {"max_examples": 8, "seed": 1}
# Enough for the fuzzing phase: without waiting, 80 of these 126 requests get a 429 at 40/s, and
# conform reports `status_code_conformance: Undocumented status code 429`.
FUZZED = {"max_requests": 130, "seed": 1}


def oauth2(idp_url: str, secret: str = CLIENT_SECRET) -> AuthSettings:
    return AuthSettings(
        "oauth2-client-credentials",
        token_url=f"{idp_url}/oauth/token",
        client_id=CLIENT_ID,
        client_secret=secret,
    )


def outputs(result: RunResult, capfd: pytest.CaptureFixture[str]) -> dict[str, str]:
    out, err = capfd.readouterr()
    return {
        "text": render_text(result),
        "json": render_json(result),
        "junit": render_junit(result),
        "markdown": render_markdown(result),
        "stdout": out,
        "stderr": err,
    }


def test_a_run_longer_than_a_token_renews_it_waits_out_429s_and_leaks_nothing(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with staging(lifetime=2.0, per_second=40) as (base_url, idp_url, idp, gate):
        options = ConformOptions(base_url, auth=oauth2(idp_url), **FUZZED)
        result = run_conformance(options)
    assert result.duration > 2.0, "the run outlived its first token"
    assert result.credential_renewals and result.credential_renewals >= 1
    assert result.untested is None
    assert not [f for f in result.findings if f.status_code in (401, 429)], result.findings
    assert all(c.positive["auth"] == 0 for c in result.coverage)
    # every 429 the server sent was waited out and resent: none reached Schemathesis or the checks
    assert gate.throttled >= 1 and result.rate_limit_waits == gate.throttled
    assert all("429" not in c.seen for c in result.coverage)
    assert result.requests_sent <= 130 and result.requests_sent < gate.requests  # resends are free
    secrets = {CLIENT_SECRET, *idp.issued}
    assert len(secrets) >= 3
    for name, text in outputs(result, capfd).items():
        assert not [s for s in secrets if s in text], name
    assert "Credential renewed" in render_text(result)


def test_a_command_credential_is_rerun_after_a_401(tmp_path: Path) -> None:
    script = tmp_path / "token.py"
    script.write_text(
        "import sys, urllib.request\n"
        "print(urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST')).read().decode())\n"
    )
    with staging(lifetime=0.2, per_second=1000) as (base_url, idp_url, _, gate):
        command = f"{sys.executable} {script} {idp_url}/plain-token"
        auth = AuthSettings("command", command=command)
        result = run_conformance(ConformOptions(base_url, auth=auth, max_requests=80, **SMALL))
    assert result.duration > 0.2, "the run outlived its first token"
    assert gate.expired >= 1, "the server refused an expired token at least once"
    assert result.credential_renewals is not None
    assert result.credential_renewals >= 1
    assert result.untested is None
    assert all(c.positive["auth"] == 0 for c in result.coverage)


def test_a_failing_command_is_named_with_its_status_not_its_output(tmp_path: Path) -> None:
    with implementation() as (base_url, _):
        auth = AuthSettings("command", command="echo leaked-secret-4242; exit 3")
        with pytest.raises(CredentialError) as failure:
            run_conformance(ConformOptions(base_url, auth=auth))
    message = str(failure.value)
    assert "'echo'" in message and "status 3" in message
    assert "leaked-secret-4242" not in message


def test_a_refused_or_unreachable_token_endpoint_is_named_without_the_secret() -> None:
    with staging() as (base_url, idp_url, _, gate):
        with pytest.raises(CredentialError) as refused:
            run_conformance(ConformOptions(base_url, auth=oauth2(idp_url, "wrong-s3cret-value")))
        assert gate.requests == 0, "nothing was sent before the credential was had"
        unreachable = oauth2(f"http://127.0.0.1:{free_port()}")
        with pytest.raises(CredentialError) as unreached:
            run_conformance(ConformOptions(base_url, auth=unreachable))
    assert f"token endpoint {idp_url}/oauth/token refused" in str(refused.value)
    assert "401 invalid_client" in str(refused.value)
    assert "cannot be reached" in str(unreached.value)
    for message in (str(refused.value), str(unreached.value)):
        assert "s3cret" not in message and "\n" not in message


def test_a_renewal_refused_halfway_stops_the_run() -> None:
    with staging(lifetime=1.0, per_second=1000, max_tokens=1) as (base_url, idp_url, _, gate):
        paced = {"rate_limit": parse_rate_limit("40/s"), "max_requests": 100}  # 2.5 s: outlives it
        options = ConformOptions(base_url, auth=oauth2(idp_url), **paced, **SMALL)
        with pytest.raises(CredentialError) as failure:
            run_conformance(options)
    assert gate.requests >= 1  # it failed halfway, not at the start
    assert "refused the client credentials" in str(failure.value)


def test_a_header_credential_replaces_the_static_header_of_the_same_name() -> None:
    secret = "hdr-s3cret-0a1b2c3d"
    with implementation(credential=secret) as (base_url, stats):
        options = ConformOptions(
            base_url,
            headers={"authorization": "Bearer stale"},
            auth=AuthSettings("header", header=f"Authorization: Bearer {secret}"),
            max_requests=30,
            **SMALL,
        )
        result = run_conformance(options)
    assert result.untested is None and result.conformant, result.findings
    assert f"Bearer {secret}" in stats.authorizations and "Bearer stale" not in stats.authorizations
    assert result.credential_renewals is None  # a fixed header is not renewed, and says nothing
    assert secret not in render_json(result) + render_text(result) + render_junit(result)


def test_a_server_that_ignores_auth_is_still_caught_with_a_renewing_credential() -> None:
    """The credential is set only where Schemathesis put the placeholder: its probes without
    credentials, or with a wrong one, reach the server as Schemathesis sent them."""
    with implementation("ignores_auth") as (base_url, _):
        auth = AuthSettings("command", command="echo conformance-test-credential")
        result = run_conformance(ConformOptions(base_url, auth=auth, max_requests=40, **SMALL))
    assert "ignored_auth" in {finding.check for finding in result.findings}


def test_the_clean_up_deletes_with_the_current_credential() -> None:
    """A registry that needs a token living 1 s: the run's own records are still deleted at the end."""
    idp, registry = IdentityProvider(lifetime=1.0), create_registry_app()
    with (
        serve(identity_provider_app(idp)) as idp_url,
        serve(requiring_tokens(registry, idp)) as base_url,
    ):
        options = ConformOptions(base_url, spec_path=SPEC, auth=oauth2(idp_url), seed=1)
        result = run_conformance(options)
    assert result.created and all(c["outcome"].startswith("deleted") for c in result.created)
    assert sorted(registry.config["pets"]) == list(OTHERS)
    assert not [f for f in result.findings if f.status_code == 401]


def test_rate_limits_are_waited_out_from_the_command_line(conform) -> None:
    static = "static-ci-t0ken-1234"
    with staging(per_second=40, static_tokens=[static]) as (base_url, _, _, gate):
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            f"Authorization: Bearer {static}",
            "--max-requests",
            "130",
            "--max-wait",
            "20",
            "--seed",
            "1",
        )
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert gate.throttled >= 1 and outcome.report["rate_limit_waits"] == gate.throttled
    assert "for the server's rate limit" in outcome.stdout
    assert not [f for f in outcome.report["findings"] if f["status_code"] == 429]
    assert all("429" not in c["seen"] for c in outcome.report["coverage"]["operations"])
    assert static not in outcome.stdout + outcome.stderr + outcome.junit


def test_past_max_wait_a_429_is_the_answer(conform) -> None:
    static = "static-ci-t0ken-5678"
    with staging(per_second=5, static_tokens=[static]) as (base_url, _, _, gate):
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            f"Authorization: Bearer {static}",
            "--max-requests",
            "20",
            "--max-wait",
            "0",
            "--max-examples",
            "5",
            "--seed",
            "1",
        )
    assert gate.throttled >= 1 and outcome.report["rate_limit_waits"] == 0
    assert any("429" in c["seen"] for c in outcome.report["coverage"]["operations"])


def test_a_negative_max_wait_is_one_line_and_exit_2(conform) -> None:
    outcome = conform("--base-url", "http://127.0.0.1:9", "--max-wait", "-1")
    assert outcome.exit_code == 2
    assert (
        outcome.stderr
        == "contract conform: invalid --max-wait '-1': expected a number of seconds >= 0\n"
    )


def test_contract_toml_auth_from_the_command_line(
    conform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole staging set-up as a team commits it: `[conform.auth]` in contract.toml, the client
    secret read from the environment; `contract conform` with no flag renews and prints no secret."""
    monkeypatch.setenv("STAGING_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.chdir(tmp_path)
    with staging(lifetime=2.0, per_second=40) as (base_url, idp_url, idp, gate):
        (tmp_path / "contract.toml").write_text(
            f'[conform]\nbase-url = "{base_url}"\nmax-requests = 130\nseed = 1\n\n'
            f'[conform.auth]\ntype = "oauth2-client-credentials"\n'
            f'token-url = "{idp_url}/oauth/token"\nclient-id = "{CLIENT_ID}"\n'
            'client-secret = "${STAGING_CLIENT_SECRET}"\n'
        )
        outcome = conform()
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.report["credential_renewals"] >= 1
    assert gate.throttled == outcome.report["rate_limit_waits"]
    secrets = {CLIENT_SECRET, *idp.issued}
    assert not [s for s in secrets if s in outcome.stdout + outcome.stderr + str(outcome.report)]
