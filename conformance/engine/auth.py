"""How a run authenticates (`[conform.auth]` in contract.toml): settings only; see the providers.

Staging credentials come from an identity provider and live minutes; a static `-H` header turns a
long run into 401s halfway through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from contract_core.errors import ConfigError

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


_KINDS: tuple[AuthKind, ...] = ("oauth2-client-credentials", "command", "header")
# table key -> AuthSettings field; which kind needs which (the others are refused for it)
_FIELDS = {
    "token-url": "token_url",
    "client-id": "client_id",
    "client-secret": "client_secret",
    "scope": "scope",
    "command": "command",
    "refresh-seconds": "refresh_seconds",
    "header": "header",
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "oauth2-client-credentials": ("token-url", "client-id", "client-secret"),
    "command": ("command",),
    "header": ("header",),
}

# Where a key of the table was written: `where("client-id")` -> "contract.toml:14"; `where(None)`: the table.
Where = Callable[[str | None], str]


def auth_from_table(table: Mapping[str, Any], where: Where) -> AuthSettings:
    """`[conform.auth]` as AuthSettings, its keys checked; a ConfigError names the file and line."""
    kind = table.get("type")
    if kind not in _KINDS:
        found = "no type" if kind is None else f"type {kind!r}"
        raise ConfigError(
            where("type" if kind is not None else None),
            f"[conform.auth]: {found}; expected type = one of {', '.join(_KINDS)}",
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "type":
            continue
        if key not in _FIELDS:
            known = ", ".join(["type", *_FIELDS])
            raise ConfigError(where(key), f'unknown key "{key}" in [conform.auth] (known: {known})')
        if key == "refresh-seconds":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(
                    where(key), "refresh-seconds in [conform.auth]: expected a number > 0"
                )
            value = float(value)
        elif not isinstance(value, str) or not value:
            raise ConfigError(where(key), f"{key} in [conform.auth]: expected a non-empty string")
        values[_FIELDS[key]] = value
    missing = [key for key in _REQUIRED[kind] if _FIELDS[key] not in values]
    if missing:
        raise ConfigError(where(None), f"[conform.auth] of type {kind} needs {', '.join(missing)}")
    return AuthSettings(kind=kind, **values)
