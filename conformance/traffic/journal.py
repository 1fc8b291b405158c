"""The proxy's violation journal: the last N exchanges that broke the contract, already redacted.

Bounded (WireMock's journal grew without bound until it got `--max-request-journal-entries`):
the oldest entry goes first. Served at `GET /__proxy/violations`, emptied by `DELETE`.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

import orjson

PATH = "/__proxy/violations"


class Journal:
    def __init__(self, capacity: int = 1000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self.total = 0  # every exchange with violations since the start (or the last reset)
        self.capacity = capacity

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.total += 1
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total = 0

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            entries = list(self._entries)
        return entries[-limit:] if limit else entries

    def render(self, limit: int | None = None) -> bytes:
        entries = self.entries(limit)
        return orjson.dumps(
            {
                "total": self.total,
                "kept": len(self._entries),
                "capacity": self.capacity,
                "entries": entries,
            },
            option=orjson.OPT_INDENT_2,
        )
