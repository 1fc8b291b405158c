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
    methods: frozenset[str]


class RouteTable:
    def __init__(self, spec: Spec):
        by_path: dict[str, set[str]] = {}
        for op in spec.operations:
            by_path.setdefault(op.path, set()).add(op.method.upper())
        self.routes = [Route(path, _compile(path), frozenset(methods)) for path, methods in by_path.items()]

    def allowed_methods(self, path: str) -> set[str]:
        """Methods documented for `path`; empty when no documented path matches."""
        allowed: set[str] = set()
        for route in self.routes:
            if route.pattern.fullmatch(path):
                allowed |= route.methods
        if "GET" in allowed:
            allowed.add("HEAD")
        return allowed


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts))
