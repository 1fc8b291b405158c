"""`contract mock --expectations DIR`: expectations kept in files, loaded at start.

Every `*.json`, `*.yaml` and `*.yml` file of the folder holds one expectation or a list of them,
in the format of `POST /__mock/expectations`. All are checked before any is served; a broken one
is reported as `file:line: reason` (the line of the failing field, found with
`contract_core.lines`) and the mock does not start. Under `--watch` the folder is watched
(`watchfiles`, as the spec is): an edit reloads the whole set, and a broken edit keeps the last
good one. A filed expectation without an `id` gets `FILE#INDEX`, so a reload replaces it.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contract_core.errors import ContractError
from contract_core.lines import LineMap
from contract_core.redact import Redactor
from mock_server.admin import MockService
from mock_server.expectations import InvalidExpectation, compile_expectation
from mock_server.reload import watch_folder

log = logging.getLogger("contract.mock")
SUFFIXES = (".json", ".yaml", ".yml")


@dataclass
class ExpectationFileError(ContractError):
    """A file of `--expectations DIR` that cannot be read or holds a refused expectation."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.reason}"
            if self.line
            else f"{self.path}: {self.reason}"
        )


@dataclass(frozen=True)
class FiledExpectation:
    path: Path
    text: str
    pointer: str  # of the expectation in its file: "" or "/INDEX"
    document: dict[str, Any]


class ExpectationFiles:
    """The expectation files of one folder, and the ids the last good load posted."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._posted: set[str] = set()

    def load_into(self, service: MockService) -> int:
        """Check every file, then replace the last load's expectations; ExpectationFileError otherwise."""
        book = service.served.app.expectations
        filed = self.read()
        for one in filed:
            _check(one, book.responder)
        for stale in self._posted - {one.document["id"] for one in filed}:
            book.remove(stale)
        for one in filed:
            book.post(one.document, keep_unchanged=True)
        self._posted = {one.document["id"] for one in filed}
        return len(filed)

    def read(self) -> list[FiledExpectation]:
        if not self.folder.is_dir():
            raise ExpectationFileError(str(self.folder), None, "not a folder (--expectations DIR)")
        found: list[FiledExpectation] = []
        for path in sorted(p for p in self.folder.iterdir() if p.suffix.lower() in SUFFIXES):
            found.extend(_read_file(path))
        return found

    def watch(self, service: MockService) -> FilesWatcher:
        return FilesWatcher(self, service).start()


def _read_file(path: Path) -> list[FiledExpectation]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExpectationFileError(str(path), None, f"cannot read: {exc}") from None
    parsed = _parsed(path, text)
    many = isinstance(parsed, list)
    found = []
    for index, document in enumerate(parsed if many else [parsed]):
        pointer = f"/{index}" if many else ""
        if not isinstance(document, dict):
            line = LineMap(text).line(pointer)
            raise ExpectationFileError(str(path), line, "an expectation is an object")
        named = document.get("id") or f"{path.name}#{index}"
        found.append(FiledExpectation(path, text, pointer, {**document, "id": named}))
    return found


def _parsed(path: Path, text: str) -> Any:
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ExpectationFileError(str(path), exc.lineno, f"not JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ExpectationFileError(str(path), line, f"not YAML: {problem}") from None


def _check(one: FiledExpectation, responder: Any) -> None:
    try:
        compile_expectation(one.document, responder, one.document["id"])
    except InvalidExpectation as exc:
        first = exc.refusals[0]
        line = LineMap(one.text).line(one.pointer + first.pointer)
        # the reason may quote a value: a secret field's must not reach the log
        contract = responder.contract
        redactor = Redactor(contract.secret_fields, contract.query_credentials)
        redactor.learn_from_json(one.document)
        redactor.add_headers(one.document.get("request", {}).get("headers") or {})
        raise ExpectationFileError(str(one.path), line, redactor.text(str(first))) from None


class FilesWatcher:
    """Reloads the folder's expectations on every change, in a daemon thread (as reload.py does
    for the spec); a broken edit is logged with its line and the last good set keeps serving."""

    def __init__(self, files: ExpectationFiles, service: MockService):
        self.files, self.service = files, service
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="contract-mock-expectations", daemon=True
        )

    def start(self) -> FilesWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        watch_folder(self.files.folder, _is_expectation_file, self._stop, self.reload)

    def reload(self) -> bool:
        try:
            count = self.files.load_into(self.service)
        except ExpectationFileError as exc:
            log.error("expectations reload failed, still serving the last good set: %s", exc)
            return False
        except Exception as exc:  # a bug of ours must not stop the watcher or the server
            log.error("expectations reload failed: %s: %s", type(exc).__name__, exc)
            return False
        log.info("expectations reloaded: %d from %s", count, self.files.folder)
        return True


def _is_expectation_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES
