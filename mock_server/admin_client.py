"""The mock's admin endpoints from a test: `MockURL`, what `running_mock` and the `contract_mock`
fixture yield.

    contract_mock.expect(method="POST", path="/v1/accounts/api-tokens", status=201,
                         body={"name": "Pinned"}, times=1)          # -> the expectation's id
    with contract_mock.session("worker-1") as s:                    # X-Mock-Session: worker-1
        s.expect(...); s.client.post("/v1/...")                     # dropped at exit
    contract_mock.replay("recorded.har")                            # -> the skipped entries

Everything goes over HTTP, as a Playwright or Jest suite would send it (docs/mock.md), so a test
holds the same contract checks: a refused expectation raises `MockRefused` with the mock's
problem detail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from contract_core.errors import ContractError

SESSION_HEADER = "X-Mock-Session"
_TIMEOUT = 10.0
_UNSET: Any = object()  # no body pinned (`None` pins `null`)


@dataclass
class MockRefused(ContractError):
    """The mock refused what a test posted: its problem detail, and each located reason."""

    status: int
    detail: str
    errors: list[dict[str, Any]]

    def __str__(self) -> str:
        return f"the mock refused it ({self.status}): {self.detail}"


class MockURL(str):
    """The mock's base URL (a `str`, so `contract_mock + "/path"` works), with its admin endpoints."""

    admin_prefix: str

    def __new__(cls, url: str, admin_prefix: str = "/__mock") -> MockURL:
        made = super().__new__(cls, url)
        made.admin_prefix = admin_prefix
        return made

    def requests(self) -> list[dict[str, Any]]:
        """The journal, oldest first: method, path, query, status, duration, redacted body, errors."""
        return list(self._admin("GET", "requests").json()["requests"])

    def clear_requests(self) -> None:
        self._admin("DELETE", "requests")

    def reset_state(self) -> None:
        """Forget stored resources (a mock started with `Features(stateful=True)`)."""
        self._admin("DELETE", "state")

    def expect(
        self,
        method: str,
        path: str,
        status: int | None = None,
        body: Any = _UNSET,
        *,
        times: int | None = None,
        **more: Any,
    ) -> str:
        """Post one expectation; its id. `status`/`body` (partial) make the `response`; `more`
        takes the format's other keys: `query`, `headers`, `request_body` (the request's `body`),
        `response_headers`, `delay_ms`, `fault`, `responses`, `then`, `id`. MockRefused
        when the contract rules it out."""
        document = expectation_document(method, path, status, body, times=times, **more)
        return str(self._admin("POST", "expectations", json=document).json()["id"])

    def clear_expectations(self) -> None:
        self._admin("DELETE", "expectations")

    def replay(self, har: str | Path) -> list[str]:
        """Serve a HAR's exchanges (as `--replay`); the lines of the entries skipped for breaking
        the spec (`FILE: entry N: METHOD PATH -> STATUS: reason`)."""
        path = Path(har)
        answer = self._admin(
            "POST", "replay", content=path.read_bytes(), params={"name": path.name}
        )
        return list(answer.json()["skipped"])

    @contextmanager
    def session(self, name: str) -> Iterator[MockSession]:
        """A session scope (`X-Mock-Session: name`): its expectations and `--stateful` resources
        are its own; everything it holds is dropped at exit."""
        scoped = MockSession(self, name)
        try:
            yield scoped
        finally:
            scoped.close()
            self._admin("DELETE", f"sessions/{name}")

    def _admin(self, method: str, what: str, **kwargs: Any) -> httpx.Response:
        answer = httpx.request(
            method, f"{self}{self.admin_prefix}/{what}", timeout=_TIMEOUT, **kwargs
        )
        if answer.status_code >= 400:
            problem = _problem(answer)
            raise MockRefused(
                answer.status_code,
                str(problem.get("detail") or answer.text),
                problem.get("errors") or [],
            )
        return answer


class MockSession(MockURL):
    """A `MockURL` whose every request carries `X-Mock-Session`; `client` sends the API's requests."""

    session_name: str
    _client: httpx.Client | None

    def __new__(cls, base: MockURL, name: str) -> MockSession:
        made = str.__new__(cls, str(base))
        made.admin_prefix, made.session_name, made._client = base.admin_prefix, name, None
        return made

    @property
    def headers(self) -> dict[str, str]:
        return {SESSION_HEADER: self.session_name}

    @property
    def client(self) -> httpx.Client:
        """An httpx client on the mock, every request in this session."""
        if self._client is None:
            self._client = httpx.Client(base_url=str(self), headers=self.headers, timeout=_TIMEOUT)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _admin(self, method: str, what: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), **self.headers}
        return super()._admin(method, what, headers=headers, **kwargs)


def expectation_document(
    method: str, path: str, status: int | None, body: Any, times: int | None, **more: Any
) -> dict[str, Any]:
    """The helper's keyword arguments as the format of `POST /__mock/expectations`."""
    request: dict[str, Any] = {"method": method, "path": path}
    for key, named in (("query", "query"), ("headers", "headers"), ("request_body", "body")):
        if key in more:
            request[named] = more.pop(key)
    document: dict[str, Any] = {"request": request}
    answer: dict[str, Any] = {}
    if status is not None:
        answer["status"] = status
    if body is not _UNSET:
        answer["body"] = body
    for key, named in (
        ("response_headers", "headers"),
        ("delay_ms", "delay_ms"),
        ("fault", "fault"),
    ):
        if key in more:
            answer[named] = more.pop(key)
    if answer:
        document["response"] = answer
    if times is not None:
        document["times"] = times
    return {**document, **more}  # `responses`, `then`, `id`: as the format names them


def _problem(answer: httpx.Response) -> dict[str, Any]:
    try:
        found = answer.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
