"""ASGI vocabulary and the one reader of a request body, for the mock and the proxy.

Both read an `http.request` body up to a limit and then mean different things by passing it: the
mock refuses with 413, the proxy streams the rest on to the upstream unread. The reading is the
same, so it lives here once; what passing the limit means stays with each caller.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

# Starlette's own shapes (starlette.types), so that its middleware (CORS) takes our apps.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class RequestBody:
    """A request body read up to a limit: `held` is what was read; `rest`, when the body did not end
    there, yields the bytes not read yet, as they arrive (it can be consumed once)."""

    held: bytes
    over_limit: bool  # more than the limit arrived (the last message read may have carried it past)
    rest: AsyncIterator[bytes] | None = None

    @property
    def complete(self) -> bool:
        """Whether `held` is the whole body (it ended, or the client went away, within the reading)."""
        return self.rest is None

    async def chunks(self) -> AsyncIterator[bytes]:
        """The whole body as it arrives: the held bytes first, then the rest."""
        yield self.held
        if self.rest is not None:
            async for chunk in self.rest:
                yield chunk


async def read_request_body(receive: Receive, limit: int) -> RequestBody:
    """Read `http.request` messages until the body ends or more than `limit` bytes have arrived.

    Reading stops at the first message that carries the total past `limit`, so a client cannot make
    the reader hold more than `limit` plus one message, however large the body it sends.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body"):
            break
        if size > limit:
            return RequestBody(b"".join(chunks), True, _remaining(receive))
    return RequestBody(b"".join(chunks), size > limit)


async def _remaining(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        yield message.get("body", b"")
        if not message.get("more_body"):
            return
