"""Send a request on to the upstream and get its answer back, bytes unchanged (httpx, streaming).

The answer's body is held in memory only when the proxy must read it (a JSON body up to
`hold_limit` bytes); anything else is streamed through as it arrives. Bytes are read raw
(`aiter_raw`): a gzip body goes back to the client gzipped, as the upstream sent it, and is
decoded only for the checks.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from contract_core.errors import ContractError
from contract_core.media import is_json
from traffic.observed import Headers, header

# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded. `host` names the proxy.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
    "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length",
})


class UpstreamFailure(ContractError):
    """The upstream gave no answer: refused, unreachable, timed out, or broke the connection."""

    def __init__(self, upstream: str, detail: str, timed_out: bool) -> None:
        super().__init__(f"upstream {upstream}: {detail}")
        self.upstream, self.detail, self.timed_out = upstream, detail, timed_out


@dataclass
class UpstreamAnswer:
    status: int
    headers: Headers  # hop-by-hop headers removed
    body: bytes | None  # held (and complete) body, else None: read `stream`
    stream: AsyncIterator[bytes] | None
    response: httpx.Response

    def decoded_body(self) -> bytes | None:
        """The held body as the checks read it: gzip/deflate undone; None for other encodings."""
        encoding = (header(self.headers, "content-encoding") or "identity").lower()
        if self.body is None or encoding == "identity":
            return self.body
        if encoding in ("gzip", "x-gzip", "deflate"):
            try:
                return zlib.decompress(self.body, wbits=47)  # 32 + 15: gzip or zlib header, detected
            except zlib.error:
                return self.body
        return None

    async def close(self) -> None:
        await self.response.aclose()


class Forwarder:
    def __init__(self, upstream: str, timeout: float, hold_limit: int) -> None:
        parts = urlsplit(upstream)
        self.upstream = upstream.rstrip("/")
        self.base_path = parts.path.rstrip("/")
        self.hold_limit = hold_limit
        self.client = httpx.AsyncClient(
            base_url=f"{parts.scheme}://{parts.netloc}", timeout=httpx.Timeout(timeout), follow_redirects=False,
            trust_env=False, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )

    def target_path(self, path: str, prefix: str) -> str:
        """Where the request goes upstream: the upstream URL's path, then the request's path; a spec
        `servers` prefix the request carried is not doubled when the upstream URL already ends with it."""
        if prefix and self.base_path.endswith(prefix) and path.startswith(prefix):
            path = path[len(prefix):] or "/"
        return self.base_path + path

    async def send(self, method: str, target: str, headers: Headers, body: bytes | AsyncIterator[bytes]) -> \
            UpstreamAnswer:
        forwarded = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        request = self.client.build_request(method, target, headers=forwarded, content=body)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise UpstreamFailure(self.upstream, f"no answer within the timeout ({type(exc).__name__})", True) from exc
        except httpx.HTTPError as exc:
            raise UpstreamFailure(self.upstream, f"{type(exc).__name__}: {exc or 'connection failed'}", False) from exc
        return await self._answer(response)

    async def _answer(self, response: httpx.Response) -> UpstreamAnswer:
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in HOP_BY_HOP]
        if response.headers.get("content-length") is not None:
            headers.append(("content-length", response.headers["content-length"]))
        if not self._should_hold(response):
            return UpstreamAnswer(response.status_code, headers, None, response.aiter_raw(), response)
        chunks, size, raw = [], 0, response.aiter_raw()
        try:
            async for chunk in raw:
                chunks.append(chunk)
                size += len(chunk)
                if size > self.hold_limit:  # larger than announced: stream the rest
                    return UpstreamAnswer(response.status_code, headers, None, _chain(chunks, raw), response)
        except httpx.HTTPError as exc:
            await response.aclose()
            raise UpstreamFailure(self.upstream, f"the answer broke off: {type(exc).__name__}", False) from exc
        await response.aclose()
        return UpstreamAnswer(response.status_code, headers, b"".join(chunks), None, response)

    def _should_hold(self, response: httpx.Response) -> bool:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.hold_limit:
            return False
        return is_json(response.headers.get("content-type")) or (declared.isdigit() and int(declared) <= 4096)

    async def close(self) -> None:
        await self.client.aclose()


async def _chain(first: list[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in first:
        yield chunk
    async for chunk in rest:
        yield chunk
