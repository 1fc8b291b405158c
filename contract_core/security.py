"""What an operation's `security` asks for: its own requirements, else the document's; schemes resolved.

The mock (which answers 401 when `--auth` is on) and conformance's `request_security` check (for the
proxy and `contract verify`) read the same requirements from the same resolved schemes; how each
judges a credential is its own (the mock may check values against `--token`, the check only presence).
"""

from __future__ import annotations

from typing import Any

from contract_core import pointer
from contract_core.spec import Operation, Spec

Requirement = dict[str, Any]  # scheme name -> scopes; all of them at once


def effective_security(spec: Spec, operation: Operation) -> tuple[list[Requirement], str]:
    """The requirements (any one of them will do) and where they stand; [] when the spec names none."""
    own = "security" in operation.node
    requirements = operation.node["security"] if own else spec.document.get("security")
    at = pointer.join(operation.pointer, "security") if own else "#/security"
    return (requirements if isinstance(requirements, list) else []), at


def security_schemes(spec: Spec) -> dict[str, dict[str, Any]]:
    """The document's security schemes by name, `$ref`s followed (a broken one is left out)."""
    schemes = (spec.document.get("components") or {}).get("securitySchemes") or {}
    resolved = {
        name: spec.deref(scheme, pointer.join("#/components/securitySchemes", name))[0]
        for name, scheme in schemes.items()
    }
    return {name: scheme for name, scheme in resolved.items() if isinstance(scheme, dict)}
