from __future__ import annotations

import asyncio

from contract_core.asgi import Message, Receive, RequestBody, read_request_body


def _receiving(*chunks: bytes, disconnect: bool = False) -> Receive:
    """An ASGI `receive` that hands out `chunks` as one body, then (optionally) the client leaving."""
    messages: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    if disconnect:
        messages[-1]["more_body"] = True
        messages.append({"type": "http.disconnect"})

    async def receive() -> Message:
        return messages.pop(0)

    return receive


def _read(receive: Receive, limit: int) -> RequestBody:
    return asyncio.run(read_request_body(receive, limit))


def _all(body: RequestBody) -> bytes:
    async def drain() -> bytes:
        return b"".join([chunk async for chunk in body.chunks()])

    return asyncio.run(drain())


def test_a_body_within_the_limit_is_held_whole() -> None:
    body = _read(_receiving(b"ab", b"cd"), limit=10)
    assert (body.held, body.over_limit, body.complete) == (b"abcd", False, True)


def test_reading_stops_at_the_message_that_passes_the_limit_and_the_rest_streams() -> None:
    body = _read(_receiving(b"ab", b"cd", b"ef", b"gh"), limit=3)
    assert (body.held, body.over_limit, body.complete) == (b"abcd", True, False)
    assert _all(body) == b"abcdefgh"


def test_a_last_message_that_passes_the_limit_leaves_the_body_whole_but_over() -> None:
    body = _read(_receiving(b"ab", b"cdef"), limit=3)
    assert (body.held, body.over_limit, body.complete) == (b"abcdef", True, True)


def test_a_client_that_leaves_ends_the_body() -> None:
    body = _read(_receiving(b"ab", disconnect=True), limit=10)
    assert (body.held, body.over_limit, body.complete) == (b"ab", False, True)


def test_the_rest_ends_when_the_client_leaves() -> None:
    body = _read(_receiving(b"abcd", b"ef", disconnect=True), limit=3)
    assert _all(body) == b"abcdef"
