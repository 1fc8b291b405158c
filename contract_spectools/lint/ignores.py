"""`contract lint --ignore FILE`: findings a team has accepted, each with a reason and an expiry.

The file is the kit's one findings file (`contract_core.findings_file`); lint keys an entry by
`rule`, `file` (the spec as the run named it, relative to the working directory) and `pointer`
(the JSON pointer of the finding), never by line or message, so an entry survives edits elsewhere
in the spec. Known findings don't fail the run; an expired entry stops excusing its finding; an
entry no finding matches is reported as resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from contract_core.findings_file import (
    Entry,
    Fields,
    FindingsFile,
    Key,
    judge,
    read_findings_file,
    write_findings_file,
)
from contract_core.records import Struct, field
from contract_spectools.lint.findings import LintFinding

LINT_FIELDS = Fields(("rule", "file", "pointer"), required=("rule", "file"))


def finding_key(finding: LintFinding) -> Key:
    return (finding.rule, spec_name(finding.source), finding.pointer)


def spec_name(source: str) -> str:
    """The spec as an entry names it: relative to the working directory when under it, `/` separators,
    so that the same file gives the same key on every machine and operating system."""
    path = Path(source)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        path = path.relative_to(Path.cwd())
    return path.as_posix()


def read_ignores(path: Path) -> FindingsFile:
    return read_findings_file(path, LINT_FIELDS)


class Ignored(Struct):
    """A run's findings held to the ignore file."""

    file: str
    reported: list[
        LintFinding
    ]  # what the run is judged on: new findings, and those whose entry expired
    excused: list[tuple[LintFinding, Entry]] = field(default_factory=list)
    expired: dict[LintFinding, dt.date] = field(default_factory=dict)
    resolved: list[Entry] = field(default_factory=list)


def apply_ignores(
    findings: Sequence[LintFinding], file: FindingsFile, today: dt.date | None = None
) -> Ignored:
    judgement = judge(file, (finding_key(f) for f in findings), today)
    ignored = Ignored(str(file.path), [], resolved=judgement.resolved)
    for finding in findings:
        key = finding_key(finding)
        status = judgement.status(key)
        if status == "excused":
            ignored.excused.append((finding, judgement.excused[key]))
            continue
        ignored.reported.append(finding)
        expires = judgement.expired[key].expires if status == "expired" else None
        if expires is not None:
            ignored.expired[finding] = expires
    return ignored


def write_ignores(
    path: Path, findings: Sequence[LintFinding], previous: FindingsFile | None
) -> int:
    """Write every finding as an entry (keeping reviewers' reason/expiry); returns the entry count."""
    entries = [Entry(finding_key(f), info={"message": f.message}) for f in findings]
    return write_findings_file(path, LINT_FIELDS, entries, previous)
