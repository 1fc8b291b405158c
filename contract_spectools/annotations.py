"""Machine-readable report pieces the linter and the differ share: GitHub workflow commands and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {
    "error": "error",
    "warning": "warning",
    "info": "note",
    "hint": "note",
    "off": "none",
}
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def github_command(severity: str, file: str, line: int | None, title: str, message: str) -> str:
    """One workflow command: `::error file=F,line=L,title=T::message`."""
    properties = {"file": file, "title": title}
    if line:
        properties["line"] = str(line)
    fields = ",".join(f"{k}={_escape_property(v)}" for k, v in properties.items())
    return f"::{GITHUB_LEVELS[severity]} {fields}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def sarif_rule(rule_id: str, title: str, severity: str, help_text: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "shortDescription": {"text": title},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": SARIF_LEVELS[severity]},
    }


def sarif_result(
    rule_id: str,
    rule_index: int,
    severity: str,
    message: str,
    file: str,
    line: int | None,
    pointer: str,
    **extra: Any,
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": file}}
    if line:
        physical["region"] = {"startLine": line}
    return {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[severity],
        "message": {"text": message},
        "locations": [
            {"physicalLocation": physical, "logicalLocations": [{"fullyQualifiedName": pointer}]}
        ],
        **extra,
    }


def sarif_log(
    tool_name: str,
    rules: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    properties: dict[str, Any] | None = None,
) -> str:
    driver = {
        "name": tool_name,
        "informationUri": "https://spec.openapis.org/oas/",
        "rules": list(rules),
    }
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": list(results)}
    if properties:
        run["properties"] = properties
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
