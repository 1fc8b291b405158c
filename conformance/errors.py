"""Errors of the conformance runner: one root, one class per reason a run cannot happen."""

from __future__ import annotations

from dataclasses import dataclass

from contract_core.errors import ContractError


class ConformanceError(ContractError):
    """Root of the errors `contract conform` raises on purpose."""


@dataclass
class InvalidOption(ConformanceError):
    """An option value the runner cannot use."""

    option: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"invalid {self.option} {self.value!r}: expected {self.expected}"


@dataclass
class TargetUnreachable(ConformanceError):
    """Nothing answers at the base URL."""

    base_url: str
    detail: str

    def __str__(self) -> str:
        return f"cannot reach {self.base_url}: {self.detail}"


@dataclass
class NothingTested(ConformanceError):
    """The run ended without a single test case reaching the server."""

    detail: str

    def __str__(self) -> str:
        return f"no test case ran: {self.detail}"
