"""NDJSON traffic: one exchange per line, for logs and captures that are not HAR.

A line is either a HAR entry (`{"request": {"url", "postData"…}, "response": {"content"…}}`) or the
short form:

    {"request": {"method": "POST", "url": "https://staging/v1/x", "headers": {"content-type": "application/json"},
                 "body": {"name": "a"}},
     "response": {"status": 201, "headers": {"content-type": "application/json"}, "body": {"id": "x"}}}

Bodies are text, or any JSON value (taken as the JSON body); headers an object or `[name, value]` pairs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from contract_core.errors import TrafficFileError
from contract_core.har import entry_to_observed
from contract_core.observed import Headers, Observed


def read_ndjson(path: Path) -> list[Observed]:
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise TrafficFileError(
            str(path), f"cannot read: {exc.strerror or exc}", "check the path"
        ) from None
    found = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            found.append(_line(path, number, line))
    return found


def _line(path: Path, number: int, line: bytes) -> Observed:
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise TrafficFileError(
            str(path), f"not JSON: {exc}", "one JSON object per line", number
        ) from None
    request = item.get("request") if isinstance(item, dict) else None
    response = item.get("response") if isinstance(item, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise TrafficFileError(
            str(path),
            "a line needs `request` and `response` objects",
            "see `contract verify --help` for the line format",
            number,
        )
    if "postData" in request or "content" in response or "httpVersion" in request:
        return entry_to_observed(item, f"{path}:{number}")
    return _short_form(path, number, request, response)


def _short_form(
    path: Path, number: int, request: dict[str, Any], response: dict[str, Any]
) -> Observed:
    method, url, status = request.get("method"), request.get("url"), response.get("status")
    if not isinstance(method, str) or not isinstance(url, str) or not isinstance(status, int):
        raise TrafficFileError(
            str(path),
            "request.method and request.url must be strings, response.status an integer",
            "fix the line",
            number,
        )
    return Observed(
        method.upper(),
        url,
        _headers(request.get("headers")),
        _body(request.get("body")),
        status,
        _headers(response.get("headers")),
        _body(response.get("body")),
        extra={"at": f"{path}:{number}"},
    )


def _headers(raw: Any) -> Headers:
    if isinstance(raw, dict):
        return [(str(k), str(v)) for k, v in raw.items()]
    if isinstance(raw, list):
        return [(str(p[0]), str(p[1])) for p in raw if isinstance(p, (list, tuple)) and len(p) == 2]
    return []


def _body(raw: Any) -> bytes | None:
    if raw is None:
        return None
    return raw.encode() if isinstance(raw, str) else orjson.dumps(raw)
