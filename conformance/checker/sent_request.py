"""Whether a request breaks the contract as it was sent: the request-side checks on its bytes.

A case Schemathesis generates to be invalid is not always invalid once it is serialised. Under
the spec's `encoding` rules a form value `expand=0` is a one-item array holding the string "0"
(Stripe), and a 3.1 schema's `nullable: true` admits `null` as its authors meant it (the kit reads
it so on every side: the mock, the proxy, verify). Schemathesis' `negative_data_rejection` then
blames a server for accepting a valid request. Judging the bytes as sent, with the same readers and
checks the proxy and verify use, tells a negative case from one that only looked negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.exchange import CheckViolation, Exchange
from conformance.checker.messages import full_checker

# What a negative case can break in the request; credentials are other checks' business
# (Schemathesis' `ignored_auth`, the kit's `request_security`).
SENT_REQUEST_CHECKS = ("request_parameters", "request_media_type", "request_body")


class SentRequests:
    """The request-side checks of one spec, for requests given as method, URL, headers and bytes."""

    def __init__(self, documented: DocumentedResponses, base_path: str = "") -> None:
        self.documented = documented
        self.checker = full_checker(documented, remember=1)  # no ledger: only request checks run
        self.base_path = base_path.rstrip("/")
        self._operations = {
            c.operation.operation_id: c.operation for c in documented.contract.operations
        }

    def violations(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> list[CheckViolation] | None:
        """Every way the request breaks its operation's documented request; None when it matches
        no documented operation (nothing to judge it by)."""
        exchange = self.exchange(method, url, headers, body)
        return None if exchange is None else self.checker.check(exchange, SENT_REQUEST_CHECKS)

    def exchange(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Exchange | None:
        parts = urlsplit(url)
        path = self._without_base(parts.path)
        match = self.documented.contract.matcher.match(method, path)
        if match is None and "%" in path:
            match = self.documented.contract.matcher.match(method, unquote(path))
        if match is None:
            return None
        operation = self._operations[match.operation_id]
        folded = {name.lower(): value for name, value in headers.items()}
        return request_exchange(
            self.documented,
            operation.method.upper(),
            operation.path,
            url_path=path[len(match.prefix) :] or "/",
            query=parts.query,
            headers=folded,
            content_type=folded.get("content-type"),
            body=body or None,
        )

    def _without_base(self, path: str) -> str:
        if self.base_path and path.startswith(self.base_path):
            return path[len(self.base_path) :] or "/"
        return path


def request_exchange(
    documented: DocumentedResponses,
    method: str,
    template: str,
    *,
    url_path: str,
    query: str,
    headers: Mapping[str, str],
    content_type: str | None,
    body: bytes | None,
    **response: Any,
) -> Exchange:
    """The checker's view of a request to `method template`, its body read once for every check
    (and for reflection); the answer's fields, where there is one, as `response` (the proxy and
    verify: `status`, `response_body`, ...). `headers` are folded to lower case."""
    answer: dict[str, Any] = {"status": 0, "response_content_type": None, "response_body": b""}
    return Exchange(
        method=method,
        path=template,
        operation=f"{method} {template}",
        request_body=documented.request_data(method, template, body, content_type),
        request_media_type=content_type,
        url_path=url_path,
        request_query=query,
        request_headers=headers,
        raw_request_body=body,
        **{**answer, **response},
    )
