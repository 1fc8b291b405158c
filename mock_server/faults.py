"""Faults on the wire, and the mock's answer delays.

ASGI has no way to say "reset this connection": an app that raises makes uvicorn answer 500, one
that returns early makes it answer 500 or close cleanly. So the mock's HTTP protocol
(`http_errors.MockHttpProtocol`) puts the connection's asyncio transport into the request scope's
extensions, and a fault works on it directly:

    connection-reset  SO_LINGER 0, then abort: the kernel sends RST (the client sees ECONNRESET)
    empty-response    close: FIN with no byte sent (the client sees the server disconnect)
    timeout           no answer until the client gives up (or `delay_ms`, at most
                      `TIMEOUT_HOLD_SECONDS`), then close as for empty-response
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import struct
from typing import Any

from contract_core.asgi import Receive, Scope

log = logging.getLogger("contract.mock")
TRANSPORT_EXTENSION = "contract.transport"
TIMEOUT_HOLD_SECONDS = 300.0


async def perform_fault(fault: str, scope: Scope, receive: Receive, delay_ms: float | None) -> None:
    """Break the connection of the request in `scope` as `fault` says (after `delay_ms`; for a
    timeout, `delay_ms` is how long it holds); no answer is sent."""
    transport = (scope.get("extensions") or {}).get(TRANSPORT_EXTENSION)
    if transport is None:  # served by another server (in-process fallback): no wire to break
        raise ConnectionAbortedError(f"fault {fault}: no connection to break here")
    if fault == "timeout":
        hold = TIMEOUT_HOLD_SECONDS if delay_ms is None else delay_ms / 1000
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_disconnected(receive), min(hold, TIMEOUT_HOLD_SECONDS))
    elif delay_ms:
        await asyncio.sleep(delay_ms / 1000)
    if fault == "connection-reset":
        _reset(transport)
    else:
        transport.close()
    # uvicorn learns of the closed connection on the next loop turn; returning before it would
    # make it try (and log) a 500 on the dead connection
    await _disconnected(receive)


def _reset(transport: Any) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _disconnected(receive: Receive) -> None:
    """Wait for the client to go (the request body was read already: only a disconnect is left)."""
    while (await receive())["type"] != "http.disconnect":
        pass


class Delays:
    """`--delay MS` or `--delay MIN-MAX`: per answer, a uniform draw; the same sequence per `seed`."""

    def __init__(self, low_ms: int, high_ms: int, seed: int):
        self.low, self.high = low_ms, max(low_ms, high_ms)
        self._random = random.Random(seed)

    def __bool__(self) -> bool:
        return self.high > 0

    def draw_seconds(self) -> float:
        if self.high == self.low:
            return self.low / 1000
        return self._random.randint(self.low, self.high) / 1000
