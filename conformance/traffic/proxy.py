"""`contract proxy`: an ASGI app between a client and a staging upstream that holds every exchange to the contract.

Per request: match the operation (with or without a `servers` prefix), check the request, forward it
(or refuse it with `--strict`), check the answer, and pass it back unchanged except for two headers:
`X-Served-By` and, when something broke, `X-Contract-Violations`. Violations also go to one log line
per exchange (checks and pointers only: no values, so no secrets) and to the bounded journal at
`GET /__proxy/violations`. Everything that quotes a value is redacted first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.middleware.cors import CORSMiddleware

from conformance.checker.exchange import CheckViolation, Exchange
from conformance.traffic import har, journal
from conformance.traffic.fallback import MockFallback
from conformance.traffic.forwarding import Forwarder, UpstreamAnswer, UpstreamFailure
from conformance.traffic.journal import Journal
from conformance.traffic.judge import TrafficJudge
from conformance.traffic.problems import problem
from conformance.traffic.violations import header_value, undocumented_operation
from contract_core.asgi import Receive, Scope, Send, read_request_body
from contract_core.media import is_json
from contract_core.observed import Headers, Observed, header
from contract_core.paths import Match
from contract_core.redact import Redactor
from contract_core.spec import Spec

log = logging.getLogger("contract.proxy")

VIOLATIONS_HEADER = "X-Contract-Violations"
SERVED_BY_HEADER = "X-Served-By"
EXPOSED_HEADERS = (VIOLATIONS_HEADER, SERVED_BY_HEADER)
_FORWARDED_UNDER_STRICT = frozenset({"request_security"})


@dataclass(frozen=True)
class ProxySettings:
    upstream: str
    strict: bool = False
    fallback_mock: bool = False
    record: Path | None = None
    timeout: float = 30.0
    # do not verify the upstream's TLS certificate (a staging server's own CA)
    insecure: bool = False
    cors_origins: tuple[str, ...] = ()
    # bodies up to this size are held and checked; larger ones stream
    hold_limit: int = 4 * 1024 * 1024
    journal_size: int = 1000


@dataclass
class Answer:
    """What goes back to the client. `body` is None while `stream` still has it."""

    status: int
    headers: Headers
    body: bytes | None
    served_by: str
    stream: AsyncIterator[bytes] | None = None
    checked_body: bytes | None = None  # the body as the checks read it (decoded), when held
    violations: list[CheckViolation] = field(default_factory=list)


class ContractProxy:
    def __init__(self, spec: Spec, settings: ProxySettings) -> None:
        self.settings = settings
        self.judge = TrafficJudge(spec)
        self.forwarder = Forwarder(
            settings.upstream, settings.timeout, settings.hold_limit, not settings.insecure
        )
        self.journal = Journal(settings.journal_size)
        self.fallback = (
            MockFallback(spec, settings.cors_origins) if settings.fallback_mock else None
        )
        self.recorder = har.HarWriter(settings.record) if settings.record else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] != "http":
            return  # websockets are not part of an OpenAPI contract; the connection is refused
        elif scope["path"] == journal.PATH:
            await self._serve_journal(scope, send)
        else:
            await self._proxy(scope, receive, send)

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        started, clock = time.time(), time.perf_counter()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        # Held up to the hold limit and checked; a longer body streams on to the upstream unread.
        body = await read_request_body(receive, self.settings.hold_limit)
        observed = _observed(scope, headers, body.held if body.complete else None, started)
        match = self.judge.match(observed.method, observed.path)
        exchange = self.judge.exchange(observed, match) if match else None
        found = self._request_violations(observed, exchange)
        if self.settings.strict and _refused(found):
            answer = _refusal(found, self.judge.redactor_for(observed))
        else:
            answer = await self._forward(
                observed, match, body.held if body.complete else body.chunks()
            )
            if exchange is not None and answer.served_by == "upstream":
                answer.violations = self._response_violations(exchange, answer)
        broken_answer = (
            self.settings.strict and bool(answer.violations) and answer.served_by == "upstream"
        )
        answer.violations = found + answer.violations
        _note_answer(observed, answer)
        # One redactor per exchange that needs one (a violation to report, a record to write).
        redactor = self.judge.redactor_for(observed) if answer.violations or self.recorder else None
        if broken_answer and redactor:
            await _discard(answer)
            answer = _bad_gateway(answer.violations, redactor)
            _note_answer(observed, answer)  # the record keeps what the client got
        await self._send(send, answer, redactor)
        observed.duration_ms = (time.perf_counter() - clock) * 1000
        self._report(observed, match, answer, redactor)

    def _request_violations(
        self, observed: Observed, exchange: Exchange | None
    ) -> list[CheckViolation]:
        """Every request check, for a streamed body too: credentials, parameters and media type need only
        the head, and `request_body` finds no held body to read (the exchange says it went by unread)."""
        if exchange is None:
            preflight = observed.method == "OPTIONS" and observed.request_header(
                "access-control-request-method"
            )
            return [] if preflight else [undocumented_operation(observed, self.judge.matcher)]
        return _safely(self.judge.request_violations, exchange)

    def _response_violations(self, exchange: Exchange, answer: Answer) -> list[CheckViolation]:
        checked = self.judge.with_response(
            exchange, answer.status, answer.headers, answer.checked_body
        )
        return _safely(self.judge.response_violations, checked, answer.checked_body is not None)

    async def _forward(
        self, observed: Observed, match: Match | None, body: bytes | AsyncIterator[bytes]
    ) -> Answer:
        target = self.forwarder.target_path(observed.path, match.prefix if match else "")
        target += f"?{observed.query}" if observed.query else ""
        try:
            upstream = await self.forwarder.send(
                observed.method, target, observed.request_headers, body or None
            )
        except UpstreamFailure as failure:
            if self.fallback is not None and isinstance(body, bytes):
                return await self._mock(observed, match, body)
            return _upstream_failed(failure)
        if self.fallback is not None and upstream.status in (404, 501) and isinstance(body, bytes):
            await upstream.close()
            return await self._mock(observed, match, body)
        return _from_upstream(upstream)

    async def _mock(self, observed: Observed, match: Match | None, body: bytes) -> Answer:
        assert self.fallback is not None
        path = observed.path[len(match.prefix) :] or "/" if match else observed.path
        status, headers, answer = await self.fallback.answer(
            observed.method, path, observed.query, observed.request_headers, body
        )
        return Answer(status, headers, answer, "mock", checked_body=answer)

    async def _send(self, send: Send, answer: Answer, redactor: Redactor | None) -> None:
        headers = self._outgoing_headers(answer, redactor)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        if answer.stream is None:
            await send({"type": "http.response.body", "body": answer.body or b""})
            return
        try:
            async for chunk in answer.stream:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        # the upstream broke off mid-body: the status is sent, so end the body here
        except Exception as exc:
            log.warning("upstream answer broke off mid-body: %s", type(exc).__name__)
        await send({"type": "http.response.body", "body": b""})

    def _outgoing_headers(
        self, answer: Answer, redactor: Redactor | None
    ) -> list[tuple[bytes, bytes]]:
        owned_cors = bool(self.settings.cors_origins)
        out = [
            (k.lower().encode("latin-1"), v.encode("latin-1", "replace"))
            for k, v in answer.headers
            if not (owned_cors and k.lower().startswith("access-control-"))
        ]
        if not owned_cors and header(answer.headers, "access-control-allow-origin") is not None:
            out = _exposing(out)
        out.append((SERVED_BY_HEADER.lower().encode(), answer.served_by.encode()))
        if answer.violations and redactor is not None:
            out.append(
                (
                    VIOLATIONS_HEADER.lower().encode(),
                    header_value(answer.violations, redactor).encode(),
                )
            )
        return out

    def _report(
        self, observed: Observed, match: Match | None, answer: Answer, redactor: Redactor | None
    ) -> None:
        violations = answer.violations
        log.info(
            "%s %s %s %s %.1fms%s%s",
            observed.method,
            observed.path,
            answer.status,
            answer.served_by,
            observed.duration_ms,
            _summary(violations),
            _body_unchecked(answer) if match else "",
        )
        if redactor is None:
            return
        if violations:
            self.journal.add(self._journal_entry(observed, match, answer, redactor))
        if self.recorder is not None:
            if observed.response_body is None and answer.stream is not None:
                observed.comment = "body streamed through, not recorded"
            self.recorder.add(har.entry(observed, redactor))

    def _journal_entry(
        self, observed: Observed, match: Match | None, answer: Answer, redactor: Redactor
    ) -> dict[str, Any]:
        excerpt = redactor.excerpt(answer.checked_body)
        return {
            "time": datetime.fromtimestamp(observed.started, UTC)
            .isoformat()
            .replace("+00:00", "Z"),
            "method": observed.method,
            "path": redactor.text(observed.path),
            "operation": self.judge.label(match) if match else None,
            "status": answer.status,
            "served_by": answer.served_by,
            "duration_ms": round(observed.duration_ms, 2),
            "violations": [
                {**v.as_dict(), "message": redactor.text(v.message)} for v in answer.violations
            ],
            "response_excerpt": excerpt,
        }

    async def _serve_journal(self, scope: Scope, send: Send) -> None:
        if scope["method"] == "DELETE":
            self.journal.clear()
            status, media, body = 204, None, b""
        elif scope["method"] in ("GET", "HEAD"):
            limit = _limit(scope.get("query_string", b"").decode("latin-1"))
            status, media, body = 200, "application/json", self.journal.render(limit)
        else:
            status, media, body = problem(
                405,
                "method-not-allowed",
                "Method not allowed",
                f"{journal.PATH} answers GET and DELETE.",
            )
        headers = [(b"content-type", media.encode())] if media else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""}
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def close(self) -> None:
        await self.forwarder.close()
        if self.recorder is not None:
            self.recorder.close()


def create_proxy_app(spec: Spec, settings: ProxySettings) -> Any:
    """The proxy as an ASGI app; with `--cors-origin` it answers CORS itself (preflights never reach upstream)."""
    proxy = ContractProxy(spec, settings)
    if not settings.cors_origins:
        return proxy
    app = CORSMiddleware(
        proxy,
        allow_origins=list(settings.cors_origins),
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[*EXPOSED_HEADERS, "Location", "WWW-Authenticate", "Allow"],
        allow_credentials="*" not in settings.cors_origins,
        max_age=600,
    )
    app.proxy = proxy  # type: ignore[attr-defined]  # for tests and the banner
    return app


def _observed(scope: Scope, headers: Headers, body: bytes | None, started: float) -> Observed:
    """The request as the client sent it: the raw, still percent-encoded path (ASGI's `path` is decoded,
    which would turn `/items/a%2Fb` into a different path upstream), as a HAR records it too."""
    query = scope.get("query_string", b"").decode("latin-1")
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    url = path + (f"?{query}" if query else "")
    return Observed(scope["method"], url, headers, body or None, 0, [], None, started)


def _refused(found: list[CheckViolation]) -> bool:
    """Whether `--strict` refuses a request. A missing credential is reported but forwarded: the contract
    documents the upstream's 401 for it, and a frontend testing its signed-out path needs that 401."""
    return any(violation.check not in _FORWARDED_UNDER_STRICT for violation in found)


def _note_answer(observed: Observed, answer: Answer) -> None:
    """What the upstream (or the mock) answered, as the record and the redactor read it."""
    observed.status, observed.response_headers = answer.status, answer.headers
    observed.response_body, observed.served_by = answer.checked_body, answer.served_by


def _from_upstream(upstream: UpstreamAnswer) -> Answer:
    return Answer(
        upstream.status,
        upstream.headers,
        upstream.body,
        "upstream",
        stream=upstream.stream,
        checked_body=upstream.decoded_body(),
    )


def _upstream_failed(failure: UpstreamFailure) -> Answer:
    status = 504 if failure.timed_out else 502
    slug, title = (
        ("upstream-timeout", "Upstream timed out")
        if failure.timed_out
        else ("upstream-unavailable", "Upstream unavailable")
    )
    status, media, body = problem(
        status,
        slug,
        title,
        f"The proxy got no answer from {failure.upstream}: {failure.detail}.",
        upstream=failure.upstream,
    )
    return Answer(status, [("content-type", media)], body, "proxy")


def _refusal(violations: list[CheckViolation], redactor: Redactor) -> Answer:
    status, media, body = problem(
        400,
        "contract-violation",
        "Request breaks the contract",
        f"--strict: the request breaks the contract in {len(violations)} way(s); "
        "it was not forwarded.",
        errors=_errors(violations, redactor),
    )
    return Answer(status, [("content-type", media)], body, "proxy")


def _bad_gateway(violations: list[CheckViolation], redactor: Redactor) -> Answer:
    status, media, body = problem(
        502,
        "contract-violation-upstream",
        "Upstream answer breaks the contract",
        f"--strict: the upstream's answer breaks the contract in {len(violations)} "
        "way(s); it was not passed on.",
        errors=_errors(violations, redactor),
    )
    return Answer(status, [("content-type", media)], body, "proxy", violations=violations)


def _errors(violations: list[CheckViolation], redactor: Redactor) -> list[dict[str, Any]]:
    return [{**v.as_dict(), "message": redactor.text(v.message)} for v in violations]


async def _discard(answer: Answer) -> None:
    if answer.stream is not None:
        async for _ in answer.stream:
            pass


def _exposing(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Add ours to the upstream's `Access-Control-Expose-Headers`, so browser code can read them."""
    name = b"access-control-expose-headers"
    listed = [v.decode("latin-1") for k, v in headers if k == name]
    exposed = ", ".join([*listed, *EXPOSED_HEADERS]) if "*" not in listed else "*"
    return [(k, v) for k, v in headers if k != name] + [(name, exposed.encode("latin-1"))]


def _body_unchecked(answer: Answer) -> str:
    """Why a JSON answer's body was not checked, so "ok" is never read as "the body conforms"."""
    if (
        answer.served_by != "upstream"
        or answer.checked_body is not None
        or not is_json(header(answer.headers, "content-type"))
    ):
        return ""
    encoding = header(answer.headers, "content-encoding")
    reason = (
        f"Content-Encoding {encoding} has no decoder here"
        if answer.body is not None
        else "larger than the hold limit, streamed through"
    )
    return f" (body not checked: {reason})"


def _summary(violations: list[CheckViolation]) -> str:
    if not violations:
        return " ok"
    listed = ", ".join(
        f"{v.side} {v.check} {v.instance_pointer or '(body)'}"
        if v.instance_pointer is not None
        else f"{v.side} {v.check}"
        for v in violations[:12]
    )
    more = f", +{len(violations) - 12} more" if len(violations) > 12 else ""
    return f" {len(violations)} violation(s): {listed}{more}"


def _safely(check: Callable[..., list[CheckViolation]], *args: Any) -> list[CheckViolation]:
    """A bug in a check must not cost the exchange: it is logged and the answer still goes back."""
    try:
        return check(*args)
    except Exception as exc:
        log.error(
            "contract check failed (a bug of the kit; the exchange was passed on): %s: %s",
            type(exc).__name__,
            exc,
        )
        log.debug("check failure", exc_info=exc)
        return []


def _limit(query: str) -> int | None:
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == "limit" and value.isdigit():
            return int(value)
    return None
