"""What a conformance run may do: target, selection, budget and outputs, with the defaults we document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from conformance.engine.auth import AuthSettings
from conformance.engine.headers import parse_header as parse_header  # its home before headers.py
from conformance.engine.known_data import KnownData
from conformance.engine.rate_limits import DEFAULT_MAX_WAIT
from conformance.engine.shards import Shard
from conformance.errors import InvalidOption

# The default budget: small enough to run on every deploy (a few seconds against a healthy
# service), large enough for every phase to reach every operation.
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_MAX_REQUESTS = 1000
DEFAULT_TIMEOUT = 10.0
MIN_OPERATION_SHARE = 25


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` requests in any window of `per_seconds` seconds."""

    requests: int
    per_seconds: float

    def __str__(self) -> str:
        return f"{self.requests}/{_unit(self.per_seconds)}"


@dataclass(frozen=True)
class ConformOptions:
    base_url: str
    spec_path: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_requests: int = DEFAULT_MAX_REQUESTS
    max_requests_per_operation: int | None = None  # None: a fair share (see `operation_share`)
    rate_limit: RateLimit | None = None
    timeout: float = DEFAULT_TIMEOUT
    seed: int | None = None
    insecure: bool = False
    workers: int = 1
    shard: Shard | None = None
    min_coverage: float | None = None  # percent of operations exercised, else the run fails
    # values that exist on the server ([conform.data])
    known_data: KnownData = field(default_factory=KnownData)
    # credentials that renew themselves ([conform.auth]); None: only the static headers
    auth: AuthSettings | None = None
    # send state-changing requests to records the run did not create (a sandbox that may be wiped)
    allow_destructive: bool = False
    # leave what the run created on the server (no clean-up at the end)
    keep_created: bool = False
    # seconds the run may wait in all for the server's rate limits (429, 503 with Retry-After)
    max_wait: float = DEFAULT_MAX_WAIT
    # values never to print (contract.toml's `${NAME}` values): the run's Redactor scrubs them
    secrets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        parsed = urlparse(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InvalidOption(
                "--base-url", self.base_url, "an http:// or https:// URL with a host"
            )
        _positive("--max-examples", self.max_examples)
        _positive("--max-requests", self.max_requests)
        if self.max_requests_per_operation is not None:
            _positive("--max-requests-per-operation", self.max_requests_per_operation)
        _positive("--workers", self.workers)
        if not self.timeout > 0:
            raise InvalidOption(
                "--timeout", str(self.timeout), "a number of seconds greater than 0"
            )
        if not self.max_wait >= 0:
            raise InvalidOption("--max-wait", f"{self.max_wait:g}", "a number of seconds >= 0")
        if self.min_coverage is not None and not 0 <= self.min_coverage <= 100:
            raise InvalidOption(
                "--min-coverage", f"{self.min_coverage:g}", "a percentage from 0 to 100"
            )

    def operation_share(self, operations: int) -> int:
        """Requests one operation may use: as given, else an equal share of the budget (at least 25),
        so that one huge operation (Schemathesis' coverage phase can spend thousands of requests on
        a deeply recursive body) cannot starve the others."""
        if self.max_requests_per_operation is not None:
            return self.max_requests_per_operation
        return max(MIN_OPERATION_SHARE, -(-self.max_requests // max(operations, 1)))


_UNITS = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_rate_limit(text: str) -> RateLimit:
    """`10/s`, `100/m`, `2/0.5s`... into a RateLimit."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*\.?\d*)\s*(s|sec|m|min|h)\s*", text)
    if not match or int(match[1]) < 1:
        raise InvalidOption("--rate-limit", text, "N/s, N/m or N/h with N >= 1 (for example 10/s)")
    multiple = float(match[2]) if match[2] else 1.0
    if multiple <= 0:
        raise InvalidOption("--rate-limit", text, "a positive period")
    return RateLimit(int(match[1]), multiple * _UNITS[match[3]])


def _positive(option: str, value: int) -> None:
    if value < 1:
        raise InvalidOption(option, str(value), "an integer >= 1")


def _unit(seconds: float) -> str:
    for name, size in (("h", 3600.0), ("m", 60.0), ("s", 1.0)):
        if seconds == size:
            return name
    return f"{seconds:g}s"
