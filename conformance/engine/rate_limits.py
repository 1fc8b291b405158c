"""Rate limits honoured: a 429 (or a 503 that says when to come back) is waited out and resent.

A staging server that allows 10 requests per second answers the 11th with `429` and
`Retry-After: 1`. That answer says nothing about the contract, so the request is sent again after
the wait and Schemathesis and the kit's checks see only the final answer. Each wait is bounded by
`--timeout` and all of them together by `--max-wait`; once that is spent, the 429 is the answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: `requests` costs 50 ms of `contract --help`, whose conform options read this module
    import requests

DEFAULT_MAX_WAIT = 60.0
# Without Retry-After: 0.5, 1, 2, 4, 4... seconds (exponential, capped).
FIRST_BACKOFF = 0.5
LAST_BACKOFF = 4.0
# A server answering `Retry-After: 0` forever must not hold one request forever.
MAX_RESENDS = 8


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """RFC 9110 section 10.2.3: delta-seconds or an HTTP-date; None when absent or unreadable."""
    text = (value or "").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT; obsolete forms may parse without a zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def planned_wait(status: int, retry_after: float | None, attempt: int) -> float | None:
    """How long to wait before resend number `attempt + 1`, before the bounds; None: do not resend.

    A 503 is resent only when it says when (Retry-After): without it, it is the server's answer and
    the checks judge it. A 429 without Retry-After backs off exponentially."""
    if attempt >= MAX_RESENDS or status not in (429, 503):
        return None
    if retry_after is not None:
        return retry_after
    if status == 503:
        return None
    return min(FIRST_BACKOFF * 2**attempt, LAST_BACKOFF)


@dataclass
class Patience:
    """Waits out rate limits within `timeout` per wait and `max_wait` in all; counts what it waited."""

    timeout: float
    max_wait: float = DEFAULT_MAX_WAIT
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    waits: int = 0
    waited: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait_to_resend(self, response: requests.Response, attempt: int) -> bool:
        """Wait if `response` asks for it and the cap allows; True when the request should be resent."""
        header = response.headers.get("Retry-After")
        planned = planned_wait(
            response.status_code, retry_after_seconds(header, self.now()), attempt
        )
        if planned is None:
            return False
        seconds = self._reserve(min(planned, self.timeout))
        if seconds is None:
            return False
        self.sleep(seconds)
        return True

    def _reserve(self, seconds: float) -> float | None:
        """Take `seconds` from the run's cap (under the lock: workers share it), or None once spent."""
        with self._lock:
            if self.waited + seconds > self.max_wait:
                return None
            self.waits += 1
            self.waited += seconds
        return seconds
