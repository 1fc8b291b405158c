"""Errors of the traffic package, each naming its place and the fix."""

from __future__ import annotations

from dataclasses import dataclass

from contract_core.errors import ContractError


@dataclass
class TrafficFileError(ContractError):
    """A traffic file (HAR or NDJSON) cannot be read."""

    path: str
    detail: str
    fix: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"cannot read traffic {where}: {self.detail}; {self.fix}"
