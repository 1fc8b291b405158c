"""The output users read is pinned, so changes to it are deliberate."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conformance.findings import CheckTally, Finding, RunResult
from conformance.report import render_json, render_junit, render_text


def sample() -> RunResult:
    finding = Finding(
        operation="POST /v1/accounts/api-tokens", check="response_schema", title="Response violates schema",
        received='"yesterday" is not a "date-time" at /audit/created/at',
        documented='format: "date-time" (#/components/schemas/AuditEvent/properties/at/format)',
        severity="high", code="CK901", instance_pointer="/audit/created/at",
        schema_pointer="#/components/schemas/AuditEvent/properties/at/format", status_code=201,
        response_excerpt='{"id": "tok_1", "token": "[REDACTED]"}',
        curl="curl -X POST -H 'Authorization: [REDACTED]' http://127.0.0.1:4010/v1/accounts/api-tokens", count=3,
    )
    return RunResult(
        base_url="http://127.0.0.1:4010", spec="openapi/api-tokens.yaml", seed=1,
        operations=["POST /v1/accounts/api-tokens"], findings=[finding],
        tallies=[CheckTally("POST /v1/accounts/api-tokens", "response_schema", passed=7, failed=3),
                 CheckTally("POST /v1/accounts/api-tokens", "not_a_server_error", passed=10)],
        test_cases=10, requests_sent=12, resources_created=7, duration=1.25, max_requests=1000, rate_limit="5/s",
    )


EXPECTED_TEXT = """\
1. POST /v1/accounts/api-tokens | response_schema | Response violates schema (seen 3x, high)
   Received:   "yesterday" is not a "date-time" at /audit/created/at
   Documented: format: "date-time" (#/components/schemas/AuditEvent/properties/at/format)
   In body:    /audit/created/at
   In spec:    #/components/schemas/AuditEvent/properties/at/format
   Response:   201 {"id": "tok_1", "token": "[REDACTED]"}
   Reproduce:  curl -X POST -H 'Authorization: [REDACTED]' http://127.0.0.1:4010/v1/accounts/api-tokens

NOT CONFORMANT: 1 finding(s) (3 occurrence(s)) on 1 operation(s)
10 test case(s); 12 request(s) sent of a budget of 1000, rate limit 5/s; 7 resource(s) created
1.2 s against http://127.0.0.1:4010; spec openapi/api-tokens.yaml; seed 1
"""


def test_terminal_text_is_pinned() -> None:
    assert render_text(sample()) == EXPECTED_TEXT


def test_conformant_summary() -> None:
    result = sample()
    result.findings = []
    assert render_text(result).splitlines()[0] == "CONFORMANT: 0 findings on 1 operation(s)"


def test_junit_has_one_case_per_operation_and_check() -> None:
    root = ET.fromstring(render_junit(sample()))
    cases = {(case.get("classname"), case.get("name")): case for case in root.iter("testcase")}
    assert set(cases) == {("POST /v1/accounts/api-tokens", "response_schema"),
                          ("POST /v1/accounts/api-tokens", "not_a_server_error")}
    failure = cases[("POST /v1/accounts/api-tokens", "response_schema")].find("failure")
    assert failure is not None and "Reproduce:  curl -X POST" in failure.text
    assert cases[("POST /v1/accounts/api-tokens", "not_a_server_error")].find("failure") is None
    assert root.find("testsuite").get("failures") == "1"


def test_json_report_carries_totals_and_findings() -> None:
    data = json.loads(render_json(sample()))
    assert data["version"] == 1 and data["conformant"] is False
    assert (data["requests_sent"], data["resources_created"]) == (12, 7)
    assert data["findings"][0]["schema_pointer"] == "#/components/schemas/AuditEvent/properties/at/format"
