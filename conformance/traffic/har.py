"""HAR 1.2 written (http://www.softwareishard.com/blog/har-12-spec/): the proxy's `--record`.

Written redacted, entry by entry, and kept a complete, valid file after every entry (the closing
brackets are rewritten each time), so a proxy stopped with Ctrl-C or killed leaves a readable record.
Read by `contract_core.har` (one reader: verify's input, the mock's `--replay`).
"""

from __future__ import annotations

import http.client
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson

from contract_core.observed import Observed
from contract_core.redact import REDACTED, Redactor, is_credential_header

CREATOR = {"name": "contract proxy", "version": "1"}
_TAIL = b"\n]}}\n"


def entry(observed: Observed, redactor: Redactor) -> dict[str, Any]:
    """One redacted HAR entry."""
    request: dict[str, Any] = {
        "method": observed.method,
        "url": redactor.text(observed.url),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(observed.request_headers, redactor),
        "queryString": [
            {"name": k, "value": REDACTED if _secret_name(k, redactor) else redactor.text(v)}
            for k, v in parse_qsl(observed.query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": len(observed.request_body or b""),
    }
    if observed.request_body:
        request["postData"] = {
            "mimeType": observed.request_header("content-type") or "",
            "text": redactor.body(observed.request_body) or "",
        }
    found: dict[str, Any] = {
        "startedDateTime": datetime.fromtimestamp(observed.started or 0, UTC)
        .isoformat()
        .replace("+00:00", "Z"),
        "time": round(observed.duration_ms, 3),
        "request": request,
        "response": _response(observed, redactor),
        "cache": {},
        "timings": {"send": 0, "wait": round(observed.duration_ms, 3), "receive": 0},
        "_servedBy": observed.served_by,
    }
    if observed.comment:
        found["comment"] = observed.comment
    return found


def _response(observed: Observed, redactor: Redactor) -> dict[str, Any]:
    media = observed.response_header("content-type") or ""
    content: dict[str, Any] = {"size": len(observed.response_body or b""), "mimeType": media}
    if observed.response_body is not None:
        content["text"] = redactor.body(observed.response_body) or ""
    return {
        "status": observed.status,
        "statusText": http.client.responses.get(observed.status, ""),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(observed.response_headers, redactor),
        "content": content,
        "redirectURL": observed.response_header("location") or "",
        "headersSize": -1,
        "bodySize": -1 if observed.response_body is None else len(observed.response_body),
    }


def _headers(headers: list[tuple[str, str]], redactor: Redactor) -> list[dict[str, str]]:
    """Pairs, not a mapping: a HAR keeps repeated headers (`set-cookie`) apart."""
    return [
        {"name": k, "value": REDACTED if is_credential_header(k) else redactor.text(v)}
        for k, v in headers
    ]


def _secret_name(name: str, redactor: Redactor) -> bool:
    return is_credential_header(name) or redactor.is_secret_field(name)


class HarWriter:
    """Appends entries to a HAR file that stays complete after each one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("wb")
        head = orjson.dumps({"version": "1.2", "creator": CREATOR, "pages": []})[:-1]
        self._file.write(b'{"log": ' + head + b', "entries": [')
        self._count = 0
        self._end = self._file.tell()
        self._write_tail()

    def add(self, found: dict[str, Any]) -> None:
        with self._lock:
            self._file.seek(self._end)
            self._file.write((b",\n" if self._count else b"\n") + orjson.dumps(found))
            self._count += 1
            self._end = self._file.tell()
            self._write_tail()

    def _write_tail(self) -> None:
        self._file.write(_TAIL)
        self._file.truncate()
        self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
