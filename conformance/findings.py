"""The results of a conformance run as data: findings (deduplicated) and the run's totals.

Everything here is already redacted: the runner passes every string through the run's Redactor
before it reaches a Finding, so no report format can leak what the run saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    """One defect: an operation broke one check in one way; `count` is how often it was seen."""

    operation: str
    check: str
    title: str
    received: str
    documented: str
    severity: str
    code: str
    instance_pointer: str | None = None
    schema_pointer: str | None = None
    status_code: int | None = None
    response_excerpt: str | None = None
    curl: str | None = None
    count: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def severity_rank(self) -> int:
        return _SEVERITY_ORDER.get(self.severity, len(_SEVERITY_ORDER))


_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass
class CheckTally:
    """How often one check ran on one operation, and how often it failed there."""

    operation: str
    check: str
    passed: int = 0
    failed: int = 0


@dataclass
class RunResult:
    base_url: str
    spec: str
    seed: int | None
    operations: list[str]
    findings: list[Finding] = field(default_factory=list)
    tallies: list[CheckTally] = field(default_factory=list)
    test_cases: int = 0
    requests_sent: int = 0
    requests_refused: int = 0
    resources_created: int = 0
    budget_exhausted: bool = False
    stop_reason: str = "completed"
    duration: float = 0.0
    max_requests: int = 0
    rate_limit: str | None = None

    @property
    def conformant(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["conformant"] = self.conformant
        return data
