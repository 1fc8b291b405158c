"""What `contract diff` reports: one change at the place it was made, with every operation it affects."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from contract_spectools.diff.rules import RULES, SEVERITY_RANK, Severity


@dataclass(frozen=True, order=True)
class Affected:
    """One operation (and the direction of the message) a change reaches."""

    operation: str  # "POST /v1/things"
    operation_id: str
    direction: str  # "request", "response" or "none"


@dataclass(frozen=True)
class Found:
    """A change as the comparison sees it: a rule, a message and where, in both documents."""

    rule: str
    message: str
    base_pointer: str | None  # None: the thing does not exist in the base
    revision_pointer: str | None


@dataclass(frozen=True)
class Change:
    """A located change with its catalogue data, affected operations and stable fingerprint."""

    rule: str
    severity: Severity
    message: str
    base_pointer: str | None
    revision_pointer: str | None
    base_line: int | None = None
    revision_line: int | None = None
    affects: tuple[Affected, ...] = field(default=())

    @property
    def fingerprint(self) -> str:
        """Stable across runs and unrelated edits: the rule, both places and the message, not line numbers."""
        key = f"{self.rule}|{self.base_pointer or ''}|{self.revision_pointer or ''}|{self.message}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


def severity_of(rule_id: str) -> Severity:
    return RULES[rule_id].severity


def at_least(changes: list[Change], threshold: Severity) -> list[Change]:
    """The changes at `threshold` severity or above."""
    return [c for c in changes if c.rank >= SEVERITY_RANK[threshold]]
