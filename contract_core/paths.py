"""Which documented operation a concrete request path is for.

Path templates are compiled once; a concrete path wins over a templated one
(`/collections/aliases` over `/collections/{name}`), as OpenAPI says. The mock uses it for 404
versus 405 and a complete `Allow` header; conformance uses it to give each operation its share of
the request budget. It also names the documented operation closest to an undocumented request
(the mock's "did you mean ...?"); its routes read path parameters (conform's message checks).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class Match:
    """A concrete request path matched to its operation, with the server prefix it came under."""

    operation_id: str
    template: str
    prefix: str  # the `servers` path the request carried ("" when none)


class PathMatcher:
    def __init__(self, spec: Spec):
        by_path: dict[str, dict[str, str]] = {}
        for op in spec.operations:
            by_path.setdefault(op.path, {})[op.method.upper()] = op.operation_id
        self.routes = [
            Route(path, _compile(path), operations) for path, operations in by_path.items()
        ]
        self.prefixes = server_prefixes(spec)

    def match(self, method: str, path: str) -> Match | None:
        """The operation a request is for, with or without one of the spec's `servers` prefixes."""
        for prefix in self.prefixes:
            rest = path[len(prefix) :] if path.startswith(prefix) else None
            if rest is None or (prefix and rest[:1] not in ("/", "")):
                continue
            for route in self._most_specific(rest or "/"):
                if method.upper() in route.operations:
                    return Match(route.operations[method.upper()], route.template, prefix)
        return None

    def documents_path(self, path: str) -> bool:
        """Whether any documented path matches, under any server prefix (whatever the method)."""
        return any(
            self._most_specific(path[len(p) :] or "/") for p in self.prefixes if path.startswith(p)
        )

    def route(self, path: str) -> Route | None:
        """The most specific route of a concrete path (its template and parameters), whatever the method:
        conform's guard reads the parameters of requests no operation documents too."""
        routes = self._most_specific(path)
        return routes[0] if routes else None

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

    def closest(self, method: str, path: str, cutoff: float = 0.6) -> str | None:
        """The documented `METHOD /template` nearest to an undocumented request, or None.

        difflib's ratio over the path, each template's parameters filled in with the request's own
        segments (so `/pets/{id}` is as close to `/pet/7` as `/pets/7` is); the request's method
        when that path documents it.
        """
        scored = [
            (difflib.SequenceMatcher(None, path, _filled(route.template, path)).ratio(), route)
            for route in self.routes
        ]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is None or best[0] < cutoff:
            return None
        route = best[1]
        chosen = (
            method.upper() if method.upper() in route.operations else sorted(route.operations)[0]
        )
        return f"{chosen} {route.template}"


def _filled(template: str, path: str) -> str:
    """`template` with each `{param}` segment replaced by the request's segment at that place."""
    sent = path.split("/")
    parts = template.split("/")
    return "/".join(
        sent[i] if p.startswith("{") and i < len(sent) else p for i, p in enumerate(parts)
    )


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "".join("([^/]+)" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    )


def server_prefixes(spec: Spec) -> list[str]:
    """The path parts of the spec's `servers` URLs (variables at their defaults), longest first, then "".

    `https://api.example.com/v2` and `/v2` both give `/v2`: requests may carry it (a client built from
    the spec) or not (a proxy or HAR in front of the bare paths).
    """
    found = {""}
    for server in spec.document.get("servers") or []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            found.add(_server_path(server["url"], server.get("variables")))
    return sorted(found, key=len, reverse=True)


def _server_path(url: str, variables: object) -> str:
    defaults = variables if isinstance(variables, dict) else {}
    for name, variable in defaults.items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    path = urlsplit(url).path if "://" in url else url.split("?")[0]
    return path.rstrip("/")
