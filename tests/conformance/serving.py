"""Serve a WSGI app on 127.0.0.1 on a free port, polled until it answers; no fixed ports, no sleeps."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Hundreds of requests per test: the access log would drown the test output."""


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run `app` in a thread; yields its base URL and stops it on exit."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        wait_until_listening("127.0.0.1", server.server_port)
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=5)


def wait_until_listening(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)  # a poll interval, not a guess at start-up time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
