"""The two start-up choices behind the mock's tail latency at 50 connections (issue 18), guarded
without timing anything: the heap built at start-up is frozen out of the full garbage collections,
and uvicorn runs the standard library's event loop (libuv accepts one connection per loop turn).
Figures: docs/performance.md."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract_core import load_spec
from mock_server import server
from mock_server.heap import freeze_long_lived, is_frozen
from mock_server.reload import SpecWatcher
from mock_server.responder import MockOptions
from mock_server.server import SETTINGS_ENV, Features, ServeSettings, create_service, serve

CRUD = Path(__file__).parent / "specs" / "crud.yaml"


@pytest.fixture
def thawed() -> Iterator[None]:
    """Freezing is process-wide: leave the test process as it was found."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run recorded instead of run, with whether the heap was frozen at that moment."""
    calls: list[dict[str, Any]] = []

    def run(app: Any, **options: Any) -> None:
        calls.append({"app": app, "frozen": gc.get_freeze_count(), **options})

    monkeypatch.setattr(server.uvicorn, "run", run)
    return calls


def test_one_worker_serves_with_its_heap_frozen_on_the_asyncio_loop(
    thawed: None, uvicorn_calls: list[dict[str, Any]]
) -> None:
    serve(ServeSettings(spec=None))
    [call] = uvicorn_calls
    assert call["loop"] == "asyncio"
    # the compiled contract, fixtures and plans: tens of thousands of objects
    assert call["frozen"] > 10_000


def test_each_worker_freezes_the_heap_it_built(
    thawed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = {**MockOptions().__dict__, "cors_origins": [], "tokens": []}
    settings = {"spec": None, "host": "127.0.0.1", "options": options, "features": {}}
    monkeypatch.setenv(SETTINGS_ENV, json.dumps(settings))
    monkeypatch.setattr(server, "configure_logging", lambda: None)  # the test run keeps its logging
    assert gc.get_freeze_count() == 0
    server.app_from_environment()
    assert gc.get_freeze_count() > 10_000


def test_several_workers_run_the_asyncio_loop(
    thawed: None, uvicorn_calls: list[dict[str, Any]]
) -> None:
    serve(ServeSettings(spec=None, workers=2))
    [call] = uvicorn_calls
    assert call["loop"] == "asyncio" and call["workers"] == 2


def test_a_reload_freezes_the_new_version_and_frees_the_old(thawed: None, tmp_path: Path) -> None:
    """A reload thaws, collects the replaced version (frozen objects are never collected), and
    freezes the new one."""
    spec = tmp_path / "pets.yaml"
    spec.write_text(CRUD.read_text())
    service = create_service(load_spec(spec), features=Features())
    watcher = SpecWatcher(service, spec, lambda version: _build(version))
    old = weakref.ref(service.served.app)
    freeze_long_lived()
    spec.write_text(CRUD.read_text().replace("paths:\n", "paths:\n  /owners: {}\n", 1))
    assert watcher.reload()
    gc.collect()
    assert old() is None, "the replaced version is still alive"
    new = service.served.app
    # gc.get_objects() lists what the collector still walks: not the frozen
    assert is_frozen() and not any(tracked is new for tracked in gc.get_objects())


def _build(version: Any) -> Any:
    return create_service(version, features=Features()).served
