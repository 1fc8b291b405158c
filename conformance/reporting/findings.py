"""The results of a conformance run as data: findings (deduplicated) and the run's totals.

Everything here is already redacted: the runner passes every string through the run's Redactor
before it reaches a Finding, so no report format can leak what the run saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Generic, TypeVar

from conformance.reporting.coverage import (
    OperationCoverage,
    Untested,
    coverage_share,
    untested_reason,
)


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
    fingerprint: str = ""  # operation + check + wildcarded pointer: what a baseline matches
    baseline: str | None = None  # "known" | "new" when the run had a baseline
    baseline_note: str | None = None

    @property
    def is_known(self) -> bool:
        return self.baseline == "known"

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


AnyFinding = TypeVar("AnyFinding", bound=Finding)


@dataclass(kw_only=True)
class Findings(Generic[AnyFinding]):
    """What a run found, held to a baseline: the members its verdict reads.

    Conform's RunResult and verify's VerifyResult both extend it, so "new", "known", "conformant" and
    "tested nothing" mean one thing in both; `conformance.reporting.baseline` marks and writes their
    findings, and `conformance.reporting.verdict.judge` turns them into the exit code.
    """

    spec: str
    operations: list[str]
    findings: list[AnyFinding] = field(default_factory=list)
    # The baseline file the run was held to, and its entries for these operations that the run no
    # longer saw: both set by conformance.reporting.baseline.apply_baseline.
    baseline_file: str | None = None
    resolved: list[dict[str, Any]] = field(default_factory=list)

    # The verdict's words for a run that tested nothing: "<headline>: <untested>".
    untested_headline: ClassVar[str] = "nothing was tested"

    @property
    def new_findings(self) -> list[AnyFinding]:
        return [finding for finding in self.findings if not finding.is_known]

    @property
    def known_count(self) -> int:
        return len(self.findings) - len(self.new_findings)

    @property
    def conformant(self) -> bool:
        """No finding outside the baseline (without one, no finding at all)."""
        return not self.new_findings

    @property
    def untested(self) -> str | None:
        """Why this run tested nothing, or None: such a run is never green."""
        return None

    @property
    def set_up_wrong(self) -> bool:
        """Nothing was tested for a reason its set-up must fix: exit 2, and its findings do not count."""
        return False

    @property
    def incomplete(self) -> str | None:
        """Why the run stopped before it was done (Ctrl-C), or None: such a run is never green."""
        return None

    def coverage_notes(self) -> list[str]:
        """What the verdict says about the run's coverage, failing nothing by itself."""
        return []

    def coverage_shortfall(self, min_coverage: float | None, option: str) -> str | None:
        """Why the run covered too little to pass (`option`, the driver's --min-coverage), or None."""
        return None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "conformant": self.conformant}


@dataclass(kw_only=True)
class RunResult(Findings[Finding]):
    """`contract conform`'s (and pytest mode's) result: the findings, what was covered, what it cost."""

    base_url: str
    seed: int | None
    tallies: list[CheckTally] = field(default_factory=list)
    test_cases: int = 0
    requests_sent: int = 0
    requests_refused: int = 0
    resources_created: int = 0
    # --allow-destructive: requests were sent to records the run did not create
    destructive: bool = False
    # state-changing requests not sent: they could have changed a record the run did not create
    requests_withheld: int = 0
    # what the run created (path, id, created_by, outcome) and the clean-up's requests (outside the budget)
    created: list[dict[str, Any]] = field(default_factory=list)
    cleanup_requests: int = 0
    budget_exhausted: bool = False
    stop_reason: str = "completed"
    duration: float = 0.0
    max_requests: int = 0
    rate_limit: str | None = None
    # [conform.auth]: times the credential was renewed (None: no renewing credential)
    credential_renewals: int | None = None
    # the server's rate limits waited out (429, 503 with Retry-After): how often, how long in all
    rate_limit_waits: int = 0
    rate_limit_wait_seconds: float = 0.0
    shard: str | None = None
    workers: int = 1
    coverage: list[OperationCoverage] = field(default_factory=list)
    # What the tool could not test, outside any operation.
    warnings: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> str | None:
        if self.stop_reason != "interrupted":
            return None
        return "interrupted (Ctrl-C) before the run was done: only what ran before is reported"

    @property
    def untested(self) -> str | None:
        """Why this run tested nothing (no operation exercised), or None."""
        reason = self._untested
        return reason.message if reason else None

    @property
    def set_up_wrong(self) -> bool:
        """Nothing was tested because of the credential or the base path: the findings are its artefacts."""
        reason = self._untested
        return reason is not None and reason.setup

    # read by every report and the exit code; `coverage` is final once the run is filled in
    @cached_property
    def _untested(self) -> Untested | None:
        return untested_reason(self.coverage)

    @property
    def coverage_percent(self) -> float:
        return coverage_share(self.coverage)

    @property
    def not_exercised(self) -> list[str]:
        return [c.operation for c in self.coverage if not c.exercised]

    def coverage_notes(self) -> list[str]:
        if not self.not_exercised:
            return []
        return [
            "not exercised (no documented success for a valid request): "
            + ", ".join(self.not_exercised)
        ]

    def coverage_shortfall(self, min_coverage: float | None, option: str) -> str | None:
        if min_coverage is None or self.coverage_percent >= min_coverage:
            return None
        return f"coverage {self.coverage_percent:.1f}% is below {option} {min_coverage:g}%"

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["mode"] = "destructive" if self.destructive else "safe"
        data["coverage"] = {
            "exercised_percent": round(self.coverage_percent, 1),
            "untested": self.untested,
            "not_exercised": self.not_exercised,
            "operations": [c.as_dict() for c in self.coverage],
        }
        return data
