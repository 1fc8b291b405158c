"""Credentials that renew themselves: the providers behind `[conform.auth]`, one current credential
per run, renewed before it expires and once after a 401.

Schemathesis is configured with a placeholder in the credential's header (`run_headers`); the request
gate puts the current credential in its place on the wire (`Credential.apply`). Schemathesis therefore
never holds a real token, and its own probes that strip the header or send a wrong value (the
`ignored_auth` check) pass through unchanged, as they must.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlsplit

import httpx
import requests

from conformance.engine.auth import AuthSettings
from conformance.engine.headers import parse_header
from conformance.errors import ConformanceError
from contract_core.redact import Redactor

PLACEHOLDER = "contract-kit-credential-set-per-request"
COMMAND_TIMEOUT = 60.0  # a CLI that asks an identity provider (gcloud, vault) may be slow to start
# Renew this share of a token's life before it ends, at most 30 s early: a 2 s token is renewed at
# 1.8 s, an hour-long one 30 s before its end.
RENEW_SHARE = 0.1
RENEW_MARGIN = 30.0


@dataclass
class CredentialError(ConformanceError):
    """The credential could not be obtained or renewed; never names a secret."""

    source: str
    problem: str

    def __str__(self) -> str:
        return f"[conform.auth] {self.source} {self.problem}"


@dataclass(frozen=True)
class Token:
    """A header value and when (time.monotonic) to renew it; None: only after a 401."""

    value: str
    renew_at: float | None = None


Fetch = Callable[[], Token]


class Credential:
    """The run's current credential for one header: fetched at the start, renewed when due or refused."""

    def __init__(self, header: str, fetch: Fetch, *, renewable: bool = True) -> None:
        self.header = header
        self.renewable = renewable
        self.renewals = 0
        self._fetch = fetch
        self._lock = threading.Lock()
        self._token = fetch()

    def current(self) -> str:
        with self._lock:
            due = self._token.renew_at
            if due is not None and time.monotonic() >= due:
                self._renew()
            return self._token.value

    def renew_after_refusal(self, refused: str) -> None:
        """Renew once for a 401 to `refused`; a worker that sent an older value finds it renewed."""
        with self._lock:
            if self._token.value == refused:
                self._renew()

    def _renew(self) -> None:
        self._token = self._fetch()
        self.renewals += 1

    def apply(
        self, request: requests.PreparedRequest
    ) -> tuple[requests.PreparedRequest, str | None]:
        """A copy of `request` carrying the current credential, and the value sent; only requests
        that carry the placeholder get one (a probe without credentials stays without)."""
        if request.headers.get(self.header) != PLACEHOLDER:
            return request, None
        value = self.current()
        sent = request.copy()
        sent.headers[self.header] = value
        return sent, value


def run_headers(headers: Mapping[str, str], auth: AuthSettings | None) -> dict[str, str]:
    """The static headers Schemathesis sends: the credential's header holds the placeholder, in place
    of any `-H` header of the same name."""
    if auth is None:
        return dict(headers)
    name = credential_header(auth)
    kept = {key: value for key, value in headers.items() if key.lower() != name.lower()}
    return {**kept, name: PLACEHOLDER}


def credential_header(auth: AuthSettings) -> str:
    return parse_header(auth.header or "")[0] if auth.kind == "header" else "Authorization"


def start_credential(
    auth: AuthSettings | None, redactor: Redactor, *, timeout: float, verify: bool = True
) -> Credential | None:
    """The run's credential, fetched now (a refusal is exit 2 before any request); every secret it
    involves is known to the Redactor before it is used."""
    if auth is None:
        return None
    for secret in (auth.client_secret, auth.header and credential_value(auth)):
        if secret:
            _learn(redactor, secret)
    fetch = _fetcher(auth, timeout, verify)
    return Credential(
        credential_header(auth),
        lambda: _learned(redactor, fetch()),
        renewable=auth.kind != "header",
    )


def credential_value(auth: AuthSettings) -> str:
    return parse_header(auth.header or "")[1]


def _fetcher(auth: AuthSettings, timeout: float, verify: bool) -> Fetch:
    if auth.kind == "oauth2-client-credentials":
        return lambda: client_credentials_token(auth, timeout=timeout, verify=verify)
    if auth.kind == "command":
        return lambda: command_token(auth.command or "", auth.refresh_seconds)
    value = credential_value(auth)
    return lambda: Token(value)


def _learned(redactor: Redactor, token: Token) -> Token:
    _learn(redactor, token.value)
    return token


def _learn(redactor: Redactor, value: str) -> None:
    """The whole value and the part after a scheme (`Bearer x` -> `x`), as for `-H` values."""
    redactor.add_literal(value)
    redactor.add_literal(value.partition(" ")[2])


# --- oauth2-client-credentials ------------------------------------------------------------------


def client_credentials_token(auth: AuthSettings, *, timeout: float, verify: bool = True) -> Token:
    """RFC 6749 section 4.4: POST grant_type=client_credentials, the client authenticated by HTTP
    Basic (section 2.3.1, which every server must support).

    Hand-written with httpx (already installed with Schemathesis) rather than through an OAuth
    library: it is one POST, and a client on `requests` would pass the run's own request gate."""
    url = auth.token_url or ""
    form = {"grant_type": "client_credentials", **({"scope": auth.scope} if auth.scope else {})}
    # Section 2.3.1: the id and secret are form-encoded before they are joined for Basic.
    basic = (quote_plus(auth.client_id or ""), quote_plus(auth.client_secret or ""))
    started = time.monotonic()
    try:
        response = httpx.post(
            url,
            data=form,
            auth=basic,
            headers={"Accept": "application/json"},
            timeout=timeout,
            verify=verify,
        )
    except httpx.HTTPError as exc:
        raise CredentialError(
            _endpoint(url), f"cannot be reached ({type(exc).__name__}): check token-url"
        ) from None
    return _token_from(response, url, started)


def _token_from(response: httpx.Response, url: str, started: float) -> Token:
    body = _json_object(response)
    if response.status_code != 200:
        error = f" {body['error']}" if isinstance(body.get("error"), str) else ""
        raise CredentialError(
            _endpoint(url),
            f"refused the client credentials ({response.status_code}{error}): "
            "check client-id, client-secret and scope",
        )
    token = body.get("access_token")
    if not isinstance(token, str) or not token.strip():
        raise CredentialError(_endpoint(url), "answered without an access_token (RFC 6749 5.1)")
    kind = body.get("token_type", "Bearer")
    if not isinstance(kind, str) or kind.lower() != "bearer":
        raise CredentialError(_endpoint(url), "issued a token that is not a bearer token")
    return Token(f"Bearer {token.strip()}", _renew_at(body.get("expires_in"), started))


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _renew_at(expires_in: Any, started: float) -> float | None:
    """Counted from the request (not the answer), so a slow token endpoint cannot make us late."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or expires_in <= 0:
        return None  # no lifetime given: renewed after a 401 only
    return started + expires_in - min(expires_in * RENEW_SHARE, RENEW_MARGIN)


def _endpoint(url: str) -> str:
    """The token endpoint as errors name it: without query or userinfo, which may hold secrets."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"token endpoint {parts.scheme}://{parts.hostname}{port}{parts.path}"


# --- command ------------------------------------------------------------------------------------


def command_token(command: str, refresh_seconds: float | None = None) -> Token:
    """Run `command` in a shell (pipes and `$VAR` work as typed); its stripped standard output is the
    bearer token. Its output is never shown: a failing command may print the secret it was given."""
    source = f"command {_program(command)!r}"
    try:
        completed = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise CredentialError(source, f"did not finish within {COMMAND_TIMEOUT:g} s") from None
    if completed.returncode != 0:
        raise CredentialError(
            source,
            f"exited with status {completed.returncode}: run it yourself to see why "
            "(its output is not shown, it may hold a secret)",
        )
    return _command_output(completed.stdout, source, refresh_seconds)


def _command_output(stdout: str, source: str, refresh_seconds: float | None) -> Token:
    token = stdout.strip()
    if not token or "\n" in token:
        raise CredentialError(source, "must print exactly one line, the token, on standard output")
    renew_at = time.monotonic() + refresh_seconds if refresh_seconds else None
    return Token(f"Bearer {token}", renew_at)


def _program(command: str) -> str:
    """The program a command runs, to name it: its arguments may hold a secret."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return words[0] if words else "(empty)"
