"""A diff as text (grouped by the operations it affects), JSON (versioned), Markdown, GitHub
workflow annotations, JUnit XML and SARIF 2.1.0. Renderers return strings; only the CLI prints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from contract_spectools.annotations import github_command, sarif_log, sarif_result, sarif_rule
from contract_spectools.diff import DiffResult
from contract_spectools.diff.changes import Affected, Change
from contract_spectools.diff.rules import RULES

JSON_FORMAT_VERSION = 1
TOOL_NAME = "contract diff"
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET, _BOLD = "\033[0m", "\033[1m"


def render(result: DiffResult, changes: Sequence[Change], fmt: str, colour: bool = False) -> str:
    """`changes`: the ones to show (the CLI filters by severity); `result` names the documents."""
    renderers: dict[str, Callable[[DiffResult, Sequence[Change]], str]] = {
        "text": lambda r, c: render_text(r, c, colour),
        "json": render_json,
        "markdown": render_markdown,
        "github": render_github,
        "junit": render_junit,
        "sarif": render_sarif,
    }
    return renderers[fmt](result, changes)


def summary(changes: Sequence[Change]) -> str:
    counts = {
        severity: sum(c.severity == severity for c in changes)
        for severity in ("error", "warning", "info")
    }
    return ", ".join(f"{n} {severity}{'s' * (n != 1)}" for severity, n in counts.items())


def affects_text(affects: Sequence[Affected], limit: int = 3) -> str:
    labels = list(dict.fromkeys(a.operation for a in affects))
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more if labels else "no operation"


def _directions(change: Change) -> str:
    return (
        "/".join(sorted({a.direction for a in change.affects if a.direction != "none"}))
        or "operation"
    )


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


# Text -------------------------------------------------------------------------------------------


def render_text(result: DiffResult, changes: Sequence[Change], colour: bool = False) -> str:
    lines = []
    ordered = sorted(changes, key=lambda c: (c.affects, -c.rank))
    for affects, group in groupby(ordered, key=lambda c: c.affects):
        lines.append(_paint(affects_text(affects, limit=5), _BOLD, colour))
        for change in group:
            severity = _paint(f"{change.severity:7}", _COLOURS[change.severity], colour)
            lines.append(f"  {severity} [{change.rule}] {change.message} ({_directions(change)})")
            lines.append(
                f"          revision {_where(result.revision.path, change.revision_line)} "
                f"{change.revision_pointer}"
            )
            lines.append(
                f"          base     {_where(result.base.path, change.base_line)} {change.base_pointer}"
            )
            lines.append(f"          fingerprint {change.fingerprint}")
            lines += _expired_line(result, change)
    lines += _resolved_lines(result)
    lines.append(
        f"{summary(changes)}{_ignore_counts(result)} ({len(result.changes)} changes in all)"
    )
    return "\n".join(lines) + "\n"


def _expired_line(result: DiffResult, change: Change) -> list[str]:
    expired = result.ignores.expired.get(change) if result.ignores else None
    return (
        [f"          its ignore entry expired on {expired}: it no longer excuses this"]
        if expired
        else []
    )


def _resolved_lines(result: DiffResult) -> list[str]:
    entries = result.ignores.resolved if result.ignores else []
    return [
        f"resolved ignore entry [{rule}] base {base or '-'} revision {revision or '-'}: "
        "no such change any more; remove it from the ignore file"
        for rule, base, revision in (entry.key for entry in entries)
    ]


def _ignore_counts(result: DiffResult) -> str:
    outcome = result.ignores
    if outcome is None or outcome.ignored + len(outcome.expired) + len(outcome.resolved) == 0:
        return f", {result.ignored} ignored" if result.ignored else ""
    return f", {outcome.ignored} ignored, {len(outcome.expired)} expired, {len(outcome.resolved)} resolved"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour else text


# JSON -------------------------------------------------------------------------------------------


def change_record(change: Change) -> dict[str, Any]:
    """One change as JSON (format version 1; documented in docs/diff.md)."""
    rule = RULES[change.rule]
    return {
        "id": change.rule,
        "severity": change.severity,
        "direction": rule.direction,
        "kind": rule.kind,
        "message": change.message,
        "fingerprint": change.fingerprint,
        "base": {"pointer": change.base_pointer, "line": change.base_line},
        "revision": {"pointer": change.revision_pointer, "line": change.revision_line},
        "affects": [
            {"operation": a.operation, "operationId": a.operation_id, "direction": a.direction}
            for a in change.affects
        ],
    }


def _ignore_summary(result: DiffResult) -> dict[str, int]:
    if result.ignores is None:
        return {}
    return {"expired": len(result.ignores.expired), "resolved": len(result.ignores.resolved)}


def render_json(result: DiffResult, changes: Sequence[Change]) -> str:
    document = {
        "version": JSON_FORMAT_VERSION,
        "tool": TOOL_NAME,
        "base": result.base.argument,
        "revision": result.revision.argument,
        "summary": {
            severity: sum(c.severity == severity for c in changes)
            for severity in ("error", "warning", "info")
        }
        | {"ignored": result.ignored, "total": len(result.changes)}
        | _ignore_summary(result),
        "changes": [change_record(c) for c in changes],
    }
    return json.dumps(document, indent=2) + "\n"


# Markdown ---------------------------------------------------------------------------------------


def render_markdown(result: DiffResult, changes: Sequence[Change]) -> str:
    head = f"### `contract diff`: {summary(changes)}\n\n`{result.base.argument}` → `{result.revision.argument}`\n"
    if not changes:
        return head + "\nNo change to report.\n"
    rows = ["| severity | rule | change | revision | affects |", "| --- | --- | --- | --- | --- |"]
    for change in changes:
        where = (
            f"`{change.revision_pointer}` (line {change.revision_line})"
            if change.revision_line
            else (f"`{change.revision_pointer}`")
        )
        rows.append(
            f"| {change.severity} | `{change.rule}` | {_cell(change.message)} | {_cell(where)} | "
            f"{_cell(affects_text(change.affects))} ({_directions(change)}) |"
        )
    return head + "\n" + "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# GitHub annotations -----------------------------------------------------------------------------


def render_github(result: DiffResult, changes: Sequence[Change]) -> str:
    """Workflow commands on the revision's lines (removals: the line of what holds the removed thing)."""
    out = [
        github_command(
            c.severity,
            result.revision.path,
            c.revision_line,
            c.rule,
            f"{c.message}; affects {affects_text(c.affects)} ({_directions(c)}); "
            f"fingerprint {c.fingerprint}",
        )
        for c in changes
    ]
    return "\n".join(out) + ("\n" if out else "")


# JUnit ------------------------------------------------------------------------------------------


def render_junit(result: DiffResult, changes: Sequence[Change]) -> str:
    """One test case per change; errors and warnings are failures, safe changes pass."""
    suite = ET.Element(
        "testsuite",
        name=TOOL_NAME,
        tests=str(len(changes)),
        failures=str(sum(c.severity != "info" for c in changes)),
    )
    for change in changes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=change.rule,
            name=f"{change.revision_pointer or change.base_pointer} [{change.fingerprint}]",
        )
        if change.severity != "info":
            failure = ET.SubElement(case, "failure", type=change.severity, message=change.message)
            failure.text = (
                f"affects {affects_text(change.affects, limit=50)}\n"
                f"revision {_where(result.revision.path, change.revision_line)}\n"
                f"base {_where(result.base.path, change.base_line)}"
            )
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


# SARIF ------------------------------------------------------------------------------------------


def render_sarif(result: DiffResult, changes: Sequence[Change]) -> str:
    rules = [
        sarif_rule(rule.id, rule.title, rule.severity, f"{rule.direction} / {rule.kind}")
        for rule in RULES.values()
    ]
    index = {rule_id: i for i, rule_id in enumerate(RULES)}
    results = [
        sarif_result(
            c.rule,
            index[c.rule],
            c.severity,
            f"{c.message}; affects {affects_text(c.affects)}",
            result.revision.path,
            c.revision_line,
            c.revision_pointer or "",
            partialFingerprints={"contractDiff/v1": c.fingerprint},
        )
        for c in changes
    ]
    return sarif_log(TOOL_NAME, rules, results)
