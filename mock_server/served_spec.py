"""The spec as the mock serves it (`/openapi.json`, `/openapi.yaml`, read by Swagger UI): the
document with its `servers` pointed at the mock.

The mock answers at the spec's paths without any `servers` prefix, so the served document says
`servers: [{url: "/"}]` (relative: the origin the document was fetched from, the mock) and drops
path- and operation-level `servers`, which would override it. Left as written, Swagger UI's
"Try it out" would send requests, with the user's credentials, to the spec's own servers: on a
vendor spec, the real production API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from contract_core.spec import HTTP_METHODS, Spec

MOCK_SERVERS = [
    {"url": "/", "description": "This mock (`contract mock`), at the origin serving this document"}
]
_HTTP_METHODS = frozenset(HTTP_METHODS)
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: ~10x faster


def targeting_the_mock(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` whose every `servers` list is the mock's (shallow where untouched)."""
    served = {**document, "servers": MOCK_SERVERS}
    paths = document.get("paths")
    if isinstance(paths, dict):
        served["paths"] = {path: _without_servers(item) for path, item in paths.items()}
    return served


def _without_servers(path_item: Any) -> Any:
    if not isinstance(path_item, dict):
        return path_item
    cleaned = {k: v for k, v in path_item.items() if k != "servers"}
    for method in _HTTP_METHODS & cleaned.keys():
        operation = cleaned[method]
        if isinstance(operation, dict) and "servers" in operation:
            cleaned[method] = {k: v for k, v in operation.items() if k != "servers"}
    return cleaned


class ServedSpec(Mapping[str, tuple[bytes, str]]):
    """URL path -> (body, media type). Each form is serialised on first request, once: dumping a
    3 MB spec as YAML takes seconds that start-up should not pay for a file nobody may ask for."""

    def __init__(self, spec: Spec):
        self._document = targeting_the_mock(spec.document)
        self._made: dict[str, tuple[bytes, str]] = {}
        self._makers = {"/openapi.json": self._json, "/openapi.yaml": self._yaml}

    def __getitem__(self, path: str) -> tuple[bytes, str]:
        if path not in self._made:
            self._made[path] = self._makers[path]()
        return self._made[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __contains__(self, path: object) -> bool:
        return path in self._makers

    def _json(self) -> tuple[bytes, str]:
        return json.dumps(self._document, ensure_ascii=False).encode(), "application/json"

    def _yaml(self) -> tuple[bytes, str]:
        text = yaml.dump(self._document, Dumper=_YAML_DUMPER, sort_keys=False, allow_unicode=True)
        return text.encode(), "application/yaml"
