"""`contract verify --baseline FILE`: known findings that do not fail the run (until they expire).

A finding's fingerprint is its operation, check and body pointer with array positions normalised
(`/modules/3/id` -> `/modules/*/id`), the same key conform's baseline uses. This module is the one
seam `verify` calls (`split_known`); it is meant to give way to the shared `conformance/baseline.py`
when that lands, with the same file format:

    {"version": 1, "entries": [{"operation": "POST /v1/accounts/api-tokens", "check": "response_schema",
                                "pointer": "/audit/created/at", "expires": "2027-01-31", "reason": "TICKET-12"}]}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson

from conformance.exchange import wildcard_pointer
from traffic.errors import TrafficFileError


class Located(Protocol):
    operation: str
    check: str
    instance_pointer: str | None


F = TypeVar("F", bound=Located)


def fingerprint(operation: str, check: str, instance_pointer: str | None) -> str:
    return f"{operation}|{check}|{wildcard_pointer(instance_pointer)}"


@dataclass(frozen=True)
class Baseline:
    expiry: dict[str, date | None]  # fingerprint -> last day it holds (None: no end)

    def knows(self, finding: Located, today: date) -> bool:
        key = fingerprint(finding.operation, finding.check, finding.instance_pointer)
        if key not in self.expiry:
            return False
        ends = self.expiry[key]
        return ends is None or today <= ends


def split_known(findings: Iterable[F], path: Path, today: date | None = None) -> tuple[list[F], list[F]]:
    """(new findings, findings the baseline at `path` already knows)."""
    baseline, today = load_baseline(path), today or datetime.now(UTC).date()
    new, known = [], []
    for finding in findings:
        (known if baseline.knows(finding, today) else new).append(finding)
    return new, known


def load_baseline(path: Path) -> Baseline:
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise TrafficFileError(str(path), f"cannot read the baseline: {exc.strerror or exc}", "check the path") \
            from None
    except orjson.JSONDecodeError as exc:
        raise TrafficFileError(str(path), f"the baseline is not JSON: {exc}", "fix the file") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise TrafficFileError(str(path), "no `entries` array", 'write {"version": 1, "entries": [...]}')
    return Baseline(dict(_entry(path, index, item) for index, item in enumerate(entries)))


def _entry(path: Path, index: int, item: Any) -> tuple[str, date | None]:
    at = f"{path}#/entries/{index}"
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("operation", "check")):
        raise TrafficFileError(at, "an entry needs `operation` and `check` strings (and `pointer`)", "fix the entry")
    pointer = item.get("pointer")
    expires = item.get("expires")
    try:
        ends = date.fromisoformat(expires) if isinstance(expires, str) else None
    except ValueError:
        raise TrafficFileError(at, f"`expires` {expires!r} is not a date", "write YYYY-MM-DD") from None
    return fingerprint(item["operation"], item["check"], pointer if isinstance(pointer, str) else None), ends


def entries_for(findings: Iterable[Located]) -> dict[str, Any]:
    """A baseline document that knows `findings` (for `--write-baseline`)."""
    return {"version": 1, "entries": [{"operation": f.operation, "check": f.check,
                                       "pointer": wildcard_pointer(f.instance_pointer)} for f in findings]}
