"""Render a RunResult: terminal text, JUnit XML for CI, JSON for tooling. Pure functions of the result."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from conformance.findings import Finding, RunResult

JSON_REPORT_VERSION = 1


def summary_lines(result: RunResult) -> list[str]:
    """The closing lines: verdict, then what the run cost the target."""
    occurrences = sum(f.count for f in result.findings)
    operations = len({f.operation for f in result.findings})
    if result.conformant:
        verdict = f"CONFORMANT: 0 findings on {len(result.operations)} operation(s)"
    else:
        verdict = (f"NOT CONFORMANT: {len(result.findings)} finding(s) ({occurrences} occurrence(s)) "
                   f"on {operations} operation(s)")
    rate = f", rate limit {result.rate_limit}" if result.rate_limit else ""
    budget = " (budget spent: run stopped early)" if result.budget_exhausted else ""
    return [
        verdict,
        f"{result.test_cases} test case(s); {result.requests_sent} request(s) sent of a budget of "
        f"{result.max_requests}{rate}{budget}; {result.resources_created} resource(s) created",
        f"{result.duration:.1f} s against {result.base_url}; spec {result.spec}; seed {result.seed}",
    ]


def finding_lines(finding: Finding, index: int) -> list[str]:
    times = f"seen {finding.count}x, " if finding.count > 1 else ""
    lines = [
        f"{index}. {finding.operation} | {finding.check} | {finding.title} ({times}{finding.severity})",
        f"   Received:   {finding.received}",
        f"   Documented: {finding.documented}",
    ]
    if finding.instance_pointer is not None:
        lines.append(f"   In body:    {finding.instance_pointer or '(the whole body)'}")
    if finding.schema_pointer:
        lines.append(f"   In spec:    {finding.schema_pointer}")
    if finding.response_excerpt:
        lines.append(f"   Response:   {finding.status_code} {finding.response_excerpt}")
    if finding.curl:
        lines.append("   Reproduce:  " + finding.curl.replace("\n", "\n               "))
    return lines


def render_text(result: RunResult) -> str:
    lines: list[str] = []
    for index, finding in enumerate(result.findings, 1):
        lines += [*finding_lines(finding, index), ""]
    return "\n".join(lines + summary_lines(result)) + "\n"


def render_json(result: RunResult) -> str:
    return json.dumps({"version": JSON_REPORT_VERSION, **result.as_dict()}, indent=2, ensure_ascii=False) + "\n"


def render_junit(result: RunResult) -> str:
    """One test case per operation x check that ran (or failed); failures carry the reproduction."""
    cases: dict[tuple[str, str], list[Finding]] = {(t.operation, t.check): [] for t in result.tallies}
    for finding in result.findings:
        cases.setdefault((finding.operation, finding.check), []).append(finding)
    failures = sum(1 for found in cases.values() if found)
    suites = ET.Element("testsuites", name="contract conform", tests=str(len(cases)), failures=str(failures))
    suite = ET.SubElement(suites, "testsuite", name="contract conform", tests=str(len(cases)),
                          failures=str(failures), errors="0", time=f"{result.duration:.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(result).items():
        ET.SubElement(properties, "property", name=name, value=str(value))
    for (operation, check), found in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", classname=operation, name=check, time="0")
        if found:
            failure = ET.SubElement(case, "failure", message="; ".join(f.title for f in found), type=found[0].code)
            failure.text = "\n\n".join("\n".join(finding_lines(f, i)) for i, f in enumerate(found, 1))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _properties(result: RunResult) -> dict[str, Any]:
    return {
        "base_url": result.base_url, "spec": result.spec, "seed": result.seed, "test_cases": result.test_cases,
        "requests_sent": result.requests_sent, "resources_created": result.resources_created,
        "max_requests": result.max_requests, "budget_exhausted": result.budget_exhausted,
    }
