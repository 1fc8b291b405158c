"""Violations as the proxy shows them: the `X-Contract-Violations` header, and the undocumented-operation finding."""

from __future__ import annotations

import json

from conformance.checker.exchange import CheckViolation
from contract_core.observed import Observed
from contract_core.paths import PathMatcher
from contract_core.redact import Redactor

# bytes; proxies and browsers drop larger headers (Prism cuts its own at ~8 KB too)
HEADER_LIMIT = 8 * 1024
_ROOM_FOR_THE_REST = 200


def header_value(violations: list[CheckViolation], redactor: Redactor) -> str:
    """A JSON array of `{in, check, pointer, message}`, ASCII, at most 8 KB: past that, one last item
    counts the rest and points at the journal."""
    items: list[str] = []
    size = 2
    for index, violation in enumerate(violations):
        item = json.dumps({**violation.as_dict(), "message": redactor.text(violation.message)})
        if size + len(item) + 1 > HEADER_LIMIT - _ROOM_FOR_THE_REST:
            rest = len(violations) - index
            items.append(
                json.dumps(
                    {
                        "in": "proxy",
                        "check": "truncated",
                        "pointer": None,
                        "message": f"{rest} more violation(s): GET /__proxy/violations",
                    }
                )
            )
            break
        items.append(item)
        size += len(item) + 1
    return "[" + ",".join(items) + "]"


def undocumented_operation(observed: Observed, matcher: PathMatcher) -> CheckViolation:
    """A request the contract has no operation for: an unknown path, or a method the path does not have."""
    known_path = matcher.documents_path(observed.path)
    documented = "a documented path" if not known_path else "a documented method for this path"
    return CheckViolation(
        check="operation_documented",
        title="Undocumented operation",
        received=f"{observed.method} {observed.path}",
        documented=documented,
        side="request",
    )
