"""What an operation's `security` asks for, and whether a request carries it: the one credential judgement.

The effective requirements of an operation are its own `security`, else the document's; any one
requirement met wholly will do, and an empty list or an empty requirement `{}` lets anonymous requests
through. The mock (its 401 when `--auth` is on) and conformance's `request_security` check (the proxy
and `contract verify`) both ask `missing_credentials`; what differs is only which values each accepts
(the mock may hold them to `--token`; the check asks presence, whether a credential is valid being the
server's call).

Where a scheme's credential travels: an apiKey by its name in its header, query parameter or cookie;
`http` as `Authorization: <its scheme word> ...`, the word matched case-insensitively (RFC 9110 section
11.1); oauth2 and openIdConnect as `Authorization: Bearer ...`. A requirement naming a scheme no request
can show (`mutualTLS`, an undefined or unknown one) makes the operation unjudgeable, and it is not
judged rather than judged wrongly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from http.cookies import CookieError, SimpleCookie
from typing import Any, Literal
from urllib.parse import parse_qs

from contract_core import pointer
from contract_core.redact import REDACTED
from contract_core.spec import Operation, Spec

Requirement = dict[str, Any]  # scheme name -> scopes, as written: all of them at once
Carrier = Literal["authorization", "header", "query", "cookie"]
_API_KEY_PLACES: tuple[Carrier, ...] = ("header", "query", "cookie")


@dataclass(frozen=True)
class SecurityScheme:
    """One scheme as a request shows it: where its credential travels, under which name or word."""

    name: str
    node: dict[str, Any]  # the Security Scheme object, `$ref` followed ({} when undefined)
    carrier: Carrier | None  # None: no request shows it (mutualTLS, undefined, unknown)
    key: str  # the apiKey's name, or the Authorization scheme word (lower case)

    @property
    def wants(self) -> str:
        """What a report says it needs: `header X-Api-Key`, `Authorization: Bearer`."""
        if self.carrier != "authorization":
            return f"{self.carrier} {self.key}"
        word = self.node["scheme"] if self.node.get("type") == "http" else "Bearer"
        return f"Authorization: {word}"


@dataclass(frozen=True)
class Security:
    """An operation's effective requirements: any one of them, every scheme in it."""

    requirements: tuple[tuple[SecurityScheme, ...], ...]
    at: str  # where they stand: the operation's `security`, or `#/security`
    anonymous: bool  # none asked, or `{}` among them
    judgeable: bool  # every requirement well formed and every scheme one a request can show


@dataclass(frozen=True)
class SentCredentials:
    """Where one request may carry credentials: its headers (names lower case) and query string."""

    headers: Mapping[str, str]
    query: str = ""
    redacted_is_sent: bool = False  # a record's `[REDACTED]` stands for a value that was sent

    @cached_property
    def query_values(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)

    @cached_property
    def cookies(self) -> dict[str, str]:
        return request_cookies(self.headers.get("cookie", ""))

    @cached_property
    def authorization(self) -> tuple[str, str] | None:
        """(the scheme word in lower case, the rest) of the `Authorization` header; None when absent."""
        value = self.headers.get("authorization")
        if value is None:
            return None
        word, _, rest = value.strip().partition(" ")
        return word.lower(), rest.strip()

    def redacted(self, name: str) -> bool:
        return self.redacted_is_sent and self.headers.get(name, "").strip() == REDACTED


Accepts = Callable[[SecurityScheme, str], bool]  # whether a credential's value will do


def any_value(_scheme: SecurityScheme, _value: str) -> bool:
    """Presence is enough: whether a credential is valid is the server's call."""
    return True


def missing_credentials(
    security: Security, sent: SentCredentials, accepts: Accepts = any_value
) -> bool:
    """Whether the request meets none of the requirements; False when anonymous requests are allowed
    or when the requirements cannot be judged from a request."""
    if security.anonymous or not security.judgeable:
        return False
    return not any(_met(requirement, sent, accepts) for requirement in security.requirements)


def _met(requirement: tuple[SecurityScheme, ...], sent: SentCredentials, accepts: Accepts) -> bool:
    return all(
        (value := credential(scheme, sent)) is not None and accepts(scheme, value)
        for scheme in requirement
    )


def credential(scheme: SecurityScheme, sent: SentCredentials) -> str | None:
    """The value the request carries where `scheme` says (the Authorization header's without its
    word), or None when it carries none there."""
    if scheme.carrier == "authorization":
        return _authorization(scheme.key, sent)
    if scheme.carrier == "header":
        return sent.headers.get(scheme.key.lower())
    if scheme.carrier == "query":
        return next(iter(sent.query_values.get(scheme.key, ())), None)
    if scheme.carrier == "cookie":
        return REDACTED if sent.redacted("cookie") else sent.cookies.get(scheme.key)
    return None


def _authorization(word: str, sent: SentCredentials) -> str | None:
    if sent.redacted("authorization"):
        return REDACTED  # the record hid the scheme word with the value: any scheme's
    found = sent.authorization
    return found[1] if found is not None and found[0] == word else None


def request_cookies(header: str) -> dict[str, str]:
    """The `Cookie` header's values by name (the first of a name kept).

    Each `name=value` pair is read on its own by the stdlib's parser (spaces around `=`, quoted values),
    so one it refuses (a flag without `=`, a space or non-ASCII in a value) does not lose the others, as a
    whole-header parse would; a refused pair keeps its raw value.
    """
    found: dict[str, str] = {}
    for pair in header.split(";"):
        name, value = _cookie_pair(pair)
        if name:
            found.setdefault(name, value)
    return found


def _cookie_pair(pair: str) -> tuple[str, str]:
    """(name, value) of one pair: the stdlib's reading, else the raw one; ("", "") when it is no pair."""
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(pair)
    read = next(iter(jar.items()), None)
    if read is not None:
        return read[0], read[1].value
    name, equals, value = pair.partition("=")
    return (name.strip(), value.strip()) if equals else ("", "")


def effective_security(spec: Spec, operation: Operation) -> tuple[list[Requirement], str]:
    """The requirements as written (any one of them will do) and where they stand; [] when none."""
    own = "security" in operation.node
    requirements = operation.node["security"] if own else spec.document.get("security")
    at = pointer.join(operation.pointer, "security") if own else "#/security"
    return (requirements if isinstance(requirements, list) else []), at


def security_schemes(spec: Spec) -> dict[str, SecurityScheme]:
    """The document's security schemes by name, `$ref`s followed (one that is no object is left out)."""
    schemes = (spec.document.get("components") or {}).get("securitySchemes") or {}
    resolved = {
        name: spec.deref(scheme, pointer.join("#/components/securitySchemes", name))[0]
        for name, scheme in schemes.items()
    }
    return {name: _scheme(name, node) for name, node in resolved.items() if isinstance(node, dict)}


def compiled_security(
    requirements: list[Requirement], at: str, schemes: Mapping[str, SecurityScheme]
) -> Security:
    """The requirements with their schemes resolved (an undefined one as a scheme no request shows)."""
    well_formed = all(isinstance(r, dict) for r in requirements)
    compiled = tuple(
        tuple(schemes.get(name) or SecurityScheme(name, {}, None, "") for name in requirement)
        for requirement in requirements
        if isinstance(requirement, dict)
    )
    return Security(
        compiled,
        at,
        anonymous=not requirements or any(not r for r in compiled),
        judgeable=well_formed and all(s.carrier is not None for r in compiled for s in r),
    )


def _scheme(name: str, node: dict[str, Any]) -> SecurityScheme:
    kind, key, where = node.get("type"), node.get("name"), node.get("in")
    if kind == "apiKey" and isinstance(key, str) and where in _API_KEY_PLACES:
        return SecurityScheme(name, node, where, key)
    if kind == "http" and isinstance(node.get("scheme"), str):
        return SecurityScheme(name, node, "authorization", node["scheme"].lower())
    if kind in ("oauth2", "openIdConnect"):
        return SecurityScheme(name, node, "authorization", "bearer")
    return SecurityScheme(name, node, None, "")
