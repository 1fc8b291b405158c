"""Running the mock: a uvicorn server (one or more workers), and an in-process context manager
for tests (`running_mock`), both on the same `create_service` (admin endpoints, journal, state,
`--watch` around `create_app`)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from contract_core import Spec, load_spec
from mock_server.admin import MockService, Served, admin_prefix
from mock_server.admin_client import MockURL
from mock_server.app import create_app
from mock_server.expectation_files import ExpectationFiles
from mock_server.heap import freeze_long_lived
from mock_server.journal import JournalStore, JournalView, MemoryJournal
from mock_server.redis_store import RedisConnection, RedisJournal, RedisState
from mock_server.reload import SpecWatcher
from mock_server.replay import replay_into
from mock_server.responder import MockOptions
from mock_server.sqlite_store import SharedDatabase, SqliteJournal, SqliteState
from mock_server.state import MemoryState, StateStore, unbounded

SETTINGS_ENV = "CONTRACT_MOCK_SETTINGS"
# uvicorn's own 400s in the mock's error format
HTTP_PROTOCOL = "mock_server.http_errors:MockHttpProtocol"
# The standard library's event loop, not uvloop (uvicorn's pick when installed). libuv accepts one
# connection per turn of the loop (libuv PR #3696), so under load a burst of new connections (a
# test suite's workers, a browser's six, wrk's 50) queued one loop turn each: the 50th waited
# ~1 s at 50 connections, which set the p99 of issue 18. asyncio accepts up to the listen backlog
# at once (all 51 within 0-35 ms, measured), for the same CPU per answer (docs/performance.md).
EVENT_LOOP = "asyncio"


@dataclass(frozen=True)
class Features:
    """What wraps the mock: the journal (on unless --no-journal), --stateful, --watch."""

    journal: bool = True
    stateful: bool = False
    watch: bool = False
    shared_db: str | None = None  # the SQLite file workers share the journal and state through
    expectations: str | None = None  # --expectations DIR: loaded at start (reloaded under --watch)
    replay: tuple[str, ...] = ()  # --replay FILE.har: each entry an expectation (replay.py)
    store: str | None = (
        None  # --store redis://...: journal, state and expectations in Redis, shared by every replica
    )


@dataclass(frozen=True)
class ServeSettings:
    spec: str | None
    host: str = "127.0.0.1"
    port: int = 4010
    workers: int = 1
    options: MockOptions = field(default_factory=MockOptions)
    features: Features = field(default_factory=Features)


def create_service(
    spec: Spec,
    options: MockOptions | None = None,
    local_only: bool = True,
    features: Features | None = None,
) -> MockService:
    """The whole mock as one ASGI app; with `features.watch`, its spec file is watched and reloaded."""
    options, features = options or MockOptions(), features or Features()
    journal, state, expected = _stores(features)

    def build(version: Spec) -> Served:
        app = create_app(
            version, options, local_only=local_only, state=state, expectation_store=expected
        )
        return Served(version, app, JournalView(version), admin_prefix(version))

    service = MockService(build(spec), journal, state, capture_limit=options.max_body_bytes)
    if features.expectations is not None:
        files = ExpectationFiles(features.expectations)
        files.load_into(service)  # ExpectationFileError: the mock does not start
        if features.watch:
            service.expectation_watcher = files.watch(service)
    book = service.served.app.expectations
    # TrafficFileError for a file that is no HAR: the mock does not start
    service.replayed = [replay_into(book, path) for path in features.replay]
    if features.watch and Path(spec.source).is_file():
        service.watcher = SpecWatcher(service, spec.source, build).start()
    return service


def _stores(features: Features) -> tuple[JournalStore | None, StateStore | None, StateStore]:
    """The journal, the resources (--stateful) and the expectations: each in a store of its own, so
    that the resources' eviction never reaches an expectation."""
    if features.store:
        connection = RedisConnection(features.store)
        return (
            RedisJournal(connection) if features.journal else None,
            RedisState(connection) if features.stateful else None,
            RedisState(connection, limit=sys.maxsize, area="expectations:"),
        )
    if features.shared_db:
        database = SharedDatabase(features.shared_db)
        expectations = SharedDatabase(features.shared_db + ".expectations")
        expectations.initialise()  # each worker: CREATE ... IF NOT EXISTS
        return (
            SqliteJournal(database) if features.journal else None,
            SqliteState(database) if features.stateful else None,
            SqliteState(expectations, limit=sys.maxsize),
        )
    return (
        MemoryJournal() if features.journal else None,
        MemoryState() if features.stateful else None,
        MemoryState(*unbounded()),
    )


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
    options = MockOptions(
        **{
            **raw["options"],
            "cors_origins": tuple(raw["options"]["cors_origins"]),
            "tokens": tuple(raw["options"]["tokens"]),
        }
    )
    configure_logging()
    service = create_service(
        load_spec(raw["spec"]),
        options,
        local_only=is_loopback(raw["host"]),
        features=Features(**raw["features"]),
    )
    freeze_long_lived()  # each worker built its own: out of the full collections (heap.py)
    return service


def serve(settings: ServeSettings, app: Any | None = None) -> None:
    """Serve until Ctrl-C. `app` is the already-built app for a single worker."""
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "access_log": False,
        "http": HTTP_PROTOCOL,
        "loop": EVENT_LOOP,
        "log_level": "warning",
        "timeout_graceful_shutdown": 3,
    }
    if settings.workers > 1:
        # with --store the workers share Redis; otherwise a SQLite file of their own
        with nullcontext(None) if settings.features.store else shared_database() as database:
            features = {**asdict(settings.features), "shared_db": database}
            os.environ[SETTINGS_ENV] = json.dumps(
                {
                    "spec": settings.spec,
                    "host": settings.host,
                    "options": asdict(settings.options),
                    "features": features,
                }
            )
            uvicorn.run(
                "mock_server.server:app_from_environment",
                factory=True,
                workers=settings.workers,
                **common,
            )
    else:
        app = app or create_service(
            load_spec(settings.spec),
            settings.options,
            local_only=is_loopback(settings.host),
            features=settings.features,
        )
        freeze_long_lived()  # the built app out of the full collections: the p99 (heap.py)
        uvicorn.run(app, **common)


@contextlib.contextmanager
def shared_database() -> Iterator[str]:
    """A SQLite file for the workers to share, in a private temporary folder removed afterwards."""
    folder = tempfile.mkdtemp(prefix="contract-mock-")
    try:
        path = os.path.join(folder, "shared.sqlite3")
        SharedDatabase(path).initialise()
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextlib.contextmanager
def running_mock(
    spec: Spec | str | Path | None = None,
    options: MockOptions | None = None,
    host: str = "127.0.0.1",
    features: Features | None = None,
) -> Iterator[MockURL]:
    """Run the mock on an ephemeral port in a background thread; yields its base URL.

    with running_mock() as base_url:
        httpx.post(f"{base_url}/v1/accounts/api-tokens", ...)
    """
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    app = create_service(
        loaded, options or MockOptions(), local_only=is_loopback(host), features=features
    )
    server = _ThreadedServer(
        uvicorn.Config(
            app,
            host=host,
            port=0,
            access_log=False,
            log_level="warning",
            lifespan="off",
            http=HTTP_PROTOCOL,
            loop=EVENT_LOOP,
        )
    )
    thread = threading.Thread(target=server.run, name="contract-mock", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the mock server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield MockURL(f"http://{host}:{port}", app.served.prefix)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if app.watcher is not None:
            app.watcher.stop()
        if app.expectation_watcher is not None:
            app.expectation_watcher.stop()
