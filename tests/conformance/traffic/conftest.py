from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn

from conformance.traffic.proxy import ContractProxy, ProxySettings, create_proxy_app
from tests.conformance.implementations import DEFAULT_CREDENTIAL, PATH

AUTH = {"Authorization": f"Bearer {DEFAULT_CREDENTIAL}"}
SENT = {"account": {"id": "acc_requested"}, "modules": [{"id": "mod_orders"}], "name": "CI token"}


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextlib.contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Run an ASGI app on 127.0.0.1 on a free port in a thread, polled until it listens. uvicorn adds no
    `server`/`date` of its own, as `contract proxy` runs it: the upstream's pass through alone."""
    server = _ThreadedServer(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            access_log=False,
            log_level="warning",
            # as the CLI
            lifespan="on",
            server_header=False,
            date_header=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def running_proxy(spec: Any, upstream: str, **settings: Any) -> Iterator[tuple[str, ContractProxy]]:
    app = create_proxy_app(spec, ProxySettings(upstream=upstream, **settings))
    proxy = getattr(app, "proxy", app)
    with serve_asgi(app) as base_url:
        yield base_url, proxy


def create(
    base_url: str, body: Any = None, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.Response:
    return httpx.post(
        base_url + PATH,
        json=SENT if body is None else body,
        headers={**AUTH, **(headers or {})},
        timeout=10,
        **kwargs,
    )
