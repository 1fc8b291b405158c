"""Requests uvicorn itself cannot read, answered like every other error of the mock.

uvicorn answers a request it cannot parse (a request target over httptools' 64 KB limit, which a
spec's `maxLength: 152133` path parameter invites; bytes HTTP forbids) with its own plain-text 400,
before any application sees it. Clients and `contract conform` then get an error in no documented
shape. This protocol renders those errors through the responder instead: problem+json, or the
operation's documented error schema, and 414 URI Too Long where that is what went wrong.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mock_server.faults import TRANSPORT_EXTENSION
from mock_server.problems import Problem
from mock_server.responder import Reply, Responder

MAX_REQUEST_TARGET = 65535  # bytes: httptools refuses longer URLs


class MockHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the mock's error answers for unreadable requests, and the
    connection's transport in each request's scope (for the faults of faults.py)."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TRANSPORT_EXTENSION: self.transport}  # type: ignore[dict-item]  # uvicorn's scope type names only the standard extensions

    def send_400_response(self, msg: str) -> None:
        responder = _responder(self.app)
        if responder is None or self.transport.is_closing():
            super().send_400_response(msg)
            return
        reply = unreadable_reply(responder, self._method(), getattr(self, "url", b""))
        self.transport.write(_http_bytes(reply))
        self.transport.close()

    def _method(self) -> str | None:
        """The request's method, if the parser got as far as the request line."""
        try:
            return str(self.parser.get_method().decode("ascii"))
        except Exception:  # httptools raises its own errors before the request line is read
            return None


def unreadable_reply(responder: Responder, method: str | None, target: bytes) -> Reply:
    """The mock's answer to a request the HTTP layer could not read."""
    if len(target) > MAX_REQUEST_TARGET:
        problem = Problem(
            414,
            f"The request target is {len(target)} bytes; the mock reads at most "
            f"{MAX_REQUEST_TARGET} (its HTTP parser's limit).",
        )
    else:
        problem = Problem(
            400, "The mock's HTTP server could not read this request (not valid HTTP/1.1)."
        )
    path = unquote(urlsplit(target.decode("latin-1")).path)
    operation_id = responder.routes.operation_id(method, path) if method and path else None
    return responder.problem_reply(
        problem, responder.plans.get(operation_id) if operation_id else None
    )


def _responder(app: Any) -> Responder | None:
    """The responder of the mock app uvicorn serves (under uvicorn's own middleware wrappers)."""
    for _ in range(8):
        if isinstance(responder := getattr(app, "responder", None), Responder):
            return responder
        app = getattr(app, "app", None)
    return None


def _http_bytes(reply: Reply) -> bytes:
    headers = {"content-length": str(len(reply.body)), "connection": "close"}
    if reply.media_type:
        headers["content-type"] = reply.media_type
    headers.update({k.lower(): v for k, v in reply.headers.items()})
    head = f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return head.encode("latin-1", "replace") + b"\r\n" + reply.body
