"""Which documented operation a concrete request path is for.

Path templates are compiled once; a concrete path wins over a templated one
(`/collections/aliases` over `/collections/{name}`), as OpenAPI says. The mock uses it for 404
versus 405 and a complete `Allow` header; conformance uses it to give each operation its share of
the request budget.
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


class PathMatcher:
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
        for route in self._most_specific(path):
            if method.upper() in route.operations:
                return route.operations[method.upper()]
        return None

    def operation_id_anywhere(self, method: str, path: str) -> str | None:
        """The operation of any template matching `path` and `method`, not only the most specific one: servers
        whose router tries templates in turn answer `GET /points/batch` as `GET /points/{id}`."""
        for route in self.routes:
            if method.upper() in route.operations and route.pattern.fullmatch(path):
                return route.operations[method.upper()]
        return None

    def allowed_methods(self, path: str) -> set[str]:
        """Methods documented for `path` (HEAD with GET); empty when no documented path matches."""
        allowed: set[str] = set()
        for route in self._most_specific(path):
            allowed |= route.methods
        if "GET" in allowed:
            allowed.add("HEAD")
        return allowed


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts))
