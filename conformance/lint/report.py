"""Findings as text for people, JSON for scripts, GitHub workflow annotations, and SARIF 2.1.0.

Renderers return strings; only the CLI writes them out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from conformance.lint.findings import RULES, Finding

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "contract lint"


def render(findings: Sequence[Finding], fmt: str) -> str:
    renderers: dict[str, Callable[[Sequence[Finding]], str]] = {
        "text": render_text, "json": render_json, "github": render_github, "sarif": render_sarif,
    }
    return renderers[fmt](findings)


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def render_text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        where = f"{f.source}:{f.line}" if f.line else f.source
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.pointer}: {f.message}")
        lines.append(f"    fix: {f.hint}")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps({"findings": [asdict(f) for f in findings], "summary": summary(findings)}, indent=2) + "\n"


def render_github(findings: Sequence[Finding]) -> str:
    """Workflow commands: `::error file=F,line=L,title=T::message` (one per finding)."""
    out = []
    for f in findings:
        properties = {"file": f.source, "title": f"{f.rule} at {f.pointer}"}
        if f.line:
            properties["line"] = str(f.line)
        fields = ",".join(f"{k}={_escape_property(v)}" for k, v in properties.items())
        out.append(f"::{f.severity} {fields}::{_escape_data(f'{f.message}. Fix: {f.hint}')}")
    return "\n".join(out) + ("\n" if out else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_sarif(findings: Sequence[Finding]) -> str:
    rules = [
        {"id": rule.id, "shortDescription": {"text": rule.title}, "help": {"text": rule.hint},
         "defaultConfiguration": {"level": rule.severity}}
        for rule in RULES.values()
    ]
    run = {
        "tool": {"driver": {"name": TOOL_NAME, "informationUri": "https://spec.openapis.org/oas/", "rules": rules}},
        "results": [_sarif_result(f) for f in findings],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _sarif_result(f: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": f.source}}
    if f.line:
        physical["region"] = {"startLine": f.line}
    return {
        "ruleId": f.rule,
        "ruleIndex": list(RULES).index(f.rule),
        "level": f.severity,
        "message": {"text": f"{f.message}. Fix: {f.hint}"},
        "locations": [{"physicalLocation": physical, "logicalLocations": [{"fullyQualifiedName": f.pointer}]}],
    }
