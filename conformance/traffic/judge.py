"""Observed traffic -> the exchange checker: match the operation, build the `Exchange`, collect violations.

The proxy asks twice per exchange (the request before forwarding it, then the response); `contract
verify` asks once per recorded entry. Both go through the one `ExchangeChecker` with the
message-level checks registered (`conformance.checker.messages.full_checker`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import unquote

from conformance.checker.documented_responses import DocumentedResponses
from conformance.checker.exchange import CheckViolation, Exchange
from conformance.checker.messages import CHECK_NAMES, REQUEST_CHECKS, RESPONSE_CHECKS, full_checker
from conformance.checker.sent_request import request_exchange
from contract_core import pointer
from contract_core.observed import (
    Headers,
    Observed,
    lower_names,
    request_has_content,
    response_has_content,
)
from contract_core.paths import Match
from contract_core.redact import REDACTED, Redactor
from contract_core.spec import Spec

AFTER_RESPONSE = (*RESPONSE_CHECKS, *CHECK_NAMES)


@dataclass(frozen=True)
class Judgement:
    match: Match | None
    violations: list[CheckViolation]

    @property
    def operation(self) -> str | None:
        return None if self.match is None else self.match.template


class TrafficJudge:
    """One spec's checks for observed traffic; validators compiled and plans made at start-up."""

    def __init__(self, spec: Spec, remember: int = 100_000) -> None:
        self.spec = spec
        self.documented = DocumentedResponses(spec)
        self.contract = self.documented.contract
        self.query_credentials = self.contract.query_credentials
        self.checker = full_checker(self.documented, remember)
        self.matcher = self.contract.matcher
        self._labels = {
            c.operation.operation_id: (c.operation.method.upper(), c.operation.path)
            for c in self.contract.operations
        }
        self._prepare()

    def _prepare(self) -> None:
        """Compile every response and request body schema now, so no request pays for it."""
        responses, requests = [], []
        for method, path in self._labels.values():
            operation = self.documented.operation(method, path)
            for status in (operation.responses or {}) if operation else ():
                code = int(status) if status.isdigit() else 200
                target = self.documented.response_schema(method, path, code, "application/json")
                if target is not None:
                    responses.append(target.pointer)
            body = self.documented.request_schema(method, path, "application/json")
            if body is not None:
                requests.append(body)
        self.documented.validator.prepare(responses)
        self.documented.request_validator.prepare(requests)

    def redactor(self) -> Redactor:
        """A redactor with the spec's secret field names and query credentials, knowing no values yet."""
        return Redactor(self.documented.secret_fields, self.query_credentials)

    def redactor_for(self, observed: Observed) -> Redactor:
        """A redactor that knows one exchange's secrets: credential headers (both ways) and query values,
        secret fields of both bodies."""
        return self.learn(self.redactor(), observed)

    @staticmethod
    def learn(redactor: Redactor, observed: Observed) -> Redactor:
        """Teach `redactor` the secrets of one exchange (a run-wide redactor learns from every one)."""
        redactor.learn_exchange(
            [*observed.request_headers, *observed.response_headers],
            observed.query,
            (observed.request_body, observed.response_body),
        )
        return redactor

    def match(self, method: str, path: str) -> Match | None:
        """The operation of a path as sent (percent-encoded: `a%2Fb` is one segment); failing that, of the
        decoded path, for a client that encoded a literal segment (`/caf%C3%A9` for `/café`)."""
        found = self.matcher.match(method, path)
        return (
            found
            if found is not None or "%" not in path
            else self.matcher.match(method, unquote(path))
        )

    def label(self, match: Match) -> str:
        method, path = self._labels[match.operation_id]
        return f"{method} {path}"

    def exchange(self, observed: Observed, match: Match) -> Exchange:
        """The checker's view of an observed exchange (request body parsed once, for reflection)."""
        method, template = self._labels[match.operation_id]
        return request_exchange(
            self.documented,
            method,
            template,
            url_path=observed.path[len(match.prefix) :] or "/",
            query=observed.query,
            headers=lower_names(observed.request_headers),
            content_type=observed.request_header("content-type"),
            body=observed.request_body,
            request_body_unread=observed.request_body is None
            and request_has_content(observed.request_headers),
            status=observed.status,
            response_content_type=observed.response_header("content-type"),
            response_body=observed.response_body or b"",
            response_headers=lower_names(observed.response_headers),
            response_body_unread=_unread_response(
                method, observed.status, observed.response_headers, observed.response_body
            ),
        )

    def request_violations(self, exchange: Exchange) -> list[CheckViolation]:
        return _judgeable(self.checker.check(exchange, REQUEST_CHECKS), exchange)

    def response_violations(
        self, exchange: Exchange, body_held: bool = True
    ) -> list[CheckViolation]:
        # a streamed body was not held to check
        names = AFTER_RESPONSE if body_held else RESPONSE_CHECKS
        return _judgeable(self.checker.check(exchange, names), exchange)

    def judge(self, observed: Observed) -> Judgement:
        """Every violation of a recorded exchange (request and response), or no match."""
        match = self.match(observed.method, observed.path)
        if match is None:
            return Judgement(None, [])
        exchange = self.exchange(observed, match)
        found = self.request_violations(exchange)
        if observed.status:
            found += self.response_violations(exchange, observed.response_body is not None)
        return Judgement(match, found)

    def with_response(
        self, exchange: Exchange, status: int, headers: Headers, body: bytes | None
    ) -> Exchange:
        """`exchange` with its answer; `body` is None when it was not held (streamed, or not decodable)."""
        folded = lower_names(headers)
        return dataclasses.replace(
            exchange,
            status=status,
            response_content_type=folded.get("content-type"),
            response_body=body or b"",
            response_headers=folded,
            response_body_unread=_unread_response(exchange.method, status, headers, body),
        )


def _unread_response(method: str, status: int, headers: Headers, body: bytes | None) -> bool:
    """An answer's body went by unheld: its status and headers are judged all the same."""
    return body is None and response_has_content(method, status, headers)


def _judgeable(violations: list[CheckViolation], exchange: Exchange) -> list[CheckViolation]:
    """Drop findings about values a record redacted (`[REDACTED]` is not what the server sent)."""
    marker = REDACTED.encode()
    if not violations or (
        marker not in exchange.response_body and marker not in (exchange.raw_request_body or b"")
    ):
        return violations
    return [v for v in violations if not _redacted_at(v, exchange)]


def _redacted_at(violation: CheckViolation, exchange: Exchange) -> bool:
    document = exchange.response_json if violation.side == "response" else exchange.request_body
    try:
        return pointer.resolve(document, violation.instance_pointer or "") == REDACTED
    except (KeyError, IndexError, ValueError, TypeError):
        return False
