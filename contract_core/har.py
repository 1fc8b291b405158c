"""HAR 1.2 read (http://www.softwareishard.com/blog/har-12-spec/): one reader for every HAR the kit takes.

Read leniently: browsers' devtools exports, Playwright's `recordHar` and `contract proxy --record`'s
own records. `contract verify` judges what it reads, `contract mock --replay` serves it; the writer
is the proxy's (`conformance.traffic.har`).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from contract_core.errors import TrafficFileError
from contract_core.observed import Observed, decompressed, header


def read_har(path: Path) -> list[Observed]:
    """Every entry of a HAR file as an Observed exchange; TrafficFileError naming the place otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TrafficFileError(
            str(path), f"cannot read: {exc.strerror or exc}", "check the path"
        ) from None
    return parse_har(raw, str(path))


def parse_har(raw: bytes, name: str) -> list[Observed]:
    """A HAR's bytes (`name` says where they came from) as Observed exchanges; TrafficFileError otherwise."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise TrafficFileError(
            name,
            f"not JSON: {exc}",
            "pass a complete HAR file",
            line=getattr(exc, "lineno", None),
        ) from None
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise TrafficFileError(
            name,
            "not a HAR file: no /log/entries array",
            "export a HAR (devtools: Network > Export HAR) or pass NDJSON exchanges",
        )
    return [
        entry_to_observed(item, f"{name}#/log/entries/{index}")
        for index, item in enumerate(entries)
    ]


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
