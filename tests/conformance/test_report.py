"""The output users read is pinned, so changes to it are deliberate."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conformance.reporting.coverage import OperationCoverage
from conformance.reporting.findings import CheckTally, Finding, RunResult
from conformance.reporting.report import (
    render_json,
    render_junit,
    render_markdown,
    render_text,
    shorten_values,
)


def sample() -> RunResult:
    finding = Finding(
        operation="POST /v1/accounts/api-tokens",
        check="response_schema",
        title="Response violates schema",
        received='"yesterday" is not a "date-time" at /audit/created/at',
        documented='format: "date-time" (#/components/schemas/AuditEvent/properties/at/format)',
        severity="high",
        code="CK901",
        instance_pointer="/audit/created/at",
        schema_pointer="#/components/schemas/AuditEvent/properties/at/format",
        status_code=201,
        response_excerpt='{"id": "tok_1", "token": "[REDACTED]"}',
        curl="curl -X POST -H 'Authorization: [REDACTED]' http://127.0.0.1:4010/v1/accounts/api-tokens",
        count=3,
    )
    return RunResult(
        base_url="http://127.0.0.1:4010",
        spec="openapi/api-tokens.yaml",
        seed=1,
        operations=["POST /v1/accounts/api-tokens"],
        findings=[finding],
        tallies=[
            CheckTally("POST /v1/accounts/api-tokens", "response_schema", passed=7, failed=3),
            CheckTally("POST /v1/accounts/api-tokens", "not_a_server_error", passed=10),
        ],
        test_cases=10,
        requests_sent=12,
        resources_created=7,
        requests_withheld=4,
        created=[
            {
                "path": "/v1/accounts/api-tokens/tok_1",
                "id": "tok_1",
                "outcome": "deleted by the run",
            },
            {
                "path": "/v1/accounts/api-tokens/tok_2",
                "id": "tok_2",
                "outcome": "deleted in the clean-up",
            },
            {
                "path": "/v1/accounts/api-tokens/tok_3",
                "id": "tok_3",
                "outcome": "deleted in the clean-up",
            },
            {
                "path": "/v1/accounts/api-tokens/tok_4",
                "id": "tok_4",
                "outcome": "left behind: DELETE answered 500",
            },
        ],
        cleanup_requests=3,
        duration=1.25,
        max_requests=1000,
        rate_limit="5/s",
        coverage=[
            OperationCoverage(
                "POST /v1/accounts/api-tokens",
                ["201", "400", "401", "413", "415"],
                seen={"201": 7, "400": 3},
                positive={
                    "success": 7,
                    "auth": 0,
                    "not_found": 0,
                    "refused": 0,
                    "server_error": 0,
                    "other": 0,
                },
            )
        ],
    )


EXPECTED_TEXT = """\
1. POST /v1/accounts/api-tokens | response_schema | Response violates schema (seen 3x, high)
   Received:   "yesterday" is not a "date-time" at /audit/created/at
   Documented: format: "date-time" (#/components/schemas/AuditEvent/properties/at/format)
   In body:    /audit/created/at
   In spec:    #/components/schemas/AuditEvent/properties/at/format
   Response:   201 {"id": "tok_1", "token": "[REDACTED]"}
   Reproduce:  curl -X POST -H 'Authorization: [REDACTED]' http://127.0.0.1:4010/v1/accounts/api-tokens

Coverage: 1 of 1 operation(s) exercised (100%): valid cases by outcome ok/auth/404/400/5xx/other; statuses seen
  + POST /v1/accounts/api-tokens  7/0/0/0/0/0  201 x7, 400 x3
                                  never seen: 401, 413, 415 (documented: 201, 400, 401, 413, 415)

Created 4 record(s); clean-up: 3 request(s) (outside the budget)
  deleted by the run (1): /v1/accounts/api-tokens/tok_1
  deleted in the clean-up (2): /v1/accounts/api-tokens/tok_2, /v1/accounts/api-tokens/tok_3
  left behind: DELETE answered 500 (1): /v1/accounts/api-tokens/tok_4

NOT CONFORMANT: 1 finding(s) (3 occurrence(s)) on 1 operation(s)
10 test case(s); 12 request(s) sent of a budget of 1000, rate limit 5/s; 7 resource(s) created
Mode: safe: changed only what it created; 4 request(s) to records it did not create withheld
1.2 s against http://127.0.0.1:4010; spec openapi/api-tokens.yaml; seed 1
"""


def test_terminal_text_is_pinned() -> None:
    assert render_text(sample()) == EXPECTED_TEXT


def test_conformant_summary() -> None:
    result = sample()
    result.findings = []
    assert "CONFORMANT: 0 findings on 1 operation(s)" in render_text(result).splitlines()


def test_a_run_that_exercised_nothing_is_not_tested() -> None:
    result = sample()
    result.findings = []
    result.coverage[0].positive.update(success=0, auth=12)
    result.coverage[0].seen = {"401": 12}
    text = render_text(result)
    assert "NOT TESTED: the server refused the credential on every valid request (12 of 12" in text
    assert "Not exercised (1): POST /v1/accounts/api-tokens" in text


def test_long_values_are_shortened_in_the_terminal_only() -> None:
    result = sample()
    result.findings[0].curl = "curl -X GET 'http://h/v1/items/" + "0" * 1000 + "'"
    assert "0" * 61 not in render_text(result) and "…[940 more chars]" in render_text(result)
    assert json.loads(render_json(result))["findings"][0]["curl"].count("0") >= 1000
    assert shorten_values("x" * 200) == "x" * 200


def test_markdown_summary_has_verdict_findings_and_coverage() -> None:
    markdown = render_markdown(sample())
    assert "**NOT CONFORMANT: 1 finding(s)" in markdown
    assert "| `POST /v1/accounts/api-tokens` | `response_schema` |" in markdown
    assert (
        "| `POST /v1/accounts/api-tokens` | yes | 7/0/0/0/0/0 | 201, 400 | 401, 413, 415 |"
        in markdown
    )


def test_junit_has_one_case_per_operation_and_check() -> None:
    root = ET.fromstring(render_junit(sample()))
    cases = {(case.get("classname"), case.get("name")): case for case in root.iter("testcase")}
    assert set(cases) == {
        ("POST /v1/accounts/api-tokens", "response_schema"),
        ("POST /v1/accounts/api-tokens", "not_a_server_error"),
    }
    failure = cases[("POST /v1/accounts/api-tokens", "response_schema")].find("failure")
    assert failure is not None and "Reproduce:  curl -X POST" in failure.text
    assert cases[("POST /v1/accounts/api-tokens", "not_a_server_error")].find("failure") is None
    assert root.find("testsuite").get("failures") == "1"


def test_json_report_carries_totals_and_findings() -> None:
    data = json.loads(render_json(sample()))
    assert data["version"] == 1 and data["conformant"] is False
    assert (data["requests_sent"], data["resources_created"]) == (12, 7)
    assert (
        data["findings"][0]["schema_pointer"]
        == "#/components/schemas/AuditEvent/properties/at/format"
    )
    coverage = data["coverage"]
    assert (coverage["exercised_percent"], coverage["not_exercised"], coverage["untested"]) == (
        100.0,
        [],
        None,
    )
    assert coverage["operations"][0]["never_seen"] == ["401", "413", "415"]
