"""`--ignore FILE`: changes a team has accepted, each with the reason it is safe (and an optional expiry).

The file is the kit's one findings file (`contract_core.findings_file`); diff keys an entry by `rule`,
`base` and `revision` (the change's JSON pointers in the two documents, `""` where the thing does
not exist), never by line or message text. Unlike conform's baseline and lint's ignores, a diff
entry must carry a `reason`: an ignore list nobody can review hides breaking changes.

The older format, one `FINGERPRINT  reason` a line (`#` starts a comment), is still read, and the
CLI says it is deprecated: its fingerprint hashes the message text, so rewording a message (or an
enum value in it) silently stops an entry from matching.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from contract_core.findings_file import (
    Entry,
    Fields,
    FindingsFile,
    FindingsFileError,
    Key,
    judge,
    read_findings_file,
)
from contract_spectools.diff.changes import Change

DIFF_FIELDS = Fields(("rule", "base", "revision"), required=("rule",))
_ENTRY = re.compile(r"^(?P<fingerprint>[0-9a-f]{16})(?:\s+(?P<reason>.*\S))?\s*$")

# Kept as the old name: the error every caller catches (a ContractError naming file:line).
IgnoreFileError = FindingsFileError


def change_key(change: Change) -> Key:
    return (change.rule, change.base_pointer or "", change.revision_pointer or "")


@dataclass
class IgnoreOutcome:
    """Changes held to the ignore file: those still reported, and the file's account."""

    kept: list[Change]
    ignored: int = 0
    expired: dict[Change, dt.date] = field(default_factory=dict)
    resolved: list[Entry] = field(default_factory=list)


@dataclass
class IgnoreList:
    path: str = ""
    file: FindingsFile | None = None
    reasons: dict[str, str] = field(
        default_factory=dict
    )  # the deprecated format: fingerprint -> reason

    @property
    def deprecated(self) -> bool:
        return self.file is None

    def apply(self, changes: list[Change], today: dt.date | None = None) -> IgnoreOutcome:
        if self.file is None:
            kept = [c for c in changes if c.fingerprint not in self.reasons]
            return IgnoreOutcome(kept, len(changes) - len(kept))
        judgement = judge(self.file, (change_key(c) for c in changes), today)
        kept = [c for c in changes if judgement.status(change_key(c)) != "excused"]
        expired = {
            c: judgement.expired[change_key(c)].expires
            for c in kept
            if change_key(c) in judgement.expired
        }
        return IgnoreOutcome(
            kept,
            len(changes) - len(kept),
            {c: d for c, d in expired.items() if d},
            judgement.resolved,
        )


def read_ignore_file(path: str | Path) -> IgnoreList:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FindingsFileError(
            str(path),
            None,
            f"cannot use ignore file: cannot read it ({exc.__class__.__name__}); check the path",
        ) from None
    if text.lstrip().startswith("{"):
        return IgnoreList(str(path), read_findings_file(path, DIFF_FIELDS, reason_required=True))
    return IgnoreList(str(path), reasons=_one_a_line(str(path), text))


def _one_a_line(path: str, text: str) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            raise FindingsFileError(
                path,
                number,
                f"cannot use ignore file: {line!r} is not a 16-hex-digit fingerprint; "
                "copy it from the `fingerprint` of a reported change",
            )
        if not entry["reason"]:
            raise FindingsFileError(
                path,
                number,
                f"cannot use ignore file: fingerprint {entry['fingerprint']} has no reason; "
                "write why the change is safe after it",
            )
        reasons[entry["fingerprint"]] = entry["reason"]
    return reasons
