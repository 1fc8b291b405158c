"""Render a VerifyResult: text for people, JSON for scripts, JUnit for CI, Markdown for pull requests."""

from __future__ import annotations

import json
from collections.abc import Callable

from conformance.reporting.junit import junit_xml
from conformance.reporting.report import baseline_lines, finding_lines
from conformance.traffic.verify import TrafficFinding, VerifyResult, counts

JSON_REPORT_VERSION = 1


def render(result: VerifyResult, fmt: str) -> str:
    renderers: dict[str, Callable[[VerifyResult], str]] = {
        "text": render_text,
        "json": render_json,
        "junit": render_junit,
        "markdown": render_markdown,
    }
    return renderers[fmt](result)


def verdict(result: VerifyResult) -> str:
    known = result.known_count
    besides = f"; {known} known (baseline)" if known else ""
    new = "new " if result.baseline_file else ""
    if result.conformant and result.bodies_unchecked:
        return f"NOT VERIFIED: 0 {new}findings, but no response body was in the record{besides}"
    if result.conformant:
        return f"CONFORMANT: 0 {new}findings in {result.checked} exchange(s){besides}"
    occurrences = sum(f.count for f in result.new_findings)
    return f"NOT CONFORMANT: {len(result.new_findings)} {new}finding(s) ({occurrences} occurrence(s)){besides}"


def coverage_lines(result: VerifyResult) -> list[str]:
    lines = []
    for operation in result.operations:
        lines.append(f"  {operation}: {_statuses(result, operation)}")
    covered = sum(1 for op in result.operations if op in result.coverage)
    return [f"Coverage: {covered} of {len(result.operations)} operation(s) seen", *lines]


def _lines(finding: TrafficFinding, index: int) -> list[str]:
    lines = finding_lines(finding, index)
    return [*lines, f"   Recorded:   {finding.recorded_at}"] if finding.recorded_at else lines


def render_text(result: VerifyResult) -> str:
    lines: list[str] = []
    for index, finding in enumerate(result.findings, 1):
        lines += [*_lines(finding, index), ""]
    baseline = baseline_lines(result)
    return (
        "\n".join([*lines, *coverage_lines(result), "", *baseline, verdict(result), counts(result)])
        + "\n"
    )


def render_json(result: VerifyResult) -> str:
    return (
        json.dumps(
            {"version": JSON_REPORT_VERSION, **result.as_dict()}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


def render_junit(result: VerifyResult) -> str:
    """One test case per operation seen ("exchanges") and per operation x check that found something."""
    seen = [(operation, "exchanges") for operation in result.coverage]
    return junit_xml("contract verify", seen, result.findings, describe=_lines)


def render_markdown(result: VerifyResult) -> str:
    lines = [f"## contract verify: {verdict(result)}", "", counts(result), ""]
    if result.findings:
        lines += [
            "| # | Operation | Check | Where | Received | Documented | Seen | Baseline |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {i} | `{f.operation}` | {f.check} | `{f.instance_pointer or '(body)'}` | {_cell(f.received)} "
            f"| {_cell(f.documented)} | {f.count} | {f.baseline or ''} |"
            for i, f in enumerate(result.findings, 1)
        ]
        lines.append("")
    lines += ["| Operation | Statuses seen |", "|---|---|"]
    lines += [
        f"| `{operation}` | {_statuses(result, operation)} |" for operation in result.operations
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    short = text if len(text) <= 160 else text[:160] + " …"
    return short.replace("|", "\\|").replace("\n", " ")


def _statuses(result: VerifyResult, operation: str) -> str:
    seen = result.coverage.get(operation)
    return ", ".join(f"{status} x{n}" for status, n in sorted(seen.items())) if seen else "not seen"
