"""Rules on document-wide declarations: `undefined-security-scheme`, `undefined-server-variable`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from contract_core.pointer import join
from contract_core.spec import Spec
from contract_spectools.lint.findings import LintFinding, finding
from contract_spectools.lint.operations import iter_operations, iter_path_items

_SERVER_VARIABLE = re.compile(r"\{([^{}]+)\}")


def check_security(spec: Spec) -> Iterator[LintFinding]:
    components = spec.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    defined = set(schemes) if isinstance(schemes, dict) else set()
    holders: list[tuple[str, Any]] = [("#", spec.document)]
    for at, _, item in iter_path_items(spec):
        holders.extend(iter_operations(item, at))
    for at, holder in holders:
        requirements = holder.get("security")
        for i, requirement in enumerate(requirements if isinstance(requirements, list) else []):
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in defined:
                    yield finding(
                        "undefined-security-scheme",
                        join(at, "security", i, name),
                        f"security scheme {name!r} is not defined in components/securitySchemes",
                    )


def check_servers(spec: Spec) -> Iterator[LintFinding]:
    holders: list[tuple[str, Any]] = [("#", spec.document)]
    for at, _, item in iter_path_items(spec):
        holders.append((at, item))
        holders.extend(iter_operations(item, at))
    for at, holder in holders:
        servers = holder.get("servers")
        for i, server in enumerate(servers if isinstance(servers, list) else []):
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                yield from _server_variables(join(at, "servers", i), server)


def _server_variables(at: str, server: dict[str, Any]) -> Iterator[LintFinding]:
    variables = server.get("variables")
    defined = set(variables) if isinstance(variables, dict) else set()
    for name in _SERVER_VARIABLE.findall(server["url"]):
        if name not in defined:
            yield finding(
                "undefined-server-variable",
                join(at, "url"),
                f"server URL {server['url']!r} uses {{{name}}}, which is not under `variables`",
            )
