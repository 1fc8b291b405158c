"""`request_security`: the request carries the credentials one of its operation's security requirements asks for.

The judgement is the core's (`contract_core.security.missing_credentials`, the mock's 401 asks the same):
any one requirement met wholly will do, `{}` or no requirement lets anonymous requests through, and an
operation naming a scheme the traffic cannot show (`mutualTLS`, an undefined one) is not judged. Only
presence counts here (whether a credential is valid is the server's call), and reports name
requirements and schemes, never a value.

A record redacts credentials (`Authorization: [REDACTED]`, the whole `Cookie` header), so a redacted
value counts as present: it was sent, its scheme word is what the record cannot tell.
"""

from __future__ import annotations

from conformance.checker.exchange import CheckViolation, Exchange
from contract_core.contract import Contract
from contract_core.redact import is_credential_header
from contract_core.security import Security, SentCredentials, missing_credentials
from contract_core.spec import Spec


class SecurityChecks:
    """`request_security` over one spec, read from the core's compiled view."""

    def __init__(self, spec: Spec) -> None:
        self.contract = Contract.of(spec)
        self.by_name = {"request_security": self.request_security}

    def request_security(self, exchange: Exchange) -> list[CheckViolation]:
        operation = self.contract.by_label(exchange.operation)
        if operation is None:
            return []
        sent = SentCredentials(
            exchange.request_headers, exchange.request_query, redacted_is_sent=True
        )
        if not missing_credentials(operation.security, sent):
            return []
        return [
            CheckViolation(
                check="request_security",
                title="No security requirement is met",
                received=f"credentials sent: {_sent(sent)}",
                documented=_documented(operation.security),
                schema_pointer=operation.security.at,
                side="request",
            )
        ]


def _documented(security: Security) -> str:
    """`a (header X-Key) + b (Authorization: bearer) | c (...)`: every requirement, every scheme in it."""
    return " | ".join(
        " + ".join(f"{scheme.name} ({scheme.wants})" for scheme in requirement)
        for requirement in security.requirements
    )


def _sent(sent: SentCredentials) -> str:
    """Where credentials could be, by name; the Authorization scheme word; never a value."""
    found = _authorization_sent(sent)
    found += [
        f"header {name}"
        for name in sorted(sent.headers)
        if is_credential_header(name) and name not in ("authorization", "cookie")
    ]
    found += [f"cookie {name}" for name in sorted(sent.cookies)]
    found += [f"query {name}" for name in sorted(sent.query_values)]
    return ", ".join(found) or "none"


def _authorization_sent(sent: SentCredentials) -> list[str]:
    if sent.redacted("authorization"):
        return ["Authorization: (redacted)"]
    word = sent.authorization[0] if sent.authorization else ""
    return [f"Authorization: {word.capitalize()}"] if word else []
