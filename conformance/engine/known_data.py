"""Values that exist on the server under test (`[conform.data]` in contract.toml).

A real staging server refuses ids it does not hold ("account not found"), so a run that only
generates ids never reaches its success path. The team lists ids that exist; positive cases draw
those fields from them, and everything else stays generated.

Keys of an operation's table: a name is a parameter (`petId = [3, 4]`); a key starting with `/` is
a JSON pointer into the request body, `*` standing for any array index (`"/modules/*/id"`).
Operations are keyed `"METHOD /path"` as the spec writes the path; `"*"` applies to every one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ANY_OPERATION = "*"


@dataclass(frozen=True)
class KnownData:
    """operation label ("POST /pets", or "*") -> key (parameter name or body pointer) -> values."""

    by_operation: Mapping[str, Mapping[str, tuple[Any, ...]]] = field(default_factory=dict)

    def values(self, operation: str, key: str) -> tuple[Any, ...]:
        """The listed values for `key` of `operation` (its own table first, then `"*"`)."""
        for table in (
            self.by_operation.get(operation, {}),
            self.by_operation.get(ANY_OPERATION, {}),
        ):
            if key in table:
                return tuple(table[key])
        return ()

    def parameters(self, operation: str) -> dict[str, tuple[Any, ...]]:
        """Every listed parameter value of `operation` (not body pointers), `"*"` included."""
        merged: dict[str, tuple[Any, ...]] = {}
        for label in (ANY_OPERATION, operation):
            for key, listed in self.by_operation.get(label, {}).items():
                if not key.startswith("/"):
                    merged[key] = tuple(listed)
        return merged

    def __bool__(self) -> bool:
        return any(self.by_operation.values())
