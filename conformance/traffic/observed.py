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
