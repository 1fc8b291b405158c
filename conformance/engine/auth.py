"""How a run authenticates (`[conform.auth]` in contract.toml): settings only; see the providers.

Staging credentials come from an identity provider and live minutes; a static `-H` header turns a
long run into 401s halfway through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AuthKind = Literal["oauth2-client-credentials", "command", "header"]


@dataclass(frozen=True)
class AuthSettings:
    kind: AuthKind
    # oauth2-client-credentials (RFC 6749 section 4.4)
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    # command: its standard output is the bearer token
    command: str | None = None
    refresh_seconds: float | None = None
    # header: "Name: value"
    header: str | None = None
