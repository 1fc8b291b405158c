"""How a run authenticates (`[conform.auth]` in contract.toml): the settings and their validation.

Staging credentials come from an identity provider and live minutes; a static `-H` header turns a
long run into 401s halfway through. The providers that fetch and renew them are in `credentials.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from conformance.engine.headers import parse_header
from conformance.errors import ConformanceError, InvalidOption

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


@dataclass
class InvalidAuthTable(ConformanceError):
    """A `[conform.auth]` table the run cannot use; `where` names the file (and table)."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


# Key in the table -> AuthSettings field.
_FIELDS = {
    "type": "kind",
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
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "oauth2-client-credentials": ("scope",),
    "command": ("refresh-seconds",),
    "header": (),
}


# Where a table's key stands: a fixed place, or the config reader's `where(key)` ("contract.toml:14";
# `where(None)` is the table's own line).
Where = str | Callable[[str | None], str]


def _place(where: Where, key: str | None) -> str:
    return where if isinstance(where, str) else where(key)


def auth_from_table(table: Mapping[str, Any], where: Where) -> AuthSettings:
    """A `[conform.auth]` table as AuthSettings; raise InvalidAuthTable naming the key and `where`.

    Values are never quoted back: after `${NAME}` expansion any of them may be a secret."""
    _known_keys(table, where)
    kind = _kind(table, where)
    _keys_of(kind, table, where)
    for key, value in table.items():
        if key != "type":
            _check_value(key, value, where)
    return AuthSettings(**{_FIELDS[key]: value for key, value in table.items()})


def _known_keys(table: Mapping[str, Any], where: Where) -> None:
    for key in table:
        if key not in _FIELDS:
            close = difflib.get_close_matches(str(key), _FIELDS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise InvalidAuthTable(
                _place(where, key), f"unknown key '{key}': {hint}the keys are {', '.join(_FIELDS)}"
            )


def _kind(table: Mapping[str, Any], where: Where) -> AuthKind:
    kind = table.get("type")
    if kind not in _REQUIRED:
        given = "no type" if kind is None else f"type {kind!r}"
        raise InvalidAuthTable(
            _place(where, "type"),
            f"{given}: set type to one of {', '.join(repr(k) for k in _REQUIRED)}",
        )
    return cast(AuthKind, kind)


def _keys_of(kind: str, table: Mapping[str, Any], where: Where) -> None:
    allowed = {"type", *_REQUIRED[kind], *_OPTIONAL[kind]}
    for key in table:
        if key not in allowed:
            raise InvalidAuthTable(
                _place(where, key),
                f"'{key}' does not apply to type '{kind}': remove it or change the type",
            )
    missing = [key for key in _REQUIRED[kind] if key not in table]
    if missing:
        raise InvalidAuthTable(
            _place(where, None),
            f"type '{kind}' needs {', '.join(repr(k) for k in missing)}: add it",
        )


def _check_value(key: str, value: Any, where: Where) -> None:
    if key == "refresh-seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise InvalidAuthTable(
                _place(where, key), "'refresh-seconds' must be a number of seconds above 0"
            )
        return
    if not isinstance(value, str) or not value.strip():
        raise InvalidAuthTable(_place(where, key), f"'{key}' must be a non-empty string")
    if key == "token-url" and not _is_http_url(value):
        raise InvalidAuthTable(
            _place(where, key), "'token-url' must be an http:// or https:// URL with a host"
        )
    if key == "header" and not _is_header(value):
        raise InvalidAuthTable(_place(where, key), "'header' must read 'Name: value'")


def _is_http_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_header(text: str) -> bool:
    try:
        parse_header(text)
    except InvalidOption:
        return False
    return True
