"""`request_security`: the request carries the credentials one of its operation's security requirements asks for.

The effective `security` of an operation is its own, else the document's; an empty list or an empty
requirement `{}` lets anonymous requests through. A requirement is met when every scheme it names is
present: an apiKey by name in its header, query or cookie; `http` by the `Authorization` scheme word
(`Bearer`, `Basic`, ...); oauth2 and openIdConnect by a Bearer `Authorization`. Only presence is
judged (whether a credential is valid is the server's call), and reports name requirements and
schemes, never a value. Plans are made per operation at start-up, from the core's compiled view.

A record redacts credentials (`Authorization: [REDACTED]`, the whole `Cookie` header), so a redacted
value counts as present: it was sent, its scheme word is what the record cannot tell. Schemes the
traffic cannot show (`mutualTLS`) or that the document does not define make a requirement unjudgeable,
and an operation with one is not judged rather than judged wrongly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from conformance.checker.exchange import CheckViolation, Exchange
from contract_core.contract import CompiledOperation, Contract
from contract_core.redact import REDACTED, is_credential_header
from contract_core.spec import Spec


class Credentials:
    """What one request carried, by name only (values are read for the Authorization scheme word).
    The query and the cookies are parsed only when a scheme asks for them."""

    def __init__(self, exchange: Exchange) -> None:
        self.headers: Mapping[str, str] = exchange.request_headers  # names lower-case
        self._query = exchange.request_query

    @cached_property
    def query(self) -> frozenset[str]:
        return frozenset(parse_qs(self._query, keep_blank_values=True))

    @cached_property
    def cookies(self) -> frozenset[str]:
        return frozenset(request_cookies(self.headers.get("cookie", "")))

    @property
    def cookies_redacted(self) -> bool:
        return self.headers.get("cookie", "").strip() == REDACTED

    def authorization_scheme(self) -> str | None:
        """`bearer` for `Authorization: Bearer x`; `*` for a redacted value (any scheme); None when absent."""
        value = self.headers.get("authorization")
        if value is None:
            return None
        return "*" if value.strip() == REDACTED else value.strip().split(" ", 1)[0].lower()


Present = Callable[[Credentials], bool]


@dataclass(frozen=True)
class Scheme:
    name: str
    wants: str  # what a report says it needs: `header X-Api-Key`, `Authorization: Bearer`
    present: Present


@dataclass(frozen=True)
class SecurityPlan:
    requirements: tuple[tuple[Scheme, ...], ...]  # any one of them, every scheme in it
    schema_pointer: str

    def satisfied(self, credentials: Credentials) -> bool:
        return any(
            all(scheme.present(credentials) for scheme in requirement)
            for requirement in self.requirements
        )

    def describe(self) -> str:
        return " | ".join(
            " + ".join(f"{s.name} ({s.wants})" for s in requirement)
            for requirement in self.requirements
        )


class SecurityChecks:
    """`request_security` over one spec; a plan per operation that needs credentials, made at start-up."""

    def __init__(self, spec: Spec) -> None:
        contract = Contract.of(spec)
        self.plans = {
            compiled.operation.label.upper(): plan
            for compiled in contract.operations
            if (plan := security_plan(compiled, contract.schemes)) is not None
        }
        self.by_name = {"request_security": self.request_security}

    def request_security(self, exchange: Exchange) -> list[CheckViolation]:
        plan = self.plans.get(exchange.operation.upper())
        if plan is None:
            return []
        credentials = Credentials(exchange)
        if plan.satisfied(credentials):
            return []
        return [
            CheckViolation(
                check="request_security",
                title="No security requirement is met",
                received=f"credentials sent: {_sent(credentials)}",
                documented=plan.describe(),
                schema_pointer=plan.schema_pointer,
                side="request",
            )
        ]


def security_plan(
    operation: CompiledOperation, schemes: dict[str, dict[str, Any]]
) -> SecurityPlan | None:
    """None when anonymous requests are allowed, or when the traffic cannot show a requirement."""
    requirements, at = operation.security, operation.security_at
    if not requirements:
        return None
    planned = []
    for requirement in requirements:
        if not isinstance(requirement, dict) or not requirement:
            return None  # `{}`: anonymous allowed (a malformed entry: the linter's to report)
        found = [_scheme(name, schemes.get(name)) for name in requirement]
        if any(scheme is None for scheme in found):
            return None
        planned.append(tuple(s for s in found if s is not None))
    return SecurityPlan(tuple(planned), at)


def _scheme(name: str, node: dict[str, Any] | None) -> Scheme | None:
    if node is None:
        return None
    kind = node.get("type")
    if kind == "apiKey":
        return _api_key(name, node)
    if kind == "http" and isinstance(node.get("scheme"), str):
        word = node["scheme"].lower()
        return Scheme(
            name,
            f"Authorization: {node['scheme']}",
            lambda c: c.authorization_scheme() in (word, "*"),
        )
    if kind in ("oauth2", "openIdConnect"):
        return Scheme(
            name, "Authorization: Bearer", lambda c: c.authorization_scheme() in ("bearer", "*")
        )
    return None  # mutualTLS, or an unknown type: nothing in the traffic shows it


def _api_key(name: str, node: dict[str, Any]) -> Scheme | None:
    key, where = node.get("name"), node.get("in")
    if not isinstance(key, str):
        return None
    if where == "header":
        lowered = key.lower()
        return Scheme(name, f"header {key}", lambda c: lowered in c.headers)
    if where == "query":
        return Scheme(name, f"query {key}", lambda c: key in c.query)
    if where == "cookie":
        return Scheme(name, f"cookie {key}", lambda c: key in c.cookies or c.cookies_redacted)
    return None


def _sent(credentials: Credentials) -> str:
    """Where credentials could be, by name; the Authorization scheme word; never a value."""
    scheme = credentials.authorization_scheme()
    found = (
        [f"Authorization: {'(redacted)' if scheme == '*' else scheme.capitalize()}"]
        if scheme
        else []
    )
    found += [
        f"header {name}"
        for name in sorted(credentials.headers)
        if is_credential_header(name) and name not in ("authorization", "cookie")
    ]
    found += [f"cookie {name}" for name in sorted(credentials.cookies)]
    found += [f"query {name}" for name in sorted(credentials.query)]
    return ", ".join(found) or "none"


def request_cookies(header: str) -> dict[str, list[str]]:
    """The `Cookie` header's values by name ({} for one that does not parse)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: [morsel.value] for name, morsel in jar.items()}
