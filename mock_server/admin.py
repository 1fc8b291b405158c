"""The mock's outermost ASGI layer: its admin endpoints, and the journal of everything else.

    GET    {prefix}/requests   the journal, newest last (redacted)
    DELETE {prefix}/requests   clear it
    GET    {prefix}/state      the stored resources (--stateful)
    DELETE {prefix}/state      forget them
    POST   {prefix}/expectations        add one (or a list): checked against the contract
    GET    {prefix}/expectations        list them
    DELETE {prefix}/expectations[/ID]   clear them, or remove one
    DELETE {prefix}/sessions/NAME       forget a session's expectations and resources
    POST   {prefix}/replay?name=FILE    a HAR as the body: its exchanges as expectations (replay.py)

With `X-Mock-Session: NAME`, the state and expectation endpoints work on that session's scope
(sessions.py); without, on the global one (except `DELETE /state`, which forgets every resource).

`{prefix}` is `/__mock`, moved (`/__mock__`, ...) when the spec documents a path under it. The
inner app (Connexion and the responder) can be swapped while serving (`--watch`): requests under
way finish on the app they started on; the journal and the state belong to this layer and survive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import orjson

from contract_core.asgi import Message, Receive, Scope, Send, read_request_body
from contract_core.errors import TrafficFileError
from contract_core.redact import Redactor
from contract_core.spec import Spec
from mock_server.app import send_reply
from mock_server.expectation_book import ExpectationBook, TooManyExpectations
from mock_server.expectations import InvalidExpectation
from mock_server.journal import (
    JournalStore,
    JournalView,
    current_exchange,
    finish_body,
    start_exchange,
)
from mock_server.problems import PROBLEM_JSON, Problem
from mock_server.replay import replay_posted
from mock_server.responder import MockOptions, Reply
from mock_server.sessions import session_of, session_prefix
from mock_server.state import StateStore, StoreUnavailable

log = logging.getLogger("contract.mock")
DEFAULT_PREFIX = "/__mock"


def admin_prefix(spec: Spec) -> str:
    """`/__mock`, or a longer prefix the spec documents no path under."""
    prefix = DEFAULT_PREFIX
    while any(op.path == prefix or op.path.startswith(prefix + "/") for op in spec.operations):
        prefix += "__"
    return prefix


@dataclass
class Served:
    """What one version of the spec serves: swapped as a whole on reload."""

    spec: Spec
    app: Any
    view: JournalView
    prefix: str


class MockService:
    """The ASGI app uvicorn runs: admin endpoints, the journal, then the current mock app."""

    def __init__(
        self,
        served: Served,
        journal: JournalStore | None,
        state: StateStore | None,
        capture_limit: int = MockOptions.max_body_bytes,
    ):
        self.served = served
        self.journal = journal
        self.state = state
        # Request bytes the journal keeps, at most: the mock's --max-body (it refuses longer bodies).
        self.capture_limit = capture_limit
        self.watcher: Any = None  # a reload.SpecWatcher under --watch
        self.expectation_watcher: Any = None  # an expectation_files.FilesWatcher under --watch
        self.replayed: list[Any] = []  # replay.Replayed per --replay file: what was skipped

    @property
    def responder(self) -> Any:  # for banners and tests
        return self.served.app.responder

    def swap(self, served: Served) -> None:
        """Serve `served` from the next request on (one attribute store: atomic for the event loop)."""
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        served = self.served
        if scope["type"] != "http":
            await served.app(scope, receive, send)
            return
        path = scope["path"]
        if path == served.prefix or path.startswith(served.prefix + "/"):
            await self._admin_request(served, scope, receive, send)
            return
        if self.journal is None:
            await served.app(scope, receive, send)
            return
        await self._journaled(served, scope, receive, send)

    async def _journaled(self, served: Served, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = start_exchange(scope)
        token = current_exchange.set(exchange)
        chunks: list[bytes] = []
        started = time.perf_counter()
        recorded = False

        def record() -> None:
            nonlocal recorded
            recorded = True
            exchange.duration_ms = (time.perf_counter() - started) * 1000
            try:
                finish_body(exchange, chunks, served.view)
                assert self.journal is not None
                self.journal.record(exchange, served.view)
            except Exception as exc:  # the journal must never cost a client its answer
                log.error(
                    "%s %s: not journaled: %s: %s",
                    exchange.method,
                    exchange.path,
                    type(exc).__name__,
                    exc,
                )

        async def receive_and_keep() -> Message:
            message = await receive()
            chunk = message.get("body", b"")
            exchange.body_bytes += len(chunk)
            if chunk and exchange.body_bytes <= self.capture_limit:
                chunks.append(chunk)
            return message

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                record()  # before the client has the answer: a journal read right after it sees it
            await send(message)

        try:
            await served.app(scope, receive_and_keep, send_and_note)
        finally:
            current_exchange.reset(token)
            if not recorded:
                record()

    async def _admin_request(
        self, served: Served, scope: Scope, receive: Receive, send: Send
    ) -> None:
        body = await read_request_body(receive, self.capture_limit)
        if body.over_limit:
            problem = Problem(413, f"The body is over the limit of {self.capture_limit} bytes.")
            await send_reply(send, admin_reply(413, problem.body()))
            return
        request = AdminRequest(
            scope["method"],
            scope["path"][len(served.prefix) :],
            body.held,
            session_prefix(session_of(scope.get("headers", []))),
            scope.get("query_string", b"").decode("latin-1"),
        )
        # In a thread: a shared journal waits for the other workers' writers; the loop keeps serving.
        answer = await asyncio.to_thread(self._admin, request, served)
        await send_reply(send, admin_reply(*answer))

    def _admin(self, request: AdminRequest, served: Served) -> tuple[int, Any]:
        try:
            return self._admin_action(request, served)
        except (
            StoreUnavailable
        ) as lost:  # the shared store went away: the admin endpoints say so too
            return 503, Problem(503, lost.sentence()).body()

    def _admin_action(self, request: AdminRequest, served: Served) -> tuple[int, Any]:
        method, action = request.method, request.action
        book: ExpectationBook = served.app.expectations
        if action == "/expectations" or action.startswith("/expectations/"):
            return expectations_endpoint(book, request, served.view)
        if action == "/replay" and method == "POST":
            return replay_endpoint(book, request)
        if action.startswith("/sessions/") and method == "DELETE":
            scope = session_prefix(unquote(action[len("/sessions/") :]))
            if not scope:
                return 404, Problem(404, "Name the session: DELETE /__mock/sessions/NAME.").body()
            book.forget(scope)
            if self.state is not None:
                self.state.drop(scope)
            return 204, None
        if action == "/state" and self.state is not None and request.scope:
            return self._session_state(method, request.scope)
        if action == "/requests" and self.journal is not None:
            if method == "GET":
                return 200, {"requests": self.journal.entries(served.view)}
            if method == "DELETE":
                self.journal.clear()
                return 204, None
        if action == "/state" and self.state is not None:
            if method == "GET":
                return 200, {"resources": self.state.dump()}
            if method == "DELETE":
                self.state.clear()
                return 204, None
        return self._admin_problem(method, action, served.prefix)

    def _session_state(self, method: str, scope: str) -> tuple[int, Any]:
        assert self.state is not None
        if method == "GET":
            found = [r for r in self.state.dump() if r["collection"].startswith(scope)]
            return 200, {"resources": found}
        if method == "DELETE":
            self.state.drop(scope)
            return 204, None
        return 405, Problem(405, f"{method} is not supported for /state; use GET or DELETE.").body()

    def _admin_problem(self, method: str, action: str, prefix: str) -> tuple[int, Any]:
        known = {
            "/requests": self.journal is not None,
            "/state": self.state is not None,
            "/expectations": True,
            "/sessions/NAME": True,
            "/replay": True,
        }
        if known.get(action):
            return 405, Problem(
                405, f"{method} is not supported for {prefix}{action}; use GET or DELETE."
            ).body()
        why = {
            "/requests": "the journal is off (--no-journal)",
            "/state": "the mock runs without --stateful",
        }
        listed = ", ".join(f"{prefix}{a}" for a, on in known.items() if on) or "none"
        detail = why.get(action, f"No admin endpoint {prefix}{action}")
        return 404, Problem(
            404, f"{detail[0].upper()}{detail[1:]}; admin endpoints: {listed}."
        ).body()


@dataclass(frozen=True)
class AdminRequest:
    method: str
    action: str  # the path past the admin prefix: `/expectations/ID`
    body: bytes
    scope: str  # the session's store prefix ("" for the global scope)
    query: str = ""

    @property
    def name(self) -> str | None:
        """`?name=FILE`: what a posted HAR is called in its lines."""
        return next(iter(parse_qs(self.query).get("name", [])), None)


def expectations_endpoint(
    book: ExpectationBook, request: AdminRequest, view: JournalView
) -> tuple[int, Any]:
    """POST, GET and DELETE on /expectations; DELETE on /expectations/ID."""
    method, scope = request.method, request.scope
    one = request.action[len("/expectations/") :] if request.action != "/expectations" else None
    if one is not None:
        if method != "DELETE":
            return 405, Problem(405, f"{method} is not supported here; use DELETE.").body()
        if book.remove(unquote(one), scope):
            return 204, None
        return 404, Problem(404, f"No expectation {unquote(one)!r} in this scope.").body()
    if method == "GET":
        # redacted as the journal is: a replayed answer may carry a recorded secret (a `token`)
        redactor = Redactor(view.secret_fields, view.query_credentials)
        return 200, {"expectations": [redactor.json(one) for one in book.listed(scope)]}
    if method == "DELETE":
        book.clear(scope)
        return 204, None
    if method == "POST":
        return posted_expectations(book, request.body, scope)
    return 405, Problem(405, f"{method} is not supported here; use POST, GET or DELETE.").body()


def replay_endpoint(book: ExpectationBook, request: AdminRequest) -> tuple[int, Any]:
    """200 with what was loaded and the skipped entries' lines; 400 for a body that is no HAR."""
    try:
        found = replay_posted(book, request.body, request.name or "posted.har", request.scope)
    except TrafficFileError as exc:
        return 400, Problem(400, f"{exc}.").body()
    except TooManyExpectations as exc:
        return 507, Problem(507, str(exc)).body()
    return 200, found.as_json()


def posted_expectations(book: ExpectationBook, raw: bytes, scope: str) -> tuple[int, Any]:
    """201 with the id(s); 400 naming every reason (the body and schema pointers of a bad body)."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return 400, Problem(400, f"The expectation is not JSON: {exc}.").body()
    many = isinstance(document, list)
    posted = []
    for index, one in enumerate(document if many else [document]):
        try:
            posted.append(book.post(one, scope))
        except InvalidExpectation as exc:
            for posted_one in posted:  # all or nothing: a half-posted list misleads a test
                book.remove(posted_one.id, scope)
            errors = [
                {**r.as_json(), "pointer": f"/{index}{r.pointer}" if many else r.pointer}
                for r in exc.refusals
            ]
            reason = str(exc).rstrip(".?")
            problem = Problem(400, f"The expectation is refused: {reason}.", errors)
            return 400, problem.body()
        except TooManyExpectations as exc:
            return 507, Problem(507, str(exc)).body()
    ids = [{"id": one.id} for one in posted]
    return 201, ids if many else ids[0]


def admin_reply(status: int, body: Any) -> Reply:
    """An admin endpoint's answer: JSON (problem+json for errors), never cached."""
    media_type = None if body is None else PROBLEM_JSON if status >= 400 else "application/json"
    return Reply(
        status,
        media_type,
        b"" if body is None else orjson.dumps(body),
        {"cache-control": "no-store"},
    )
