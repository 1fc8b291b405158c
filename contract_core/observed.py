"""One HTTP exchange as an observer saw it (the proxy on the wire, a HAR or NDJSON record).

The proxy records these, `har.py`/`ndjson.py` read and write them, and `judge.py` turns them into
the exchange checker's `Exchange`: one model for live and recorded traffic.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import SplitResult, urlsplit

Headers = list[tuple[str, str]]


@dataclass
class Observed:
    method: str
    url: str  # absolute (`https://staging/v1/x?a=1`) or origin-relative (`/v1/x?a=1`)
    request_headers: Headers
    request_body: bytes | None
    status: int  # 0: no response (the upstream failed)
    response_headers: Headers
    response_body: bytes | None  # None: not held (streamed past, or not in the record)
    started: float = 0.0  # epoch seconds
    duration_ms: float = 0.0
    served_by: str = "upstream"
    comment: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property  # read about eight times per proxied request; `url` never changes
    def _parts(self) -> SplitResult:
        return urlsplit(self.url)

    @property
    def path(self) -> str:
        return self._parts.path or "/"

    @property
    def query(self) -> str:
        return self._parts.query

    @property
    def host(self) -> str:
        return self._parts.netloc

    def request_header(self, name: str) -> str | None:
        return header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return header(self.response_headers, name)


def header(headers: Headers, name: str) -> str | None:
    """The first value of a header, by case-insensitive name."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def lower_names(headers: Headers) -> dict[str, str]:
    """Header names folded to lower case; repeated headers joined with `, ` as HTTP allows."""
    folded: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        folded[key] = f"{folded[key]}, {value}" if key in folded else value
    return folded


def bodiless_response(method: str, status: int) -> bool:
    """An answer that has no content whatever its headers say (RFC 9110 6.4.1: to HEAD, 1xx, 204, 205,
    304), or no answer at all (status 0)."""
    return method.upper() == "HEAD" or status < 200 or status in (204, 205, 304)


def request_has_content(headers: Headers) -> bool:
    """Whether a request whose body the observer did not hold had one: only a Content-Length or a
    Transfer-Encoding frames a request's content (RFC 9112 6.3), so without them there was none."""
    return bool(_framed_content(headers))


def response_has_content(method: str, status: int, headers: Headers) -> bool:
    """Whether an answer whose body the observer did not hold (streamed past, or not in the record) had
    one. Without framing headers (a chunked answer whose hop-by-hop Transfer-Encoding a proxy dropped, or
    one delimited by closing the connection), its Content-Type says so: content is sent with its media
    type (RFC 9110 8.3)."""
    if bodiless_response(method, status):
        return False
    framed = _framed_content(headers)
    return framed if framed is not None else header(headers, "content-type") is not None


def _framed_content(headers: Headers) -> bool | None:
    """What the framing headers say of a message's content; None when it has neither."""
    length = header(headers, "content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return True if header(headers, "transfer-encoding") is not None else None


def decompressed(body: bytes, content_encoding: str | None) -> bytes | None:
    """A body with its gzip or deflate coding undone (which wrapper is read off the bytes), as it is under
    `identity`; None under a coding the kit has no decoder for (br, zstd: none ships with its dependencies)."""
    coding = (content_encoding or "identity").lower()
    if coding == "identity":
        return body
    if coding not in ("gzip", "x-gzip", "deflate"):
        return None
    try:
        return zlib.decompress(body, wbits=47)  # 32 + 15: a gzip or zlib header, detected
    except zlib.error:
        return body  # broken coding: the checks see the bytes the upstream sent
