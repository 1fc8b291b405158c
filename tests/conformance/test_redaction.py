"""Secrets never appear in any output: terminal, stderr, JSON report, JUnit file, curl reproductions."""

from __future__ import annotations

from tests.conformance.conftest import implementation

SECRET = "s3cr3t-Cr3dential-9f8e7d6c5b4a"
COOKIE = "cookie-secret-1a2b3c4d5e6f"


def test_no_secret_reaches_any_output(conform) -> None:
    faults = ("wrong_types", "reuses_tokens", "bad_format", "missing_required")
    with implementation(*faults, credential=SECRET, echo_credentials=True) as (base_url, stats):
        outcome = conform(
            "--base-url",
            base_url,
            "-H",
            f"Authorization: Bearer {SECRET}",
            "-H",
            f"Cookie: session={COOKIE}",
            "--max-examples",
            "5",
            "--seed",
            "3",
        )
    assert outcome.exit_code == 1
    assert SECRET in stats.authorizations[-1]  # the secret really was sent and accepted
    minted = set(stats.tokens)
    assert minted, "the server minted tokens, so there was something to leak"
    outputs = {
        "stdout": outcome.stdout,
        "stderr": outcome.stderr,
        "json": str(outcome.report),
        "junit": outcome.junit,
    }
    assert "[REDACTED]" in outcome.stdout and "[REDACTED]" in outcome.junit
    for name, text in outputs.items():
        assert SECRET not in text, name
        assert COOKIE not in text, name
        leaked = [token for token in minted if token in text]
        assert not leaked, (name, leaked[:3])
    curls = [finding["curl"] for finding in outcome.report["findings"] if finding["curl"]]
    assert curls and all(
        "Authorization: [REDACTED]" in curl for curl in curls if "Authorization" in curl
    )
