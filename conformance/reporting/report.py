"""Render a RunResult: terminal text, JUnit XML for CI, JSON for tooling. Pure functions of the result."""

from __future__ import annotations

import json
import re
from typing import Any

from conformance.reporting.coverage import (
    OUTCOME_COLUMNS,
    OUTCOMES,
    OperationCoverage,
    all_warnings,
)
from conformance.reporting.findings import Finding, Findings, RunResult
from conformance.reporting.junit import junit_xml

JSON_REPORT_VERSION = 1
# Longer values in a terminal curl line are shortened (the JSON report keeps them whole).
SHOWN_VALUE = 200
_LONG_VALUE = re.compile(r"[^\s/?&=:,'\"{}\[\]]{" + str(SHOWN_VALUE + 1) + ",}")


def verdict_line(result: RunResult) -> str:
    new, known = result.new_findings, result.known_count
    besides = f" ({known} known, in the baseline)" if known else ""
    shard = f" (shard {result.shard})" if result.shard else ""
    if result.untested and (result.conformant or result.set_up_wrong):
        stopped = "interrupted; " if result.incomplete else ""
        return f"NOT TESTED: {stopped}{result.untested}"
    if result.conformant and result.incomplete:
        return f"INCOMPLETE: 0 findings in what ran before Ctrl-C on {len(result.operations)} operation(s){shard}"
    if result.conformant:
        return (
            f"CONFORMANT: 0 new findings{besides} on {len(result.operations)} operation(s){shard}"
            if known
            else f"CONFORMANT: 0 findings on {len(result.operations)} operation(s){shard}"
        )
    occurrences = sum(f.count for f in new)
    untested = f"; and nothing was exercised: {result.untested}" if result.untested else ""
    return (
        f"NOT CONFORMANT: {len(new)} {'new ' if result.baseline_file else ''}finding(s) ({occurrences} "
        f"occurrence(s)) on {len({f.operation for f in new})} operation(s){shard}{besides}{untested}"
    )


def summary_lines(result: RunResult) -> list[str]:
    """The closing lines: verdict, then what the run cost the target."""
    return [
        verdict_line(result),
        cost_line(result),
        *staging_lines(result),
        mode_line(result),
        f"{result.duration:.1f} s against {result.base_url}; spec {result.spec}; seed {result.seed}",
    ]


def cost_line(result: RunResult) -> str:
    """Test cases, requests against the budget, resources created: what the run cost the target."""
    rate = f", rate limit {result.rate_limit}" if result.rate_limit else ""
    budget = " (budget spent: run stopped early)" if result.budget_exhausted else ""
    budget += " (interrupted: run stopped early by Ctrl-C)" if result.incomplete else ""
    workers = f", {result.workers} workers" if result.workers > 1 else ""
    return (
        f"{result.test_cases} test case(s){workers}; {result.requests_sent} request(s) sent of a budget of "
        f"{result.max_requests}{rate}{budget}; {result.resources_created} resource(s) created"
    )


def staging_lines(result: RunResult) -> list[str]:
    """How often the credential was renewed and the server's rate limit waited out (when it was)."""
    parts = []
    if result.credential_renewals is not None:
        parts.append(f"credential renewed {result.credential_renewals} time(s)")
    if result.rate_limit_waits:
        parts.append(
            f"waited {result.rate_limit_waits} time(s) for the server's rate limit "
            f"({result.rate_limit_wait_seconds:.1f} s in all; not findings, not counted twice)"
        )
    text = "; ".join(parts)
    return [text[:1].upper() + text[1:]] if text else []


def mode_line(result: RunResult) -> str:
    """Which mode ran: whether records the run did not create were safe from it."""
    if result.destructive:
        return "Mode: destructive (--allow-destructive): sent requests to records it did not create"
    return (
        f"Mode: safe: changed only what it created; {result.requests_withheld} request(s) to "
        "records it did not create withheld"
    )


def created_lines(result: RunResult) -> list[str]:
    """What the run created and what became of each record, with ids: deleted, kept, left behind."""
    if not result.created:
        return []
    by_outcome: dict[str, list[str]] = {}
    for created in result.created:
        by_outcome.setdefault(created["outcome"], []).append(created["path"])
    lines = [
        f"Created {len(result.created)} record(s); clean-up: {result.cleanup_requests} request(s) "
        "(outside the budget)"
    ]
    lines += [
        f"  {outcome} ({len(paths)}): {', '.join(paths)}" for outcome, paths in by_outcome.items()
    ]
    return [*lines, ""]


def _outcome_order(item: tuple[str, list[str]]) -> tuple[bool, bool, str]:
    """Deleted by the run, deleted in the clean-up, kept; what was left behind last, where it is seen."""
    outcome = item[0]
    return outcome.startswith("left behind"), outcome != "deleted by the run", outcome


def left_behind(result: RunResult) -> list[dict[str, Any]]:
    return [c for c in result.created if c["outcome"].startswith("left behind")]


def finding_lines(finding: Finding, index: int, shorten: bool = False) -> list[str]:
    times = f"seen {finding.count}x, " if finding.count > 1 else ""
    known = " [known: in the baseline]" if finding.is_known else ""
    note = f" [new: {finding.baseline_note}]" if finding.baseline_note else ""
    lines = [
        f"{index}. {finding.operation} | {finding.check} | {finding.title} ({times}{finding.severity}){known}{note}",
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
        curl = shorten_values(finding.curl) if shorten else finding.curl
        lines.append("   Reproduce:  " + curl.replace("\n", "\n               "))
    return lines


def shorten_values(text: str) -> str:
    """Values over 200 characters cut to their first 60 with a marker: a path parameter of 1,000 zeros
    must not fill the screen. Only the terminal does this; the JSON report keeps the whole command."""
    return _LONG_VALUE.sub(lambda m: f"{m[0][:60]}…[{len(m[0]) - 60} more chars]", text)


def render_text(result: RunResult) -> str:
    lines: list[str] = []
    for index, finding in enumerate(result.findings, 1):
        lines += [*finding_lines(finding, index, shorten=True), ""]
    lines += coverage_lines(result) + created_lines(result) + baseline_lines(result)
    return "\n".join(lines + summary_lines(result)) + "\n"


def coverage_lines(result: RunResult) -> list[str]:
    """The coverage table: valid cases by outcome, statuses seen against those documented, the gaps."""
    coverage = result.coverage
    exercised = sum(c.exercised for c in coverage)
    lines = [
        f"Coverage: {exercised} of {len(coverage)} operation(s) exercised ({result.coverage_percent:.0f}%): "
        f"valid cases by outcome {OUTCOME_COLUMNS}; statuses seen"
    ]
    width = max((len(c.operation) for c in coverage), default=0)
    for c in coverage:
        lines.append(
            f"  {'+' if c.exercised else '-'} {c.operation:<{width}}  {_outcomes(c)}  {_seen(c)}"
        )
        if c.never_seen:
            lines.append(
                f"    {'':<{width}}  never seen: {', '.join(c.never_seen)} (documented: "
                f"{', '.join(c.documented)})"
            )
    if result.not_exercised:
        lines.append(
            f"Not exercised ({len(result.not_exercised)}): " + ", ".join(result.not_exercised)
        )
    warnings = all_warnings(coverage, result.warnings)
    lines += [f"Warning: {w}" for w in warnings]
    return [*lines, ""]


def _outcomes(coverage: OperationCoverage) -> str:
    return "/".join(str(coverage.positive.get(o, 0)) for o in OUTCOMES)


def _seen(coverage: OperationCoverage) -> str:
    return (
        ", ".join(f"{status} x{count}" for status, count in sorted(coverage.seen.items()))
        or "no response"
    )


def baseline_lines(result: Findings[Any]) -> list[str]:
    """The baseline's account, conform's and verify's alike: known, new, and entries to remove."""
    if not result.baseline_file:
        return []
    lines = [
        f"Baseline {result.baseline_file}: {result.known_count} known, {len(result.new_findings)} new, "
        f"{len(result.resolved)} resolved"
    ]
    lines += [
        f"  resolved: {e['operation']} | {e['check']} | {e['pointer'] or '(no pointer)'} "
        f"(fingerprint {e['fingerprint']}): no longer seen; remove it from the baseline"
        for e in result.resolved
    ]
    return [*lines, ""]


def render_json(result: RunResult) -> str:
    return (
        json.dumps(
            {"version": JSON_REPORT_VERSION, **result.as_dict()}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


def render_junit(result: RunResult) -> str:
    """One test case per operation x check that ran (or failed); failures carry the reproduction."""
    ran = [(tally.operation, tally.check) for tally in result.tallies]
    return junit_xml(
        "contract conform",
        ran,
        result.findings,
        describe=finding_lines,
        duration=result.duration,
        properties=_properties(result),
    )


def _properties(result: RunResult) -> dict[str, Any]:
    return {
        "base_url": result.base_url,
        "spec": result.spec,
        "seed": result.seed,
        "test_cases": result.test_cases,
        "requests_sent": result.requests_sent,
        "resources_created": result.resources_created,
        "credential_renewals": ""
        if result.credential_renewals is None
        else result.credential_renewals,
        "rate_limit_waits": result.rate_limit_waits,
        "rate_limit_wait_seconds": f"{result.rate_limit_wait_seconds:.1f}",
        "mode": "destructive" if result.destructive else "safe",
        "requests_withheld": result.requests_withheld,
        "left_behind": len(left_behind(result)),
        "max_requests": result.max_requests,
        "budget_exhausted": result.budget_exhausted,
        "coverage_percent": f"{result.coverage_percent:.1f}",
        "operations_exercised": sum(c.exercised for c in result.coverage),
        "operations_selected": len(result.coverage),
        "not_exercised": ", ".join(result.not_exercised),
        "untested": result.untested or "",
        "shard": result.shard or "",
        "known_findings": result.known_count,
        "new_findings": len(result.new_findings),
        "resolved_baseline_entries": len(result.resolved),
    }


def render_markdown(result: RunResult) -> str:
    """The verdict, findings and coverage for a pull request or the GitHub step summary."""
    icon = ":warning:" if result.untested else ":white_check_mark:" if result.conformant else ":x:"
    # a verdict may end with a contract.toml table to paste ([conform.data]): a code block, not prose
    headline, _, example = verdict_line(result).partition("\n")
    lines = [
        f"## Contract conformance {icon}",
        "",
        f"**{headline}**",
        "",
        *(["```toml", example, "```", ""] if example else []),
        f"{result.test_cases} test cases, {result.requests_sent} requests to `{result.base_url}`, "
        f"spec `{result.spec}`, seed {result.seed}.",
        "",
        *(f"{line}." for line in staging_lines(result)),
        *([""] if staging_lines(result) else []),
        f"{mode_line(result)}. {_created_summary(result)}",
        "",
    ]
    if result.findings:
        lines += [
            "| # | operation | check | finding | where | baseline |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {i} | `{f.operation}` | `{f.check}` | {_cell(f.title)}: {_cell(f.received)} | "
            f"`{f.instance_pointer or ''}` | {f.baseline or ''} |"
            for i, f in enumerate(result.findings, 1)
        ]
        lines.append("")
    lines += [
        f"| operation | exercised | valid cases {OUTCOME_COLUMNS} | statuses seen | never seen |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{c.operation}` | {'yes' if c.exercised else '**no**'} | {_outcomes(c)} | "
        f"{', '.join(sorted(c.seen)) or 'none'} | {', '.join(c.never_seen)} |"
        for c in result.coverage
    ]
    lines += [
        "",
        *(
            f"- resolved baseline entry `{e['fingerprint']}` ({e['operation']} {e['check']}): remove it"
            for e in result.resolved
        ),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _created_summary(result: RunResult) -> str:
    left = left_behind(result)
    shown = ", ".join(f"`{c['path']}` ({c['outcome']})" for c in left)
    return f"Created {len(result.created)} record(s); left behind {len(left)}{': ' + shown if shown else ''}."


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 160 else text[:157] + "…"
