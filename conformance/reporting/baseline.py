"""Known findings: a reviewed, versioned JSON file that lets a team adopt conform on a drifting server.

The file is the kit's one findings file (`contract_core.findings_file`, version 1); conform keys an
entry by operation, check and body pointer with array indices normalised (`/modules/3/id` ->
`/modules/*/id`). Never by message text, seed or generated values, so a known finding stays known
across seeds. An entry may carry `expires` (a date); after it, the entry no longer excuses its
finding:

    {"version": 1, "spec": "...", "entries": [
      {"operation": "POST /v1/accounts/api-tokens", "check": "response_schema",
       "pointer": "/modules/*/audit", "fingerprint": "3f1c…", "title": "Response violates schema",
       "count": 3, "reason": "", "expires": null}]}

`reason` and `expires` are the reviewer's; `--update-baseline` keeps them for entries it keeps.
`fingerprint`, `title` and `count` are for the reader (the fingerprint is derived from the key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.errors import ConformanceError
from conformance.reporting.findings import Finding, Findings
from conformance.reporting.fingerprint import fingerprint, wildcard
from contract_core.findings_file import (
    Entry,
    Fields,
    FindingsFile,
    FindingsFileError,
    Key,
    as_dict,
    judge,
    read_findings_file,
    write_findings_file,
)

BASELINE_FIELDS = Fields(
    ("operation", "check", "pointer"),
    normalise=lambda name, value: wildcard(value) if name == "pointer" else value,
    required=("operation", "check"),
)


class BaselineError(ConformanceError):
    """The baseline file cannot be read or written; the message names the file and the fix."""


@dataclass
class Baseline:
    """A conform baseline: the findings file read with conform's fields."""

    file: FindingsFile

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def entries(self) -> list[Entry]:
        return self.file.entries


def load_baseline(path: Path) -> Baseline:
    if not path.exists():
        raise BaselineError(
            f"cannot read baseline {path}: no such file; create it with "
            f"--update-baseline --baseline {path}"
        )
    try:
        return Baseline(read_findings_file(path, BASELINE_FIELDS))
    except FindingsFileError as exc:
        raise BaselineError(f"baseline {exc}") from None


def finding_key(finding: Finding) -> Key:
    return BASELINE_FIELDS.key(
        {
            "operation": finding.operation,
            "check": finding.check,
            "pointer": finding.instance_pointer,
        }
    )


def write_baseline(path: Path, result: Findings[Any], previous: Baseline | None = None) -> int:
    """Write this run's findings as the baseline, keeping reviewers' `reason`/`expires`; returns the entry count."""
    counts: dict[Key, int] = {}
    titles: dict[Key, str] = {}
    for finding in result.findings:
        key = finding_key(finding)
        counts[key] = counts.get(key, 0) + finding.count
        titles.setdefault(key, finding.title)
    entries = [_entry(key, titles[key], count) for key, count in counts.items()]
    try:
        return write_findings_file(
            path,
            BASELINE_FIELDS,
            entries,
            previous.file if previous else None,
            {"spec": result.spec},
        )
    except FindingsFileError as exc:
        raise BaselineError(f"baseline {exc}") from None


def _entry(key: Key, title: str, count: int) -> Entry:
    return Entry(key, info={"fingerprint": fingerprint(*key), "title": title, "count": count})


def apply_baseline(result: Findings[Any], baseline: Baseline, today: dt.date | None = None) -> None:
    """Mark each finding known or new, and list the entries this run no longer sees (for its operations only:
    a shard does not resolve another shard's entries)."""
    ran = set(result.operations)
    judgement = judge(
        baseline.file,
        (finding_key(f) for f in result.findings),
        today,
        in_scope=lambda entry: entry.key[0] in ran,
    )
    for finding in result.findings:
        status = judgement.status(finding_key(finding))
        finding.baseline = "known" if status == "excused" else "new"
        if status == "expired":
            expired = judgement.expired[finding_key(finding)].expires
            finding.baseline_note = f"its baseline entry expired on {expired}"
    result.baseline_file = str(baseline.path)
    result.resolved = [_resolved(entry) for entry in judgement.resolved]


def _resolved(entry: Entry) -> dict[str, Any]:
    return {**as_dict(BASELINE_FIELDS, entry), "fingerprint": fingerprint(*entry.key)}
