"""A staging-like Create Token service: an OAuth2 identity provider issuing tokens that live seconds,
and the correct implementation behind a gate that accepts only currently valid tokens and allows
`per_second` requests per second (`429` with `Retry-After: 1` beyond), counting what it refused.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask, Response, request

from tests.conformance.implementations import DEFAULT_CREDENTIAL, create_app, problem
from tests.conformance.serving import serve

CLIENT_ID = "conform-ci"
CLIENT_SECRET = "cl1ent-s3cret-7a6b5c4d3e2f"


@dataclass
class IdentityProvider:
    """Issues tokens that expire `lifetime` seconds after issue (at most `max_tokens`, then it refuses
    the client); remembers every one it issued."""

    lifetime: float = 2.0
    max_tokens: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    expiries: dict[str, float] = field(default_factory=dict)

    def issue(self) -> str:
        token = "at_" + secrets.token_hex(12)
        with self.lock:
            self.expiries[token] = time.monotonic() + self.lifetime
        return token

    def valid(self, token: str) -> bool:
        with self.lock:
            return time.monotonic() < self.expiries.get(token, 0.0)

    @property
    def issued(self) -> list[str]:
        with self.lock:
            return list(self.expiries)


def identity_provider_app(idp: IdentityProvider) -> Flask:
    """`POST /oauth/token` (RFC 6749 4.4, client authenticated by HTTP Basic) and `POST /plain-token`
    (the token as text, for a `command` credential)."""
    app = Flask("identity-provider")

    @app.post("/oauth/token")
    def token() -> Response:
        spent = idp.max_tokens is not None and len(idp.issued) >= idp.max_tokens
        if (
            spent
            or not _client_authenticated()
            or request.form.get("grant_type") != "client_credentials"
        ):
            body = {"error": "invalid_client"}
            return Response(json.dumps(body), status=401, mimetype="application/json")
        body = {"access_token": idp.issue(), "token_type": "Bearer", "expires_in": idp.lifetime}
        return Response(json.dumps(body), mimetype="application/json")

    @app.post("/plain-token")
    def plain_token() -> Response:
        return Response(idp.issue(), mimetype="text/plain")

    return app


def _client_authenticated() -> bool:
    basic = request.authorization
    return (
        basic is not None
        and unquote_plus(basic.username or "") == CLIENT_ID
        and unquote_plus(basic.password or "") == CLIENT_SECRET
    )


@dataclass
class Gatekeeper:
    """What the staging gate saw: requests, 429s sent, 401s to tokens it had issued (expired)."""

    per_second: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: deque[float] = field(default_factory=deque)
    requests: int = 0
    throttled: int = 0
    expired: int = 0
    authorizations: list[str] = field(default_factory=list)

    def admit(self) -> bool:
        """A sliding window of one second over the requests let through."""
        now = time.monotonic()
        with self.lock:
            self.requests += 1
            while self.accepted and now - self.accepted[0] >= 1.0:
                self.accepted.popleft()
            if len(self.accepted) >= self.per_second:
                self.throttled += 1
                return False
            self.accepted.append(now)
            return True


def staging_app(
    idp: IdentityProvider, gatekeeper: Gatekeeper, static_tokens: Iterable[str] = ()
) -> Callable[..., Iterable[bytes]]:
    """The correct implementation, reachable only with a valid token and within the rate."""
    inner = create_app()
    static = set(static_tokens)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not gatekeeper.admit():
            response = problem(429, "Too many requests", "Slow down.")
            response.headers["Retry-After"] = "1"
            return response(environ, start_response)
        sent = environ.get("HTTP_AUTHORIZATION", "")
        with gatekeeper.lock:
            gatekeeper.authorizations.append(sent)
        token = sent.removeprefix("Bearer ")
        if sent.startswith("Bearer ") and (idp.valid(token) or token in static):
            environ["HTTP_AUTHORIZATION"] = f"Bearer {DEFAULT_CREDENTIAL}"
        elif token in idp.issued:
            with gatekeeper.lock:
                gatekeeper.expired += 1
            environ["HTTP_AUTHORIZATION"] = "Bearer expired"
        return inner(environ, start_response)

    return app


def requiring_tokens(inner: Any, idp: IdentityProvider) -> Callable[..., Iterable[bytes]]:
    """`inner` answering only requests with a currently valid token of `idp` (401 otherwise)."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if not idp.valid(token):
            return problem(401, "Unauthorized", "A valid token is needed.")(environ, start_response)
        return inner(environ, start_response)

    return app


@contextmanager
def staging(
    *,
    lifetime: float = 2.0,
    per_second: int = 10,
    static_tokens: Iterable[str] = (),
    max_tokens: int | None = None,
) -> Iterator[tuple[str, str, IdentityProvider, Gatekeeper]]:
    """Yields the API's base URL, the identity provider's, and both servers' records."""
    idp, gatekeeper = IdentityProvider(lifetime, max_tokens), Gatekeeper(per_second)
    with (
        serve(identity_provider_app(idp)) as idp_url,
        serve(staging_app(idp, gatekeeper, static_tokens)) as base_url,
    ):
        yield base_url, idp_url, idp, gatekeeper
