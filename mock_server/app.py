"""`create_app`: the mock as an ASGI application, on Connexion 3's AsyncApp.

Connexion routes requests to operations, validates parameters and serves Swagger UI. Our
`MockMiddleware` sits after its validation and answers every request itself (Connexion's handler
machinery is never reached): it checks credentials, size, media type and the JSON body against
the contract (every error, not only the first), then replies from the pre-computed fixtures.
AsyncApp over FlaskApp: measured faster here (see bench/mock_bench.py and NOTES-stack).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from connexion.validators import FormDataValidator, MultiPartFormDataValidator
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from contract_core.asgi import Message, Receive, Scope, Send, read_request_body
from contract_core.paths import PathMatcher
from contract_core.spec import Spec
from mock_server.expectation_book import ExpectationBook
from mock_server.faults import Delays, perform_fault
from mock_server.journal import note_problem
from mock_server.problems import Problem
from mock_server.responder import MockOptions, Reply, ReplyPlan, Responder, parse_prefer
from mock_server.routing_view import routing_view
from mock_server.served_spec import ServedSpec
from mock_server.sessions import session_of, session_prefix
from mock_server.state import MemoryState, Stateful, StateStore, StoreUnavailable, unbounded

log = logging.getLogger("contract.mock")
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
EXPOSED_HEADERS = ["Preference-Applied", "WWW-Authenticate", "X-Mock-Problem", "Allow", "Location"]


class _MockResolver(Resolver):
    """Names every operation as `contract_core` does (synthesising missing operationIds, which
    Connexion's own resolvers cannot) and binds it to a function that is never called."""

    def __init__(self, spec: Spec):
        super().__init__()
        self._ids = {(op.method, op.path): op.operation_id for op in spec.operations}

    def resolve_operation_id(self, operation: Any) -> str:
        return self._ids.get(
            (operation.method.lower(), operation.path), operation.operation_id or "unknown"
        )

    def resolve_function_from_operation_id(self, operation_id: str) -> Callable[..., Any]:
        return _unreachable


async def _unreachable(
    *_args: Any, **_kwargs: Any
) -> None:  # pragma: no cover - MockMiddleware answers first
    raise RuntimeError("MockMiddleware should have answered this request")


class MockMiddleware:
    """Answers every request: routed ones from the responder, the rest with 404/405 or the spec.

    Installed twice. Right after Connexion's router (`early`), it answers what needs nothing more
    from Connexion: operations without parameters (it checks their media type itself) and requests
    no operation matched. That spares every such request Connexion's security and validation
    layers (a third of the mock's time per request). The second instance, after Connexion's
    parameter validation, answers the rest.
    """

    def __init__(
        self,
        app: Any,
        responder: Responder,
        routes: PathMatcher,
        spec_files: Mapping[str, tuple[bytes, str]],
        early: bool = False,
        stateful: Stateful | None = None,
        expectations: ExpectationBook | None = None,
    ):
        self.app = app
        self.responder = responder
        self.routes = routes
        self.spec_files = spec_files
        self.early = early
        self.stateful = stateful
        self.expectations = expectations
        options = responder.options
        self.delays = Delays(options.delay_ms, options.delay_max_ms, options.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        operation_id = (
            (scope.get("extensions") or {}).get("connexion_routing", {}).get("operation_id")
        )
        plan = self.responder.plans.get(operation_id) if operation_id else None
        if self.early and plan is not None and plan.has_parameters:
            await self.app(scope, receive, send)  # Connexion validates its parameters first
            return
        try:
            reply = await self._answer(plan, scope, receive) if plan else self._unrouted(scope)
        except Problem as problem:
            reply = problem_reply(self.responder, problem, plan)
        except (
            StoreUnavailable
        ) as lost:  # Redis went away: say so, stay up, recover when it is back
            reply = problem_reply(self.responder, Problem(503, lost.sentence()), plan)
        except Exception as exc:  # a bug of ours: one clear line and a 500, the server stays up
            log.error(
                "%s %s: mock error: %s: %s", scope["method"], scope["path"], type(exc).__name__, exc
            )
            log.debug("mock error", exc_info=exc)
            reply = problem_reply(
                self.responder, Problem(500, f"The mock failed: {type(exc).__name__}."), plan
            )
        delay = reply.delay_ms / 1000 if reply.delay_ms is not None else None
        if delay is None and self.delays:
            delay = self.delays.draw_seconds()
        if reply.fault is not None:
            await perform_fault(reply.fault, scope, receive, reply.delay_ms)
            return
        if delay:
            await asyncio.sleep(delay)
        await send_reply(send, reply, head=scope["method"] == "HEAD")

    async def _answer(self, plan: ReplyPlan, scope: Scope, receive: Receive) -> Reply:
        headers = _headers(scope)
        query = scope.get("query_string", b"").decode("latin-1")
        if self.early:
            self.responder.check_media_type(plan, headers.get("content-type"))
        self.responder.check_auth(plan, headers, query)
        raw = (
            await read_body(receive, headers, self.responder.options.max_body_bytes)
            if plan.body_media_types
            else b""
        )
        sent = self.responder.parse_body(plan, headers.get("content-type"), raw)
        prefer = parse_prefer(_all_values(scope, b"prefer"))
        scope_prefix = session_prefix(session_of(scope.get("headers", [])))
        if self.expectations is not None:
            found = self.expectations.find(scope_prefix, plan, scope["path"], query, headers, sent)
            if found is not None:
                return self.expectations.reply(plan, *found, sent)
        if self.stateful is not None:
            # a session's resources: its own collections, under its prefix (sessions.py)
            return self.stateful.respond(
                plan, scope_prefix + scope["path"], sent, prefer, headers.get("accept")
            )
        return self.responder.respond(plan, sent, prefer, headers.get("accept"))

    def _unrouted(self, scope: Scope) -> Reply:
        path, method = scope["path"], scope["method"]
        if path in self.spec_files and method in ("GET", "HEAD"):
            body, media_type = self.spec_files[path]
            return Reply(200, media_type, body)
        if self.routes.operation_id(method, path) is not None:
            # Documented, but Connexion's router did not route it (a path parameter holding a control
            # character such as a newline): no resource the mock serves has such an id.
            raise Problem(
                404,
                f"No resource at {path!r}: its path parameters hold characters the mock's "
                "router does not accept, and no resource has them.",
            )
        allowed = self.routes.allowed_methods(path)
        if allowed:
            listed = ", ".join(sorted(allowed))
            raise Problem(
                405,
                f"{method} is not documented for {path}; allowed: {listed}.",
                headers={"Allow": listed},
            )
        closest = self.routes.closest(method, path)
        hint = f" Did you mean {closest}?" if closest else ""
        raise Problem(404, f"No documented path matches {path}.{hint}")


def problem_reply(responder: Responder, problem: Problem, plan: ReplyPlan | None) -> Reply:
    """The answer for `problem`; a 400 names the operation whose schema refused the request, and the
    journal notes why."""
    if problem.status == 400 and plan is not None and plan.operation.label not in problem.detail:
        problem.detail = f"{plan.operation.label} ({plan.operation.operation_id}): {problem.detail}"
    note_problem(problem.detail, problem.errors)
    return responder.problem_reply(problem, plan)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _all_values(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]


async def read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The whole request body, refusing (413) past `limit` without reading it all."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"The request body is {declared} bytes; the limit is {limit} bytes.")
    body = await read_request_body(receive, limit)
    if body.over_limit:  # sent without a Content-Length (chunked): refused once it runs past
        raise Problem(413, f"The request body is over the limit of {limit} bytes.")
    return body.held


async def send_reply(send: Send, reply: Reply, head: bool = False) -> None:
    headers = [(b"content-length", str(len(reply.body)).encode())]
    if reply.media_type:
        headers.append((b"content-type", reply.media_type.encode()))
    headers.extend(
        (k.lower().encode(), v.encode("latin-1", "replace")) for k, v in reply.headers.items()
    )
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


class AccessLog:
    """One line per request: method, path, status, milliseconds."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status[0],
                (time.perf_counter() - started) * 1000,
            )


def _problem_handler(
    responder: Responder, routes: PathMatcher
) -> Callable[[ConnexionRequest, Exception], ConnexionResponse]:
    """Connexion's own errors (parameter validation, 415, its router's 405) rendered like ours."""

    def handle(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        status = getattr(exc, "status", None) or getattr(exc, "status_code", None) or 500
        detail = getattr(exc, "detail", None) or str(exc)
        headers = dict(getattr(exc, "headers", None) or {})
        if status == 405:  # Connexion's router lists one method only: list every documented one
            allowed = ", ".join(sorted(routes.allowed_methods(request.url.path)))
            headers["Allow"] = allowed
            detail = (
                f"{request.method} is not documented for {request.url.path}; allowed: {allowed}."
            )
        operation_id = routes.operation_id(request.method, request.url.path)
        plan = responder.plans.get(operation_id) if operation_id else None
        first_line = str(detail).strip().splitlines()[0] if str(detail).strip() else str(detail)
        reply = problem_reply(responder, Problem(int(status), first_line, headers=headers), plan)
        return ConnexionResponse(
            status_code=reply.status,
            content_type=reply.media_type,
            body=reply.body,
            headers=reply.headers,
        )

    return handle


def cors_options(origins: tuple[str, ...], local_only: bool) -> dict[str, Any]:
    """Allowed origins: as given; otherwise any origin when bound to loopback, else local pages."""
    options: dict[str, Any] = {
        "allow_methods": ["*"],
        "allow_headers": ["*"],
        "expose_headers": EXPOSED_HEADERS,
        "max_age": 600,
    }
    if origins:
        options["allow_origins"] = list(origins)
    elif local_only:
        options["allow_origins"] = ["*"]
    else:
        options["allow_origin_regex"] = LOCAL_ORIGINS
    return options


def create_app(
    spec: Spec,
    options: MockOptions | None = None,
    local_only: bool = True,
    state: StateStore | None = None,
    expectation_store: StateStore | None = None,
) -> Any:
    """The mock for `spec` as an ASGI app. Fixtures are made and validated here, before serving.
    With a `state` store, created resources are remembered (`--stateful`); expectations are kept
    in `expectation_store` (one of this app's own when none is given)."""
    options = options or MockOptions()
    responder = Responder(spec, options)
    stateful = Stateful(responder, state) if state is not None else None
    book = ExpectationBook(responder, expectation_store or MemoryState(*unbounded()))
    logging.getLogger("connexion").setLevel(logging.ERROR)  # it warns several times per request
    app = AsyncApp(__name__)
    app.add_api(
        routing_view(spec),
        base_path="",
        resolver=_MockResolver(spec),
        strict_validation=False,
        validate_responses=False,
        # JSON bodies are validated by MockMiddleware (every error, any encoding); forms by Connexion.
        validator_map={
            "body": MediaTypeDict(
                {
                    "application/x-www-form-urlencoded": FormDataValidator,
                    "multipart/form-data": MultiPartFormDataValidator,
                }
            )
        },
        swagger_ui_options=SwaggerUIOptions(
            serve_spec=False, swagger_ui_path="/ui", swagger_ui_config={"url": "/openapi.json"}
        ),
    )
    spec_files, routes = ServedSpec(spec), responder.routes
    app.add_middleware(
        MockMiddleware,
        position=MiddlewarePosition.BEFORE_SECURITY,
        responder=responder,
        routes=routes,
        spec_files=spec_files,
        early=True,
        stateful=stateful,
        expectations=book,
    )
    app.add_middleware(
        MockMiddleware,
        position=MiddlewarePosition.BEFORE_CONTEXT,
        responder=responder,
        routes=routes,
        spec_files=spec_files,
        stateful=stateful,
        expectations=book,
    )
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        **cors_options(options.cors_origins, local_only),
    )
    handler = _problem_handler(responder, routes)
    app.add_error_handler(ProblemException, handler)
    app.add_error_handler(HTTPException, handler)
    wrapped = AccessLog(app)
    wrapped.responder = responder  # type: ignore[attr-defined]  # for banners and tests
    wrapped.expectations = book  # type: ignore[attr-defined]  # for the admin endpoints
    return wrapped
