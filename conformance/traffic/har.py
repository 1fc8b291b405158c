"""HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the proxy's `--record` and `contract verify`'s input.

Written redacted, entry by entry, and kept a complete, valid file after every entry (the closing
brackets are rewritten each time), so a proxy stopped with Ctrl-C or killed leaves a readable record.
Read leniently: browsers' devtools exports, Playwright's `recordHar` and our own records.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from conformance.traffic.errors import TrafficFileError
from conformance.traffic.observed import Observed, decompressed, header
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


def read_har(path: Path) -> list[Observed]:
    """Every entry of a HAR file as an Observed exchange; TrafficFileError naming the place otherwise."""
    document = _load(path)
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise TrafficFileError(
            str(path),
            "not a HAR file: no /log/entries array",
            "export a HAR (devtools: Network > Export HAR) or pass NDJSON exchanges",
        )
    return [
        entry_to_observed(item, f"{path}#/log/entries/{index}")
        for index, item in enumerate(entries)
    ]


def _load(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except OSError as exc:
        raise TrafficFileError(
            str(path), f"cannot read: {exc.strerror or exc}", "check the path"
        ) from None
    except orjson.JSONDecodeError as exc:
        raise TrafficFileError(
            str(path),
            f"not JSON: {exc}",
            "pass a complete HAR file",
            line=getattr(exc, "lineno", None),
        ) from None


def entry_to_observed(item: Any, at: str) -> Observed:
    """One HAR entry (`at` names it: `file.har#/log/entries/3`, `file.ndjson:3`)."""
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("request"), dict)
        or not isinstance(item.get("response"), dict)
    ):
        raise TrafficFileError(
            at, "an entry needs `request` and `response` objects", "fix or remove the entry"
        )
    request, response = item["request"], item["response"]
    if not isinstance(request.get("method"), str) or not isinstance(request.get("url"), str):
        raise TrafficFileError(at, "request: `method` and `url` must be strings", "fix the entry")
    status = response.get("status")
    post = request.get("postData") if isinstance(request.get("postData"), dict) else {}
    request_headers, response_headers = (
        _pairs(request.get("headers")),
        _pairs(response.get("headers")),
    )
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    if post.get("mimeType") and header(request_headers, "content-type") is None:
        request_headers.append(("content-type", str(post["mimeType"])))
    # cookies listed apart
    if header(request_headers, "cookie") is None and _pairs(request.get("cookies")):
        request_headers.append(
            ("cookie", "; ".join(f"{k}={v}" for k, v in _pairs(request.get("cookies"))))
        )
    return Observed(
        method=request["method"].upper(),
        url=request["url"],
        request_headers=request_headers,
        request_body=_post_body(post),
        status=status if isinstance(status, int) and status > 0 else 0,
        response_headers=response_headers,
        response_body=_still_encoded(_text(content, "text"), response_headers),
        started=_epoch(item.get("startedDateTime")),
        duration_ms=float(item.get("time") or 0),
        served_by=str(item.get("_servedBy", "")),
        extra={"resourceType": str(item.get("_resourceType", "")), "at": at},
    )


def _post_body(post: dict[str, Any]) -> bytes | None:
    """`postData.text`; a form some exporters give only as `params` is encoded back from them."""
    text = _text(post, "text")
    if text is None and _pairs(post.get("params")):
        return urlencode(_pairs(post.get("params"))).encode()
    return text


def _pairs(raw: Any) -> list[tuple[str, str]]:
    return [
        (str(h["name"]), str(h.get("value", "")))
        for h in raw or []
        if isinstance(h, dict) and "name" in h
    ]


def _text(holder: dict[str, Any], key: str) -> bytes | None:
    text = holder.get(key)
    if not isinstance(text, str):
        return None
    if holder.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None
    return text.encode("utf-8", "surrogatepass")


def _still_encoded(body: bytes | None, headers: list[tuple[str, str]]) -> bytes | None:
    """HAR content is decoded text, and browsers write it so; a recorder that kept the bytes as they came
    (base64 of a gzip body) is read too, when the bytes say so (gzip or zlib magic). Brotli and zstd
    bodies stay as they are: no decoder ships with the kit's dependencies."""
    if not body or body[:1] not in (b"\x1f", b"\x78"):
        return body
    return decompressed(body, header(headers, "content-encoding")) or body


def _epoch(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
