"""What goes wrong with a ruleset or a ruleset run: each error names the file and line to fix."""

from __future__ import annotations

from contract_core.errors import DetailedError, LocatedError


class RulesetError(LocatedError):
    """A ruleset that cannot be used (not YAML/JSON, an unknown function, a bad `given`...)."""


class LintTimeout(DetailedError):
    """The run passed --timeout; `rule` is the one that was running, `source` where it is defined."""

    def __init__(self, seconds: float, rule: str, source: str) -> None:
        self.seconds = seconds
        self.rule = rule
        self.source = source

    def __str__(self) -> str:
        return (
            f"lint timed out after {self.seconds:g} s while running rule '{self.rule}' ({self.source}); "
            "raise --timeout, or fix or turn off that rule"
        )
