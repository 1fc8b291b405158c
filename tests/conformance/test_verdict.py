"""One verdict for every driver (`contract conform`, pytest mode, `contract verify`): exit code and messages."""

from __future__ import annotations

import pytest

from conformance.reporting.coverage import OUTCOMES, OperationCoverage, known_data_example
from conformance.reporting.findings import Finding, RunResult
from conformance.reporting.verdict import judge
from conformance.traffic.verify import TrafficFinding, VerifyResult

FINDING = Finding(
    operation="GET /a",
    check="status_code_conformance",
    title="Undocumented status code",
    received="200",
    documented="201",
    severity="medium",
    code="ST103",
)


def result(*outcomes: tuple[str, str], findings: bool = False) -> RunResult:
    """One operation per (outcome of its valid cases, status seen): `("success", "201")` is exercised."""
    coverage = [
        OperationCoverage(
            f"GET /{i}",
            ["201", "401"],
            seen={status: 3},
            positive={o: (3 if o == outcome else 0) for o in OUTCOMES},
        )
        for i, (outcome, status) in enumerate(outcomes)
    ]
    return RunResult(
        base_url="http://x",
        spec="s",
        seed=1,
        operations=[c.operation for c in coverage],
        coverage=coverage,
        findings=[FINDING] if findings else [],
    )


@pytest.mark.parametrize(
    ("run", "conformant", "code"),
    [
        # refused credential: never green
        (result(("auth", "401")), None, 2),
        # its findings are artefacts of the set-up
        (result(("auth", "401"), findings=True), None, 2),
        # pytest mode: failed tests change nothing
        (result(("auth", "401")), False, 2),
        # wrong base path
        (result(("not_found", "404")), True, 2),
        # valid requests refused for their values (unknown ids): the set-up lacks known data
        (result(("refused", "400"), findings=True), None, 2),
        (result(("refused", "400"), ("auth", "401")), None, 2),
        # ... but a server error on a valid request is a finding that stands
        (result(("refused", "400"), ("server_error", "500"), findings=True), None, 1),
        # untested for the server's reasons: findings stand
        (result(("other", "200"), findings=True), None, 1),
        # ... in pytest mode, its failed tests
        (result(("other", "200")), False, 1),
        # ... and without findings, still not green
        (result(("other", "200")), None, 2),
        # one operation exercised is a tested run
        (result(("success", "201"), ("auth", "401")), None, 0),
        # pytest mode: a failed test is a finding
        (result(("success", "201")), False, 1),
    ],
)
def test_exit_codes(run: RunResult, conformant: bool | None, code: int) -> None:
    assert judge(run, None, conformant).exit_code == code


def test_messages_name_the_cause_and_the_gaps() -> None:
    assert (
        judge(result(("auth", "401")), None)
        .messages[0]
        .startswith(
            "nothing was tested: the server refused the credential on every valid request (3 of 3 answered 401/403)"
        )
    )
    partial = judge(result(("success", "201"), ("not_found", "404")), 60)
    assert partial.exit_code == 1
    assert partial.messages == (
        "not exercised (no documented success for a valid request): GET /1",
        "coverage 50.0% is below --min-coverage 60%",
    )
    assert judge(result(("success", "201"), ("not_found", "404")), 50).exit_code == 0


def verified(checked: int, *, bodies_missing: int = 0, known: bool | None = None) -> VerifyResult:
    """A verify run over `checked` exchanges; `known` adds a finding, known or new (False)."""
    findings = [] if known is None else [TrafficFinding(**vars(FINDING))]
    for finding in findings:
        finding.baseline = "known" if known else "new"
    return VerifyResult(
        spec="s",
        sources=["t.har"],
        operations=["GET /a"],
        entries=max(checked, 1),
        checked=checked,
        bodies_missing=bodies_missing,
        findings=findings,
    )


@pytest.mark.parametrize(
    ("run", "updating", "code"),
    [
        (verified(2), False, 0),
        (verified(2, known=True), False, 0),
        (verified(2, known=False), False, 1),
        # --update-baseline: these findings become the known ones
        (verified(2, known=False), True, 0),
        # nothing matched the spec, or no body was recorded: never green, whatever was found
        (verified(0), False, 2),
        (verified(2, bodies_missing=2), False, 2),
        (verified(2, bodies_missing=2, known=False), False, 2),
        (verified(2, bodies_missing=2, known=False), True, 2),
        # some bodies recorded: a tested run
        (verified(2, bodies_missing=1, known=False), False, 1),
    ],
)
def test_verify_is_judged_by_the_same_rules(run: VerifyResult, updating: bool, code: int) -> None:
    assert judge(run, updating_baseline=updating).exit_code == code


def test_verify_says_why_it_verified_nothing() -> None:
    [message] = judge(verified(0)).messages
    assert message.startswith(
        "not verified: no exchange matched an operation of the spec (1 entries"
    )
    [message] = judge(verified(1, bodies_missing=1)).messages
    assert message.startswith(
        "not verified: no checked exchange had its response body in the record (1 of 1)"
    )


def test_refused_valid_requests_ask_for_known_data() -> None:
    run = result(("refused", "400"), ("not_found", "404"))
    run.coverage[1].data_example = ['[conform.data."GET /1"]', 'id = ["<an id that exists>"]']
    (message,) = judge(run, None).messages
    assert message == (
        "nothing was tested: the server refused the valid requests (6 of 6 answered 400/404/422) of "
        "GET /0, GET /1: it may not hold the ids the run generated; list values that exist on it in "
        "[conform.data] of contract.toml (docs/staging.md, Known data), for example:\n"
        '[conform.data."GET /1"]\nid = ["<an id that exists>"]'
    )


def test_the_known_data_example_names_path_parameters_and_id_fields() -> None:
    from contract_core import load_spec
    from tests.conformance.pets import SPEC

    assert known_data_example(load_spec(SPEC), "GET /pets/{petId}") == [
        '[conform.data."GET /pets/{petId}"]  # values that exist on the server',
        'petId = ["<an id that exists>"]',
    ]
    assert known_data_example(load_spec(SPEC), "GET /pets") == []  # nothing to name
    assert known_data_example(load_spec(), "POST /v1/accounts/api-tokens")[1:] == [
        '"/account/id" = ["<an id that exists>"]',
        '"/modules/*/id" = ["<an id that exists>"]',
    ]


def test_the_example_is_a_code_block_in_markdown() -> None:
    from conformance.reporting.report import render_markdown

    run = result(("refused", "400"))
    run.coverage[0].data_example = ['[conform.data."GET /0"]', 'id = ["<an id that exists>"]']
    markdown = render_markdown(run)
    assert "**NOT TESTED: the server refused the valid requests (3 of 3 answered" in markdown
    assert "for example:**\n" in markdown
    assert '\n```toml\n[conform.data."GET /0"]\nid = ["<an id that exists>"]\n```\n' in markdown


@pytest.mark.parametrize(("findings", "code"), [(False, 2), (True, 1)])
def test_a_run_cut_short_by_ctrl_c_is_never_green(findings: bool, code: int) -> None:
    run = result(("success", "201"), findings=findings)
    run.stop_reason = "interrupted"
    verdict = judge(run)
    assert verdict.exit_code == code
    assert any(m.startswith("interrupted (Ctrl-C)") for m in verdict.messages)
    run.stop_reason = "completed"
    assert judge(run).exit_code == (1 if findings else 0)
