"""`--fallback mock`: the kit's mock answers in-process when the upstream cannot.

The mock is built through its public factory (`mock_server.app.create_app`) and called as the ASGI
app it is, with the request the proxy already holds; nothing goes over the network.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from contract_core.observed import Headers
from contract_core.spec import Spec
from mock_server.app import create_app
from mock_server.responder import MockOptions


class MockFallback:
    def __init__(self, spec: Spec, cors_origins: tuple[str, ...] = ()) -> None:
        self.app = create_app(spec, MockOptions(cors_origins=cors_origins), local_only=True)

    async def answer(
        self, method: str, path: str, query: str, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        """The mock's status, headers and body for this request (its path as sent, still percent-encoded,
        without any server prefix)."""
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            "client": ("127.0.0.1", 0),
            "server": ("127.0.0.1", 0),
        }
        sent = [False]

        async def receive() -> dict[str, Any]:
            if sent[0]:
                return {"type": "http.disconnect"}
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, answer_headers, chunks = 500, [], []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, answer_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                answer_headers = [
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, answer_headers, b"".join(chunks)
