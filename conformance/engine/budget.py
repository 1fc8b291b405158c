"""The request budget: every HTTP request of a run passes one gate that counts, paces and refuses.

Schemathesis sends requests from many places (probes, every phase, checks that re-send a case
without credentials or with another method). The one place all of them pass is the `requests`
transport adapter, so the gate sits there for the duration of a run: a count kept anywhere else
would miss some, and `--max-requests` would not be exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from hypothesis.errors import UnsatisfiedAssumption
from requests.adapters import HTTPAdapter

from conformance.engine.credentials import Credential, CredentialError
from conformance.engine.delivery import deliver
from conformance.engine.options import RateLimit
from conformance.engine.rate_limits import Patience

_INSTALL_LOCK = threading.Lock()


class BudgetExhausted(requests.exceptions.RequestException):
    """Raised instead of sending a request once `--max-requests` requests have been sent."""


class CredentialLost(requests.exceptions.RequestException):
    """Raised instead of sending once the credential could not be renewed; the run stops."""


class Withheld(requests.exceptions.RequestException, UnsatisfiedAssumption):
    """Raised instead of sending a request that could change a record the run did not create.

    Neither a finding nor a crash: as an UnsatisfiedAssumption it makes Hypothesis drop the case (and
    Schemathesis' stateful phase the step) and go on; the runner does not report it as an error.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Guard(Protocol):
    """What may be sent (`conformance.engine.ownership.Ownership`): asked before, told after each request."""

    def refusal(self, method: str, url: str) -> str | None: ...

    def learn(self, method: str, url: str, status: int, headers: Any, body: bytes) -> None: ...


@dataclass
class RequestGate:
    """Counts requests to one origin, spaces them for the rate limit and refuses past the budget."""

    origin: str
    max_requests: int
    rate_limit: RateLimit | None = None
    on_exhausted: Callable[[], None] | None = None
    per_operation: int | None = None  # requests one operation may use
    operation_of: Callable[[str, str], str | None] | None = None  # (method, URL path) -> operation
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    credential: Credential | None = None  # [conform.auth]: set on every request, renewed
    patience: Patience | None = None  # rate limits waited out (429, 503 with Retry-After)
    failure: CredentialError | None = None  # why the run had to stop; the runner raises it
    guard: Guard | None = None
    sent: int = 0
    refused: int = 0
    created: int = 0
    withheld: int = 0
    # the clean-up's requests: past the budget (a spent budget must not leave records behind), counted apart
    cleaning: bool = False
    cleanup_sent: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    _next_slot: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def exhausted(self) -> bool:
        return self.sent >= self.max_requests

    def covers(self, url: str) -> bool:
        return _origin(url) == self.origin

    def admit(self, method: str = "", url: str = "") -> None:
        """Wait for the next rate-limit slot and count the request; raise once the budget is spent.

        Requests are spaced evenly (`period / N` apart) rather than sent in bursts: that bounds any
        window of one period to N requests and is kinder to the target than N at once.
        """
        if self.cleaning:
            self._admit_cleanup()
            return
        with self._lock:
            if self.sent >= self.max_requests:
                self.refused += 1
                raise BudgetExhausted(f"request budget of {self.max_requests} spent")
            operation = self._operation(method, url)
            if operation is not None and self.by_operation.get(operation, 0) >= (
                self.per_operation or 0
            ):
                self.refused += 1
                raise BudgetExhausted(
                    f"{operation}: its share of {self.per_operation} requests is spent"
                )
            self._wait_for_slot()
            self.sent += 1
            if operation is not None:
                self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            spent = self.sent >= self.max_requests
        if spent and self.on_exhausted is not None:
            self.on_exhausted()

    def _wait_for_slot(self) -> None:
        if self.rate_limit is not None:
            now = self.clock()
            if self._next_slot > now:
                self.sleep(self._next_slot - now)
                now = self.clock()
            self._next_slot = (
                max(now, self._next_slot) + self.rate_limit.per_seconds / self.rate_limit.requests
            )

    def _admit_cleanup(self) -> None:
        with self._lock:
            self._wait_for_slot()
            self.cleanup_sent += 1

    def screen(self, request: requests.PreparedRequest) -> None:
        """Raise Withheld for a request the guard refuses; it is neither sent nor counted as sent."""
        reason = self.guard.refusal(request.method or "", request.url or "") if self.guard else None
        if reason is not None:
            with self._lock:
                self.withheld += 1
            raise Withheld(reason)

    def observe(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        if self.guard is not None:
            self.guard.learn(
                request.method or "",
                request.url or "",
                response.status_code,
                response.headers,
                response.content,
            )

    def _operation(self, method: str, url: str) -> str | None:
        if self.per_operation is None or self.operation_of is None or not url:
            return None
        return self.operation_of(method, urlsplit(url).path)

    def record(self, method: str | None, status_code: int) -> None:
        """Count a created resource: a 201, or any 2xx answer to a POST."""
        if status_code == 201 or (200 <= status_code < 300 and (method or "").upper() == "POST"):
            with self._lock:
                self.created += 1

    def deliver(
        self,
        send: Callable[[requests.PreparedRequest], requests.Response],
        request: requests.PreparedRequest,
    ) -> requests.Response:
        """Send one admitted request (its resends are not counted again); a credential that cannot be
        renewed stops the run."""
        if self.failure is not None:
            raise CredentialLost(str(self.failure))
        try:
            return deliver(send, request, self.credential, self.patience)
        except CredentialError as exc:
            self.failure = exc
            if self.on_exhausted is not None:
                self.on_exhausted()  # stops the run as a spent budget does
            raise CredentialLost(str(exc)) from exc

    @contextmanager
    def installed(self) -> Iterator[RequestGate]:
        """Route every `requests` call to this gate's origin through it while the block runs."""
        if not _INSTALL_LOCK.acquire(blocking=False):
            raise RuntimeError(
                "one conformance run at a time per process: the request gate is already installed"
            )
        original = HTTPAdapter.send
        gate = self

        # Named `self` like the method it stands in for, so that it takes the same keyword arguments.
        def send(
            self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
        ) -> requests.Response:
            if not gate.covers(request.url or ""):
                return original(self, request, *args, **kwargs)
            gate.screen(request)
            gate.admit(request.method or "", request.url or "")
            response = gate.deliver(lambda sent: original(self, sent, *args, **kwargs), request)
            gate.record(request.method, response.status_code)
            gate.observe(request, response)
            return response

        HTTPAdapter.send = send  # type: ignore[method-assign]  # scoped patch, restored below
        try:
            yield self
        finally:
            HTTPAdapter.send = original  # type: ignore[method-assign]
            _INSTALL_LOCK.release()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def origin_of(base_url: str) -> str:
    return _origin(base_url)
