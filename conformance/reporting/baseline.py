"""Known findings: a reviewed, versioned JSON file that lets a team adopt conform on a drifting server.

A finding is matched by its fingerprint: operation, check and body pointer with array indices
normalised (`/modules/3/id` -> `/modules/*/id`). Never by message text, seed or generated values,
so a known finding stays known across seeds. An entry may carry `expires` (a date); after it, the
entry no longer excuses its finding. The file (version 1):

    {"version": 1, "spec": "...", "entries": [
      {"fingerprint": "3f1c…", "operation": "POST /v1/accounts/api-tokens", "check": "response_schema",
       "pointer": "/modules/*/audit", "title": "Response violates schema", "count": 3,
       "reason": "", "expires": null}]}

`reason` and `expires` are the reviewer's; `--update-baseline` keeps them for entries it keeps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.errors import ConformanceError
from conformance.reporting.findings import Finding, Findings
from conformance.reporting.fingerprint import fingerprint, wildcard

BASELINE_VERSION = 1


class BaselineError(ConformanceError):
    """The baseline file cannot be read or written; the message names the file and the fix."""


@dataclass(frozen=True)
class BaselineEntry:
    operation: str
    check: str
    pointer: str
    title: str = ""
    count: int = 1
    reason: str = ""
    expires: dt.date | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.operation, self.check, self.pointer)

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def as_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "operation": self.operation,
            "check": self.check,
            "pointer": self.pointer,
            "title": self.title,
            "count": self.count,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
        }


@dataclass
class Baseline:
    path: Path
    entries: list[BaselineEntry] = field(default_factory=list)

    def by_fingerprint(self) -> dict[str, BaselineEntry]:
        return {entry.fingerprint: entry for entry in self.entries}


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(
            f"cannot read baseline {path}: {exc.strerror or exc}; create it with "
            f"--update-baseline --baseline {path}"
        ) from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("entries"), list)
    ):
        raise BaselineError(
            f'baseline {path}: expected {{"version": {BASELINE_VERSION}, "entries": [...]}}'
        )
    return Baseline(path, [_entry(path, index, item) for index, item in enumerate(data["entries"])])


def _entry(path: Path, index: int, item: Any) -> BaselineEntry:
    where = f"baseline {path}: /entries/{index}"
    if not isinstance(item, dict) or not all(
        isinstance(item.get(k), str) for k in ("operation", "check")
    ):
        raise BaselineError(f"{where}: an entry needs string `operation` and `check`")
    try:
        expires = dt.date.fromisoformat(item["expires"]) if item.get("expires") else None
    except (TypeError, ValueError):
        raise BaselineError(
            f"{where}/expires: {item['expires']!r} is not a date (YYYY-MM-DD)"
        ) from None
    return BaselineEntry(
        item["operation"],
        item["check"],
        wildcard(item.get("pointer") or ""),
        str(item.get("title") or ""),
        int(item.get("count") or 1),
        str(item.get("reason") or ""),
        expires,
    )


def write_baseline(path: Path, result: Findings[Any], previous: Baseline | None = None) -> int:
    """Write this run's findings as the baseline, keeping reviewers' `reason`/`expires`; returns the entry count."""
    kept = previous.by_fingerprint() if previous else {}
    entries: dict[str, BaselineEntry] = {}
    for finding in result.findings:
        entry = _entry_for(finding, kept.get(finding.fingerprint))
        seen = entries.get(entry.fingerprint)
        entries[entry.fingerprint] = entry if seen is None else _counted(seen, finding.count)
    document = {
        "version": BASELINE_VERSION,
        "spec": result.spec,
        "entries": [
            e.as_dict()
            for e in sorted(entries.values(), key=lambda e: (e.operation, e.check, e.pointer))
        ],
    }
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def _entry_for(finding: Finding, previous: BaselineEntry | None) -> BaselineEntry:
    return BaselineEntry(
        finding.operation,
        finding.check,
        wildcard(finding.instance_pointer),
        finding.title,
        finding.count,
        previous.reason if previous else "",
        previous.expires if previous else None,
    )


def _counted(entry: BaselineEntry, more: int) -> BaselineEntry:
    return dataclasses.replace(entry, count=entry.count + more)


def apply_baseline(result: Findings[Any], baseline: Baseline, today: dt.date | None = None) -> None:
    """Mark each finding known or new, and list the entries this run no longer sees (for its operations only:
    a shard does not resolve another shard's entries)."""
    today = today or dt.date.today()
    entries = baseline.by_fingerprint()
    for finding in result.findings:
        entry = entries.get(finding.fingerprint)
        finding.baseline = "known" if entry is not None and not entry.expired(today) else "new"
        if entry is not None and entry.expired(today):
            finding.baseline_note = f"its baseline entry expired on {entry.expires}"
    seen = {finding.fingerprint for finding in result.findings}
    ran = set(result.operations)
    result.baseline_file = str(baseline.path)
    result.resolved = [
        e.as_dict() for e in baseline.entries if e.operation in ran and e.fingerprint not in seen
    ]
