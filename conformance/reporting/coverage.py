"""What a run covered: per operation, the positive test cases by outcome and the statuses seen.

A run is only worth its verdict if valid requests got documented answers. An operation is
*exercised* when at least one positive (schema-valid) case got a documented 2xx/3xx; a run that
exercised nothing tested nothing, whatever its findings say (an expired credential answers every
request with 401, a wrong base path with 404), and `untested_reason` says which of those it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from contract_core.spec import Spec, response_key

OUTCOMES = ("success", "auth", "not_found", "server_error", "other")
OUTCOME_TITLES = {
    "success": "documented 2xx/3xx",
    "auth": "401/403",
    "not_found": "404",
    "server_error": "5xx",
    "other": "other",
}


@dataclass
class OperationCoverage:
    operation: str
    documented: list[str]  # the spec's response keys: "201", "4XX", "default"
    seen: dict[str, int] = field(default_factory=dict)  # status -> responses, every case
    positive: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    warnings: list[str] = field(default_factory=list)  # why the tool could not test part of it

    @property
    def exercised(self) -> bool:
        return self.positive["success"] > 0

    @property
    def never_seen(self) -> list[str]:
        """Documented statuses no response had (`default` is a catch-all, never expected as such)."""
        seen = [int(status) for status in self.seen]
        return [
            key
            for key in self.documented
            if key.lower() != "default"
            and not any(response_key([key], status) == key for status in seen)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "exercised": self.exercised, "never_seen": self.never_seen}


class CoverageTally:
    """Counts outcomes per operation as the run goes; `operations` are the ones the run selected."""

    def __init__(self, spec: Spec, operations: list[str]) -> None:
        self.spec = spec
        self.by_operation = {
            label: OperationCoverage(label, _documented(spec, label)) for label in operations
        }

    def record(self, operation: str, method: str, status: int, positive: bool) -> None:
        coverage = self.by_operation.get(operation)
        if coverage is None or method.upper() != operation.split(" ", 1)[0]:
            return  # another method sent to the path (the unsupported-method probe) covers nothing
        coverage.seen[str(status)] = coverage.seen.get(str(status), 0) + 1
        if positive:
            coverage.positive[self._outcome(coverage, status)] += 1

    def warn(self, operation: str, message: str) -> bool:
        """Attach a tool-side warning to its operation; False when no selected operation has that label."""
        coverage = self.by_operation.get(operation)
        if coverage is None:
            return False
        if message not in coverage.warnings:
            coverage.warnings.append(message)
        return True

    @staticmethod
    def _outcome(coverage: OperationCoverage, status: int) -> str:
        if 200 <= status < 400 and response_key(coverage.documented, status) not in (
            None,
            "default",
        ):
            return "success"
        if status in (401, 403):
            return "auth"
        if status == 404:
            return "not_found"
        return "server_error" if status >= 500 else "other"

    def results(self) -> list[OperationCoverage]:
        return sorted(self.by_operation.values(), key=lambda c: c.operation)


def _documented(spec: Spec, label: str) -> list[str]:
    try:
        responses = spec.operation(label).node.get("responses") or {}
    except KeyError:
        return []
    return [str(key) for key in responses]


@dataclass(frozen=True)
class Untested:
    """Why a run exercised no operation. A `setup` problem (the credential, the base path) makes every
    finding of the run an artefact of it; otherwise the server's findings still stand."""

    message: str
    setup: bool


def untested_reason(coverage: list[OperationCoverage]) -> Untested | None:
    """Why a run that exercised no operation tested nothing, in words a CI log reader can act on; None if
    at least one operation was exercised."""
    if not coverage or any(c.exercised for c in coverage):
        return None
    totals = {outcome: sum(c.positive[outcome] for c in coverage) for outcome in OUTCOMES}
    valid = sum(totals.values())
    if valid and totals["auth"] == valid:
        return Untested(
            f"the server refused the credential on every valid request ({valid} of {valid} answered "
            "401/403): the Authorization value (-H, or --contract-header in pytest) may be wrong or "
            "expired",
            setup=True,
        )
    if {status for c in coverage for status in c.seen} == {"404"}:
        return Untested(
            "no documented path answered: every request got 404; the --base-url (or "
            "--contract-base-url in pytest) path prefix may be wrong (the spec's paths are appended to it)",
            setup=True,
        )
    if not valid:
        return Untested(
            "no valid request reached the server" + _warnings_hint(coverage), setup=False
        )
    shown = ", ".join(f"{totals[o]} {OUTCOME_TITLES[o]}" for o in OUTCOMES if totals[o])
    return Untested(
        f"no operation got a documented success for a valid request ({shown})", setup=False
    )


def _warnings_hint(coverage: list[OperationCoverage]) -> str:
    warnings = all_warnings(coverage)
    return f" ({warnings[0]})" if warnings else ""


def all_warnings(coverage: list[OperationCoverage], run_wide: Sequence[str] = ()) -> list[str]:
    """Every tool-side warning, named by operation, then those of the run as a whole."""
    return [f"{c.operation}: {w}" for c in coverage for w in c.warnings] + list(run_wide)


def coverage_share(coverage: list[OperationCoverage]) -> float:
    """Exercised operations as a percentage of those the run selected."""
    return 100.0 * sum(c.exercised for c in coverage) / len(coverage) if coverage else 0.0
