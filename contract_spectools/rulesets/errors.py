"""What goes wrong with a ruleset or a ruleset run: each error names the file and line to fix."""

from __future__ import annotations

from dataclasses import dataclass

from contract_core.errors import ContractError, LocatedError


class RulesetError(LocatedError):
    """A ruleset that cannot be used (not YAML/JSON, an unknown function, a bad `given`...)."""


@dataclass
class LintTimeout(ContractError):
    """The run passed --timeout; `rule` is the one that was running, `source` where it is defined."""

    seconds: float
    rule: str
    source: str

    def __str__(self) -> str:
        return (
            f"lint timed out after {self.seconds:g} s while running rule '{self.rule}' ({self.source}); "
            "raise --timeout, or fix or turn off that rule"
        )
