"""The request journal: the last 1,000 exchanges the mock answered, redacted when read.

Recording must cost next to nothing (the mock answers ~1,000 requests/s on one core), so an
`JournalEntry` keeps the raw request as it came (method, path, query, headers, the body's first bytes)
and the answer's status; redaction and JSON happen when someone reads the journal. A body too large
to keep whole is redacted at once and only its preview kept, so memory stays bounded and no secret
field survives in a preview that could no longer be parsed.

With several worker processes the journal lives in a SQLite file they share (`shared.py`); entries
are then redacted before they are written, so no secret ever reaches the disk.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from contract_core.asgi import Scope
from contract_core.contract import Contract
from contract_core.media import is_form
from contract_core.redact import Redactor
from contract_core.spec import Spec

JOURNAL_SIZE = 1000
PREVIEW_CHARS = 2048  # of the request body, after redaction
KEEP_RAW_BYTES = 16 * 1024  # bodies up to this size are kept raw and redacted when read


@dataclass(slots=True)
class JournalEntry:
    """One request and the mock's answer, as recorded (raw: redact with `JournalView.entry`)."""

    started: float  # wall-clock seconds
    method: str
    path: str
    query: str
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    body_bytes: int = 0
    # set when the body was too large to keep raw (already redacted)
    body_preview: str | None = None
    status: int = 0
    duration_ms: float = 0.0
    problem: str | None = None
    errors: tuple[dict[str, str], ...] = ()
    expectation: str | None = None  # the id of the expectation that answered
    _headers: dict[str, str] | None = None

    def text_headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = _text_headers(self.headers)
        return self._headers


current_exchange: contextvars.ContextVar[JournalEntry | None] = contextvars.ContextVar(
    "contract_mock_exchange", default=None
)


def note_problem(detail: str, errors: list[dict[str, str]]) -> None:
    """Record why the mock refused the request being answered (called where problems are rendered)."""
    exchange = current_exchange.get()
    if exchange is not None:
        exchange.problem, exchange.errors = detail, tuple(errors)


def note_expectation(expectation_id: str) -> None:
    """Record which expectation answered the request being answered."""
    exchange = current_exchange.get()
    if exchange is not None:
        exchange.expectation = expectation_id


class JournalStore(Protocol):
    def record(self, exchange: JournalEntry, view: JournalView) -> None: ...

    def entries(self, view: JournalView) -> list[dict[str, Any]]: ...

    def clear(self) -> None: ...


class JournalView:
    """Turns raw exchanges into redacted JSON entries, for one spec (secret fields, credentials)."""

    def __init__(self, spec: Spec):
        self.spec = spec
        contract = Contract.of(spec)
        self.routes = contract.matcher
        self.secret_fields = contract.secret_fields
        self.query_credentials = contract.query_credentials

    def redactor(self, exchanges: list[JournalEntry]) -> Redactor:
        """A redactor that knows every credential these exchanges carried, to scrub them anywhere."""
        redactor = Redactor(self.secret_fields, self.query_credentials)
        for exchange in exchanges:
            redactor.learn_exchange(exchange.text_headers(), exchange.query, [exchange.body])
        return redactor

    def entry(self, exchange: JournalEntry, redactor: Redactor) -> dict[str, Any]:
        headers = exchange.text_headers()
        operation = self.routes.operation_id(exchange.method, exchange.path)
        preview = exchange.body_preview  # a large body's preview is redacted and cut already
        if preview is None:
            preview = _truncated(
                self.body_text(exchange.body, headers.get("content-type"), redactor)
            )
        return {
            "time": datetime.fromtimestamp(exchange.started, UTC).isoformat(
                timespec="milliseconds"
            ),
            "method": exchange.method,
            "path": redactor.text(exchange.path),
            "query": redactor.pairs(exchange.query, self.query_credentials),
            "operation": operation,
            "status": exchange.status,
            "expectation": exchange.expectation,
            "duration_ms": round(exchange.duration_ms, 2),
            "request": {
                "headers": redactor.headers(headers),
                "body": preview,
                "body_bytes": exchange.body_bytes,
            },
            "problem": redactor.text(exchange.problem) if exchange.problem else None,
            "errors": [
                {k: redactor.text(v) for k, v in error.items()} for error in exchange.errors
            ],
        }

    def body_text(self, body: bytes, content_type: str | None, redactor: Redactor) -> str | None:
        if not body:
            return None
        text = body.decode("utf-8", "replace")
        if not redactor.may_hold_secrets(text):
            return text  # most bodies: no secret field, no credential value; spared a parse
        if is_form(content_type):
            return redactor.pairs(text, self.secret_fields)
        return redactor.body(body)


class MemoryJournal:
    """The journal of one process: a ring of raw exchanges."""

    def __init__(self, size: int = JOURNAL_SIZE):
        self._ring: deque[JournalEntry] = deque(maxlen=size)
        self._lock = threading.Lock()  # reads may come from a test's thread while the server writes

    def record(self, exchange: JournalEntry, view: JournalView) -> None:
        # deque.append is atomic; the lock guards only the readers' copy
        self._ring.append(exchange)

    def entries(self, view: JournalView) -> list[dict[str, Any]]:
        with self._lock:
            exchanges = list(self._ring)
        redactor = view.redactor(exchanges)
        return [view.entry(exchange, redactor) for exchange in exchanges]

    def clear(self) -> None:
        with self._lock:
            self._ring.clear()


def start_exchange(scope: Scope) -> JournalEntry:
    # The scope's own header list, not a copy: nothing changes it once the request has arrived.
    return JournalEntry(
        time.time(),
        scope["method"],
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        scope.get("headers", []),
    )


def finish_body(exchange: JournalEntry, chunks: list[bytes], view: JournalView) -> None:
    """Keep a small body raw; redact a large one now and keep only its preview."""
    body = b"".join(chunks)
    if len(body) <= KEEP_RAW_BYTES:
        exchange.body = body
        return
    redactor = view.redactor([exchange])
    content_type = exchange.text_headers().get("content-type")
    exchange.body_preview = _truncated(view.body_text(body, content_type, redactor)) or ""


def _truncated(text: str | None) -> str | None:
    if text is None or len(text) <= PREVIEW_CHARS:
        return text
    return text[:PREVIEW_CHARS] + f"… [{len(text) - PREVIEW_CHARS} more characters]"


def _text_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found
