"""Findings as text for people, JSON for scripts, GitHub workflow annotations, and SARIF 2.1.0.

Renderers return strings; only the CLI writes them out. With an ignore file, every format tells the
excused, expired and resolved counts: SARIF lists excused findings with a `suppressions` entry (its
way of saying "known, accepted"), the others leave them out and count them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from contract_core.records import Struct, asdict, field
from contract_spectools.annotations import github_command, sarif_log, sarif_result, sarif_rule
from contract_spectools.lint.findings import RULES, LintFinding, Rule

if TYPE_CHECKING:
    from contract_spectools.lint.ignores import Ignored

TOOL_NAME = "contract lint"


class LintReport(Struct):
    """What a run reports: its findings, held to an ignore file when it had one."""

    findings: Sequence[LintFinding]
    ignored: Ignored | None = None
    severities: Mapping[str, str] = field(default_factory=dict)  # [lint.rules] settings, for SARIF
    extra_rules: Sequence[Rule] = ()  # rules beyond the kit's catalogue (a ruleset's), for SARIF


def render(report: LintReport | Sequence[LintFinding], fmt: str) -> str:
    if not isinstance(report, LintReport):
        report = LintReport(report)
    renderers: dict[str, Callable[[LintReport], str]] = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
        "sarif": render_sarif,
    }
    return renderers[fmt](report)


def summary(findings: Sequence[LintFinding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    notes = len(findings) - errors - warnings
    counted = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return counted + (f", {notes} info" if notes else "")


def ignore_summary(ignored: Ignored) -> str:
    return (
        f"ignore file {ignored.file}: {len(ignored.excused)} excused, "
        f"{len(ignored.expired)} expired, {len(ignored.resolved)} resolved"
    )


def _resolved_line(entry: Any) -> str:
    rule, file, pointer = entry.key
    return f"resolved: [{rule}] {file} {pointer or '#'}: no longer found; remove it from the ignore file"


def render_text(report: LintReport) -> str:
    lines = []
    expired = report.ignored.expired if report.ignored else {}
    for f in report.findings:
        where = f"{f.source}:{f.line}" if f.line else f.source
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.pointer}: {f.message}")
        lines.append(f"    fix: {f.hint}")
        if f in expired:
            lines.append(f"    its ignore entry expired on {expired[f]}: it no longer excuses this")
    if report.ignored is not None:
        lines.append(ignore_summary(report.ignored))
        lines += [f"  {_resolved_line(entry)}" for entry in report.ignored.resolved]
    lines.append(summary(report.findings))
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:
    document: dict[str, Any] = {
        "findings": [_finding_dict(f, report) for f in report.findings],
        "summary": summary(report.findings),
    }
    if report.ignored is not None:
        document["ignore"] = _ignore_dict(report.ignored)
    return json.dumps(document, indent=2) + "\n"


def _finding_dict(finding: LintFinding, report: LintReport) -> dict[str, Any]:
    expired = report.ignored.expired.get(finding) if report.ignored else None
    extra = {"ignore_expired": expired.isoformat()} if expired else {}
    return asdict(finding) | extra


def _ignore_dict(ignored: Ignored) -> dict[str, Any]:
    # imported here: the findings file costs 2 ms of start-up, and only a run with --ignore reports one
    from contract_core.findings_file import as_dict
    from contract_spectools.lint.ignores import LINT_FIELDS

    return {
        "file": ignored.file,
        "excused": [
            asdict(f)
            | {"reason": e.reason, "expires": e.expires.isoformat() if e.expires else None}
            for f, e in ignored.excused
        ],
        "expired": len(ignored.expired),
        "resolved": [as_dict(LINT_FIELDS, entry) for entry in ignored.resolved],
        "counts": {
            "excused": len(ignored.excused),
            "expired": len(ignored.expired),
            "resolved": len(ignored.resolved),
        },
    }


def render_github(report: LintReport) -> str:
    """Workflow commands: `::error file=F,line=L,title=T::message` (one per finding)."""
    out = [
        github_command(
            f.severity, f.source, f.line, f"{f.rule} at {f.pointer}", f"{f.message}. Fix: {f.hint}"
        )
        for f in report.findings
    ]
    if report.ignored is not None:
        ignored = report.ignored
        out.append(
            github_command("info", ignored.file, None, "lint ignores", ignore_summary(ignored))
        )
        out += [
            github_command("info", ignored.file, None, "resolved ignore entry", _resolved_line(e))
            for e in ignored.resolved
        ]
    return "\n".join(out) + ("\n" if out else "")


def render_sarif(report: LintReport) -> str:
    catalogue = {**RULES, **{rule.id: rule for rule in report.extra_rules}}
    index = {rule_id: position for position, rule_id in enumerate(catalogue)}
    rules = [
        sarif_rule(rule.id, rule.title, report.severities.get(rule.id, rule.severity), rule.hint)
        for rule in catalogue.values()
    ]
    results = [_sarif_result(f, index) for f in report.findings]
    properties: dict[str, Any] = {}
    if report.ignored is not None:
        results += [
            _sarif_result(f, index, _suppression(e.reason)) for f, e in report.ignored.excused
        ]
        properties = {
            "ignore": _ignore_dict(report.ignored)["counts"] | {"file": report.ignored.file}
        }
    return sarif_log(TOOL_NAME, rules, results, properties)


def _suppression(reason: str) -> dict[str, Any]:
    return {"suppressions": [{"kind": "external", "justification": reason or "in the ignore file"}]}


def _sarif_result(
    f: LintFinding, index: Mapping[str, int], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return sarif_result(
        f.rule,
        index[f.rule],
        f.severity,
        f"{f.message}. Fix: {f.hint}",
        f.source,
        f.line,
        f.pointer,
        **(extra or {}),
    )
