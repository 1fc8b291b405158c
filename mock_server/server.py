"""Running the mock: a uvicorn server (one or more workers), and an in-process context manager
for tests (`running_mock`), both on the same `create_app`."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from contract_core import Spec, load_spec
from mock_server.app import create_app
from mock_server.responder import MockOptions

SETTINGS_ENV = "CONTRACT_MOCK_SETTINGS"
HTTP_PROTOCOL = "mock_server.http_errors:MockHttpProtocol"  # uvicorn's own 400s in the mock's error format


@dataclass(frozen=True)
class ServeSettings:
    spec: str | None
    host: str = "127.0.0.1"
    port: int = 4010
    workers: int = 1
    options: MockOptions = field(default_factory=MockOptions)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("contract.mock")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def app_from_environment() -> Any:
    """uvicorn's factory for worker processes: settings travel in an environment variable."""
    raw = json.loads(os.environ[SETTINGS_ENV])
    options = MockOptions(**{**raw["options"], "cors_origins": tuple(raw["options"]["cors_origins"]),
                             "tokens": tuple(raw["options"]["tokens"])})
    configure_logging()
    return create_app(load_spec(raw["spec"]), options, local_only=is_loopback(raw["host"]))


def serve(settings: ServeSettings, app: Any | None = None) -> None:
    """Serve until Ctrl-C. `app` is the already-built app for a single worker."""
    common: dict[str, Any] = {"host": settings.host, "port": settings.port, "access_log": False, "http": HTTP_PROTOCOL,
                              "log_level": "warning", "timeout_graceful_shutdown": 3}
    if settings.workers > 1:
        os.environ[SETTINGS_ENV] = json.dumps({"spec": settings.spec, "host": settings.host,
                                               "options": asdict(settings.options)})
        uvicorn.run("mock_server.server:app_from_environment", factory=True, workers=settings.workers, **common)
    else:
        uvicorn.run(app or create_app(load_spec(settings.spec), settings.options,
                                      local_only=is_loopback(settings.host)), **common)


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextlib.contextmanager
def running_mock(spec: Spec | str | Path | None = None, options: MockOptions | None = None,
                 host: str = "127.0.0.1") -> Iterator[str]:
    """Run the mock on an ephemeral port in a background thread; yields its base URL.

        with running_mock() as base_url:
            httpx.post(f"{base_url}/v1/accounts/api-tokens", ...)
    """
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    app = create_app(loaded, options or MockOptions(), local_only=is_loopback(host))
    server = _ThreadedServer(uvicorn.Config(app, host=host, port=0, access_log=False, log_level="warning",
                                            lifespan="off", http=HTTP_PROTOCOL))
    thread = threading.Thread(target=server.run, name="contract-mock", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
