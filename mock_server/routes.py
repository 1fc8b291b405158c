"""Which documented paths a request path matches, for 404 versus 405 and a correct `Allow` header.

Connexion's router answers an unknown method with a 405 that lists one method only; we compile
the spec's path templates once and answer those ourselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contract_core.spec import Spec


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    operations: dict[str, str]  # METHOD -> operation id

    @property
    def methods(self) -> frozenset[str]:
        return frozenset(self.operations)


class RouteTable:
    def __init__(self, spec: Spec):
        by_path: dict[str, dict[str, str]] = {}
        for op in spec.operations:
            by_path.setdefault(op.path, {})[op.method.upper()] = op.operation_id
        self.routes = [Route(path, _compile(path), operations) for path, operations in by_path.items()]

    def _most_specific(self, path: str) -> list[Route]:
        matches = [route for route in self.routes if route.pattern.fullmatch(path)]
        if not matches:
            return []
        fewest = min(route.template.count("{") for route in matches)
        return [route for route in matches if route.template.count("{") == fewest]

    def operation_id(self, method: str, path: str) -> str | None:
        """The operation a request is for (for errors raised before the mock sees the request)."""
        for route in self._most_specific(path):
            if method.upper() in route.operations:
                return route.operations[method.upper()]
        return None

    def allowed_methods(self, path: str) -> set[str]:
        """Methods documented for `path`; empty when no documented path matches.

        A concrete path wins over a templated one (`/collections/aliases` over
        `/collections/{name}`), as OpenAPI says, so only the most specific matches count.
        """
        allowed: set[str] = set()
        for route in self._most_specific(path):
            allowed |= route.methods
        if "GET" in allowed:
            allowed.add("HEAD")
        return allowed


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts))
