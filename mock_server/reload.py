"""`contract mock --watch`: serve the spec's new version as soon as its file changes.

`watchfiles` (Rust `notify`: inotify/FSEvents/kqueue, polling as a fallback) watches the file's
folder, so editors that save by writing a new file and renaming it are seen too. Each change is
built off to the side, in the watcher's thread (fixtures made and validated, Connexion's middleware
built by one warm-up request), then swapped in with one assignment: the port and open connections
stay, requests under way finish on the version they started on. A broken edit is logged with its
line, as `contract lint` reports an unreadable spec, and the last good version keeps serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import watchfiles

from contract_core.errors import ContractError, SpecLoadError
from contract_core.lines import LineMap, error_line
from contract_core.spec import Spec, load_spec
from mock_server.admin import MockService, Served
from mock_server.heap import is_frozen, refreeze


def watch_folder(
    folder: Path,
    accept: Callable[[Path], bool],
    stop: threading.Event,
    on_change: Callable[[], Any],
) -> None:
    """Call `on_change` after each settled batch of changes to the files of `folder` (not below it)
    that `accept` admits, until `stop` is set: the spec's watcher and the expectation files'."""
    for _changes in watchfiles.watch(
        folder,
        watch_filter=lambda _change, changed: accept(Path(changed)),
        stop_event=stop,
        recursive=False,
        debounce=400,  # an editor's save is several writes
        step=50,
        raise_interrupt=False,
    ):
        on_change()


log = logging.getLogger("contract.mock")


class SpecWatcher:
    """Reloads `path` into `service` on every change, in a daemon thread."""

    def __init__(self, service: MockService, path: str | Path, build: Callable[[Spec], Served]):
        self.service, self.path, self.build = service, Path(path).resolve(), build
        self._last_digest = _digest(self.path)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="contract-mock-watch", daemon=True)

    def start(self) -> SpecWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        watch_folder(
            self.path.parent,
            lambda changed: changed.resolve() == self.path,
            self._stop,
            self.reload,
        )

    def reload(self) -> bool:
        """Build and swap in the file's current version; False (logged) when it cannot be served."""
        digest = _digest(self.path)
        if digest is None or digest == self._last_digest:
            return False  # deleted mid-save, or saved without a change
        spec = None
        try:
            spec = load_spec(self.path)
            served = self.build(spec)
            _warm(served.app)
        except ContractError as exc:
            log.error(
                "reload failed, still serving the last good spec: %s", located(exc, self.path, spec)
            )
            return False
        except Exception as exc:  # a bug of ours must not stop the watcher or the server
            log.error(
                "reload failed, still serving the last good spec: %s: %s", type(exc).__name__, exc
            )
            return False
        self._last_digest = digest
        previous = self.service.served.prefix
        self.service.swap(served)
        if is_frozen():  # served by `contract mock`: the new version frozen, the old one freed
            refreeze()
        log.info("reloaded: %d operations", len(spec.operations))
        if served.prefix != previous:
            log.info(
                "admin endpoints moved to %s/ (the spec now documents a path under %s)",
                served.prefix,
                previous,
            )
        return True


def located(exc: ContractError, path: Path, spec: Spec | None = None) -> str:
    """`file:line: error [rule] pointer: detail`, the line found as `contract lint` finds it."""
    if isinstance(exc, SpecLoadError):  # what the linter reports as `spec-unreadable`
        where = f"{exc.path}:{exc.line}" if exc.line else exc.path
        return f"{where}: error [spec-unreadable] #: {exc.detail}"
    line = error_line(exc, spec, LineMap(spec.text if spec else path.read_text(encoding="utf-8")))
    return f"{path}:{line}: error: {exc}" if line else f"{path}: error: {exc}"


def _warm(app: Any) -> None:
    """One request through the new app so it builds its middleware here, not on a user's request."""
    inner = getattr(app, "app", app)  # past the access log: a warm-up is not a request to log

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        return None

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/__contract_mock_warm_up",
        "raw_path": b"/__contract_mock_warm_up",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    asyncio.run(inner(scope, receive, send))


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
