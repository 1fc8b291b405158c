"""Which documented operation a concrete request path is for.

Path templates are compiled once; a concrete path wins over a templated one
(`/collections/aliases` over `/collections/{name}`), as OpenAPI says. The mock uses it for 404
versus 405 and a complete `Allow` header; conformance uses it to give each operation its share of
the request budget. It also names the documented operation closest to an undocumented request
(the mock's "did you mean ...?") and reads path parameters (the stateful mock's resource ids).
"""

from __future__ import annotations

import difflib
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

    def parameters(self, path: str) -> dict[str, str]:
        """The path parameters of a concrete `path` this route matches, by name (raw, not decoded)."""
        found = self.pattern.fullmatch(path)
        names = re.findall(r"\{([^}]+)\}", self.template)
        return dict(zip(names, found.groups(), strict=True)) if found else {}


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

    def route(self, path: str) -> Route | None:
        """The most specific route documenting `path`, if any."""
        return next(iter(self._most_specific(path)), None)

    def operation_id(self, method: str, path: str) -> str | None:
        for route in self._most_specific(path):
            if method.upper() in route.operations:
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


    def closest(self, method: str, path: str, cutoff: float = 0.6) -> str | None:
        """The documented `METHOD /template` nearest to an undocumented request, or None.

        difflib's ratio over the path, each template's parameters filled in with the request's own
        segments (so `/pets/{id}` is as close to `/pet/7` as `/pets/7` is); the request's method
        when that path documents it.
        """
        scored = [(difflib.SequenceMatcher(None, path, _filled(route.template, path)).ratio(), route)
                  for route in self.routes]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is None or best[0] < cutoff:
            return None
        route = best[1]
        chosen = method.upper() if method.upper() in route.operations else sorted(route.operations)[0]
        return f"{chosen} {route.template}"


def _filled(template: str, path: str) -> str:
    """`template` with each `{param}` segment replaced by the request's segment at that place."""
    sent = path.split("/")
    parts = template.split("/")
    return "/".join(sent[i] if p.startswith("{") and i < len(sent) else p for i, p in enumerate(parts))


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("([^/]+)" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts))
