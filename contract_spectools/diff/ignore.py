"""`--ignore FILE`: changes a team has accepted, by fingerprint, each with the reason it is safe.

One entry a line, `FINGERPRINT  reason`; `#` starts a comment. An entry without a reason is an
error: an ignore list nobody can review hides breaking changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from contract_core.errors import ContractError
from contract_spectools.diff.changes import Change

_ENTRY = re.compile(r"^(?P<fingerprint>[0-9a-f]{16})(?:\s+(?P<reason>.*\S))?\s*$")


@dataclass
class IgnoreFileError(ContractError):
    path: str
    line: int | None
    detail: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot use ignore file {where}: {self.detail}"


@dataclass
class IgnoreList:
    reasons: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason

    def covers(self, change: Change) -> bool:
        return change.fingerprint in self.reasons


def read_ignore_file(path: str | Path) -> IgnoreList:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IgnoreFileError(
            str(path), None, f"cannot read it ({exc.__class__.__name__}); check the path"
        ) from None
    ignored = IgnoreList()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            raise IgnoreFileError(
                str(path),
                number,
                f"{line!r} is not a 16-hex-digit fingerprint; "
                "copy it from the `fingerprint` of a reported change",
            )
        if not entry["reason"]:
            raise IgnoreFileError(
                str(path),
                number,
                f"fingerprint {entry['fingerprint']} has no reason; "
                "write why the change is safe after it",
            )
        ignored.reasons[entry["fingerprint"]] = entry["reason"]
    return ignored
