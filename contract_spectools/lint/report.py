"""Findings as text for people, JSON for scripts, GitHub workflow annotations, and SARIF 2.1.0.

Renderers return strings; only the CLI writes them out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict

from contract_spectools.annotations import github_command, sarif_log, sarif_result, sarif_rule
from contract_spectools.lint.findings import RULES, LintFinding, Rule

TOOL_NAME = "contract lint"


def render(findings: Sequence[LintFinding], fmt: str, extra_rules: Sequence[Rule] = ()) -> str:
    """`extra_rules`: rules beyond the kit's catalogue (a ruleset's), for SARIF's rules list."""
    if fmt == "sarif":
        return render_sarif(findings, extra_rules)
    renderers: dict[str, Callable[[Sequence[LintFinding]], str]] = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
    }
    return renderers[fmt](findings)


def summary(findings: Sequence[LintFinding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    notes = len(findings) - errors - warnings
    counted = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return counted + (f", {notes} info" if notes else "")


def render_text(findings: Sequence[LintFinding]) -> str:
    lines = []
    for f in findings:
        where = f"{f.source}:{f.line}" if f.line else f.source
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.pointer}: {f.message}")
        lines.append(f"    fix: {f.hint}")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[LintFinding]) -> str:
    return (
        json.dumps(
            {"findings": [asdict(f) for f in findings], "summary": summary(findings)}, indent=2
        )
        + "\n"
    )


def render_github(findings: Sequence[LintFinding]) -> str:
    """Workflow commands: `::error file=F,line=L,title=T::message` (one per finding)."""
    out = [
        github_command(
            f.severity, f.source, f.line, f"{f.rule} at {f.pointer}", f"{f.message}. Fix: {f.hint}"
        )
        for f in findings
    ]
    return "\n".join(out) + ("\n" if out else "")


def render_sarif(findings: Sequence[LintFinding], extra_rules: Sequence[Rule] = ()) -> str:
    catalogue = {**RULES, **{rule.id: rule for rule in extra_rules}}
    rules = [sarif_rule(r.id, r.title, r.severity, r.hint) for r in catalogue.values()]
    index = {rule_id: position for position, rule_id in enumerate(catalogue)}
    results = [
        sarif_result(
            f.rule,
            index[f.rule],
            f.severity,
            f"{f.message}. Fix: {f.hint}",
            f.source,
            f.line,
            f.pointer,
        )
        for f in findings
    ]
    return sarif_log(TOOL_NAME, rules, results)
